"""Sessions, their agenda, attendance and the allowance it earns, through the services."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from convention.assembly import hearings
from convention.audit.models import AuditEntry
from convention.auth.models import Role
from convention.errors import InvalidInput, NotAllowed
from convention.extensions import db
from convention.sittings import queries, services
from convention.sittings.models import (
    AgendaItem,
    AllowanceRule,
    Attendance,
    AttendanceStatus,
    Sitting,
)
from tests import factories

WEEKEND = {"starts_on": date(2026, 11, 14), "ends_on": date(2026, 11, 15)}


@pytest.fixture
def world():
    return factories.build_world()


def sitting(world, title="Premier week-end", **dates):
    values = {**WEEKEND, "place": "Hôtel de Métropole", **dates}
    return services.create_sitting(world.staff, world.convention, title=title, **values)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_member_is_paid_the_daily_allowance_for_each_day_present(world):
    weekend = sitting(world, "Week-end 1")
    single_day = sitting(world, "Journée", starts_on=date(2026, 12, 5), ends_on=None)
    excused_at = sitting(world, "Week-end 2", starts_on=date(2027, 1, 9), ends_on=date(2027, 1, 10))
    ines, karim = world.members[0], world.members[1]
    services.record_attendance(world.staff, weekend, {ines.id: "present", karim.id: "absent"})
    services.record_attendance(world.staff, single_day, {ines.id: "present", karim.id: "present"})
    services.record_attendance(world.staff, excused_at, {ines.id: "excused"})
    services.set_daily_allowance(world.staff, world.convention, 8650)

    lines = {line.member_id: line for line in queries.allowance_lines(world.convention)}
    assert (lines[ines.id].days_present, lines[ines.id].amount_cents) == (3, 25950)
    assert (lines[karim.id].days_present, lines[karim.id].amount_cents) == (1, 8650)
    # Every member has a line, the ones never recorded with nothing due.
    everyone = world.members + [world.outsider]
    assert set(lines) == {m.id for m in everyone}
    assert lines[world.outsider.id].amount_cents == 0

    mine = queries.attendance_of(world.convention, ines)
    assert [(row.sitting.title, row.status, row.paid_days) for row in mine.sittings] == [
        ("Week-end 1", AttendanceStatus.PRESENT, 2),
        ("Journée", AttendanceStatus.PRESENT, 1),
        ("Week-end 2", AttendanceStatus.EXCUSED, 0),
    ]
    assert (mine.days_present, mine.daily_cents, mine.amount_cents) == (3, 8650, 25950)


def test_without_an_allowance_set_nothing_is_due(world):
    services.record_attendance(world.staff, sitting(world), {world.members[0].id: "present"})
    assert queries.daily_allowance_cents(world.convention) is None
    mine = queries.attendance_of(world.convention, world.members[0])
    assert (mine.days_present, mine.amount_cents) == (2, 0)


def test_sessions_are_listed_by_date_with_what_the_invitation_email_shows(world):
    later = sitting(world, "Deuxième week-end", starts_on=date(2027, 1, 9), ends_on=None)
    first = sitting(world, "Premier week-end")
    found = queries.sittings_of(world.convention)
    assert found == [first, later]
    assert (found[0].title, found[0].starts_on, found[0].ends_on, found[0].place) == (
        "Premier week-end",
        date(2026, 11, 14),
        date(2026, 11, 15),
        "Hôtel de Métropole",
    )
    assert (found[0].days, found[1].days) == (2, 1)
    # Another convention's sessions are not listed.
    other = factories.convention(slug="autre")
    assert queries.sittings_of(other) == []


def test_a_session_cannot_end_before_it_starts_nor_have_no_title(world):
    with pytest.raises(InvalidInput) as refused:
        sitting(world, starts_on=date(2026, 11, 15), ends_on=date(2026, 11, 14))
    assert refused.value.field == "ends_on"
    assert str(refused.value.message) == "Le dernier jour ne peut pas précéder le premier."
    with pytest.raises(InvalidInput) as refused:
        sitting(world, title="   ")
    assert str(refused.value.message) == "Donnez un titre à la séance."
    assert queries.sittings_of(world.convention) == []


def test_only_staff_run_the_sessions(world):
    weekend = sitting(world)
    for person in (world.members[0], world.facilitator, world.citizen):
        with pytest.raises(NotAllowed):
            services.create_sitting(
                person, world.convention, title="Séance", starts_on=date(2026, 1, 1)
            )
        with pytest.raises(NotAllowed):
            services.record_attendance(person, weekend, {person.id: "present"})
        with pytest.raises(NotAllowed):
            services.set_daily_allowance(person, world.convention, 100)
    assert queries.statuses_of(weekend) == {}


def test_attendance_is_recorded_for_members_only_with_a_known_status(world):
    weekend = sitting(world)
    ines = world.members[0]
    with pytest.raises(InvalidInput) as refused:
        services.record_attendance(
            world.staff, weekend, {ines.id: "present", world.citizen.id: "present"}
        )
    assert str(refused.value.message) == (
        "Seuls les membres de la convention ont une présence à enregistrer."
    )
    with pytest.raises(InvalidInput) as refused:
        services.record_attendance(world.staff, weekend, {ines.id: "maybe"})
    assert "présent·e, excusé·e ou absent·e" in str(refused.value.message)
    assert queries.statuses_of(weekend) == {}


def test_attendance_saved_again_changes_only_what_changed_and_keeps_who_recorded_it(world):
    weekend = sitting(world)
    ines, karim = world.members[0], world.members[1]
    first = services.record_attendance(
        world.staff, weekend, {ines.id: "present", karim.id: "absent"}
    )
    assert len(first) == 2
    again = services.record_attendance(
        world.staff, weekend, {ines.id: "present", karim.id: "excused"}
    )
    assert [a.user_id for a in again] == [karim.id]
    # A member left out keeps what was recorded for them.
    services.record_attendance(world.staff, weekend, {karim.id: "excused"})
    assert queries.statuses_of(weekend) == {
        ines.id: AttendanceStatus.PRESENT,
        karim.id: AttendanceStatus.EXCUSED,
    }
    recorded = db.session.scalar(select(Attendance).where(Attendance.user_id == karim.id))
    assert recorded.recorded_by == world.staff


def test_the_allowance_is_never_negative(world):
    with pytest.raises(InvalidInput) as refused:
        services.set_daily_allowance(world.staff, world.convention, -1)
    assert refused.value.field == "daily_amount"
    assert str(refused.value.message) == "L'indemnité journalière ne peut pas être négative."
    with pytest.raises(InvalidInput) as refused:
        services.set_daily_allowance(world.staff, world.convention, 2**31)
    assert str(refused.value.message) == "Ce montant est bien trop grand."
    services.set_daily_allowance(world.staff, world.convention, 5000)
    services.set_daily_allowance(world.staff, world.convention, 0)
    assert queries.daily_allowance_cents(world.convention) == 0


def test_every_change_is_in_the_audit_log_with_its_author(world):
    weekend = sitting(world)
    services.update_sitting(
        world.staff, weekend, title="Premier week-end (Lattes)", **WEEKEND, place="Lattes"
    )
    item = services.add_agenda_item(world.staff, weekend, title="Accueil")
    services.add_agenda_item(world.staff, weekend, title="Travail en groupes")
    services.move_agenda_item(world.staff, item, 1)
    services.remove_agenda_item(world.staff, item)
    services.record_attendance(world.staff, weekend, {world.members[0].id: "present"})
    services.set_daily_allowance(world.staff, world.convention, 8650)
    services.delete_sitting(world.staff, weekend)

    mine = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("sitting.%")).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in mine] == [
        "sitting.create",
        "sitting.update",
        "sitting.agenda_add",
        "sitting.agenda_add",
        "sitting.agenda_move",
        "sitting.agenda_remove",
        "sitting.attendance",
        "sitting.allowance",
        "sitting.delete",
    ]
    assert all(e.actor == world.staff for e in mine)
    assert mine[6].details == {"changes": {str(world.members[0].id): "present"}}
    assert mine[7].details == {"before": None, "daily_cents": 8650}


def test_the_agenda_keeps_its_order_and_moves_one_step_at_a_time(world):
    weekend = sitting(world)
    welcome, groups, vote = (
        services.add_agenda_item(world.staff, weekend, title=title)
        for title in ("Accueil", "Groupes", "Vote")
    )
    services.move_agenda_item(world.staff, vote, -1)
    assert [i.title for i in weekend.agenda] == ["Accueil", "Vote", "Groupes"]
    services.move_agenda_item(world.staff, welcome, -1)  # already first: nothing moves
    services.remove_agenda_item(world.staff, welcome)
    db.session.flush()
    db.session.expire_all()
    assert [i.title for i in queries.sittings_of(world.convention)[0].agenda] == [
        "Vote",
        "Groupes",
    ]
    services.add_agenda_item(world.staff, weekend, title="Clôture")
    assert [i.title for i in weekend.agenda][-1] == "Clôture"


def test_an_agenda_item_links_only_hearings_and_groups_of_the_same_convention(world):
    weekend = sitting(world)
    hearing = world.hearing()
    item = services.add_agenda_item(
        world.staff, weekend, title="Audition", hearing_id=hearing.id, group_id=world.group.id
    )
    assert (item.hearing, item.group) == (hearing, world.group)

    admin = factories.user(Role.ADMIN)
    other = factories.convention(admin, slug="autre")
    foreign_hearing = hearings.publish_hearing(
        admin,
        other,
        title="Ailleurs",
        expert="X",
        expert_role="",
        held_on=datetime(2026, 10, 3, tzinfo=UTC),
        summary="",
        declared_interests="",
        documents="",
    )
    with pytest.raises(InvalidInput) as refused:
        services.add_agenda_item(
            world.staff, weekend, title="Intrus", hearing_id=foreign_hearing.id
        )
    assert (refused.value.field, str(refused.value.message)) == (
        "hearing",
        "Cette audition n'existe pas ici.",
    )
    with pytest.raises(InvalidInput) as refused:
        services.add_agenda_item(world.staff, weekend, title="Intrus", group_id=987654)
    assert refused.value.field == "group"


def test_deleting_a_hearing_keeps_the_agenda_point_without_its_link(world):
    weekend = sitting(world)
    hearing = world.hearing()
    item = services.add_agenda_item(world.staff, weekend, title="Audition", hearing_id=hearing.id)
    db.session.flush()
    db.session.delete(hearing)
    db.session.flush()
    db.session.expire_all()
    found = db.session.get(AgendaItem, item.id)
    assert found is not None and found.hearing_id is None


def test_deleting_a_session_deletes_its_agenda_and_attendance(world):
    weekend = sitting(world)
    services.add_agenda_item(world.staff, weekend, title="Accueil")
    services.record_attendance(world.staff, weekend, {world.members[0].id: "present"})
    db.session.flush()
    services.delete_sitting(world.staff, weekend)
    db.session.flush()
    assert db.session.scalars(select(AgendaItem)).all() == []
    assert db.session.scalars(select(Attendance)).all() == []


@pytest.mark.parametrize(
    "row",
    [
        lambda world, s: Attendance(
            sitting_id=s.id, user_id=world.members[0].id, status=AttendanceStatus.ABSENT
        ),
        lambda world, s: AllowanceRule(convention_id=world.convention.id, daily_cents=-5),
        lambda world, s: Sitting(
            convention_id=world.convention.id,
            title="À l'envers",
            starts_on=date(2026, 2, 2),
            ends_on=date(2026, 2, 1),
        ),
        lambda world, s: AgendaItem(sitting_id=s.id, position=0, title="Même rang"),
    ],
    ids=["one attendance per member", "no negative allowance", "end after start", "one rank"],
)
def test_the_database_refuses_what_the_rules_refuse(world, row):
    weekend = sitting(world)
    services.add_agenda_item(world.staff, weekend, title="Premier point")
    services.record_attendance(world.staff, weekend, {world.members[0].id: "present"})
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(row(world, weekend))
        db.session.flush()
