"""The convention's set-up rules and its public home page."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from convention.assembly import services
from convention.assembly.models import PhaseKind
from convention.audit.models import AuditEntry
from convention.auth.models import Role
from convention.errors import AlreadyExists, ConventionError, InvalidInput, NotAllowed
from convention.extensions import db
from convention.proposals import services as proposals
from tests import factories
from tests.pages import at


@pytest.fixture
def staff():
    return factories.user(Role.STAFF, name="Équipe")


@pytest.fixture
def convention(staff):
    return factories.convention(staff)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_new_convention_starts_in_recruitment_with_the_seven_phases(convention):
    assert convention.current_phase == PhaseKind.RECRUITMENT
    assert [kind for kind, _ in services.calendar(convention)] == list(PhaseKind)
    assert services.next_phase(convention)[0] == PhaseKind.LEARNING


def test_opening_the_next_phase_moves_on_once_and_is_audited(staff, convention):
    services.open_next_phase(staff, convention, expected=PhaseKind.RECRUITMENT)
    assert convention.current_phase == PhaseKind.LEARNING
    assert convention.phase(PhaseKind.LEARNING).opened_at is not None
    # A second click from the same stale page must not skip the deliberation.
    with pytest.raises(ConventionError, match="périmée"):
        services.open_next_phase(staff, convention, expected=PhaseKind.RECRUITMENT)
    assert convention.current_phase == PhaseKind.LEARNING
    assert audit_actions().count("phase.open") == 1


def test_the_last_phase_has_no_next(staff, convention):
    for kind in list(PhaseKind)[:-1]:
        services.open_next_phase(staff, convention, expected=kind)
    assert convention.current_phase == PhaseKind.FOLLOW_UP
    with pytest.raises(services.LastPhase):
        services.open_next_phase(staff, convention, expected=PhaseKind.FOLLOW_UP)


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.MEMBER, Role.FACILITATOR])
def test_only_staff_and_admins_manage_the_convention(convention, role):
    someone = factories.user(role)
    with pytest.raises(NotAllowed):
        services.open_next_phase(someone, convention, expected=PhaseKind.RECRUITMENT)
    with pytest.raises(NotAllowed):
        services.add_theme(someone, convention, "Culture")
    assert convention.current_phase == PhaseKind.RECRUITMENT


def test_admins_manage_too(convention):
    admin = factories.user(Role.ADMIN)
    services.add_theme(admin, convention, "Culture")
    assert [t.name for t in convention.themes] == ["Culture"]


def test_a_phase_cannot_end_before_it_starts(staff, convention):
    start = datetime(2027, 1, 10, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="finir avant de commencer"):
        services.set_phase_dates(staff, convention, PhaseKind.LEARNING, start, start.replace(day=1))
    assert convention.phase(PhaseKind.LEARNING).starts_on is None


def test_every_staff_action_is_written_to_the_audit_log(staff, convention):
    theme = services.add_theme(staff, convention, "Santé")
    services.update_theme(staff, theme, "Santé publique", "")
    group = services.add_group(staff, convention, "Groupe santé", theme)
    member = factories.user(Role.MEMBER)
    services.add_member(staff, group, member)
    services.remove_member(staff, group, member)
    services.update_convention(
        staff, convention, title="T", question="Q ?", description="", authority=""
    )
    services.set_phase_dates(staff, convention, PhaseKind.LEARNING, None, None)
    assert audit_actions() == [
        "convention.create",
        "convention.appoint",  # the staff member, in this convention
        "theme.create",
        "theme.update",
        "group.create",
        "convention.appoint",  # the member
        "group.add_member",
        "group.remove_member",
        "convention.update",
        "phase.plan",
    ]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "convention.update")
    ).one()
    assert entry.actor is staff and entry.details["after"]["question"] == "Q ?"


def test_theme_names_are_unique_within_a_convention(staff, convention):
    services.add_theme(staff, convention, "Mobilités")
    with pytest.raises(AlreadyExists):
        services.add_theme(staff, convention, "Mobilités")
    assert len(convention.themes) == 1


def test_a_theme_in_use_cannot_be_deleted(staff, convention):
    theme = services.add_theme(staff, convention, "Santé")
    services.add_group(staff, convention, "Groupe santé", theme)
    with pytest.raises(ConventionError, match="utilisé par un groupe"):
        services.delete_theme(staff, theme)
    assert theme in convention.themes


def test_a_member_sits_in_one_working_group_only(staff, convention):
    first = services.add_group(staff, convention, "A", None)
    second = services.add_group(staff, convention, "B", None)
    member = factories.user(Role.MEMBER)
    services.add_member(staff, first, member)
    with pytest.raises(AlreadyExists):
        services.add_member(staff, second, member)
    assert [m.user for m in first.memberships] == [member]
    assert second.memberships == []


def test_only_members_join_groups_and_only_facilitators_run_them(staff, convention):
    group = services.add_group(staff, convention, "A", None)
    with pytest.raises(InvalidInput):
        services.add_member(staff, group, factories.user(Role.CITIZEN))
    with pytest.raises(InvalidInput):
        services.update_group(staff, group, "A", None, factories.user(Role.MEMBER))


def test_home_page_shows_question_phase_next_themes_and_members(
    client, staff, convention, query_counter
):
    services.set_phase_dates(
        staff, convention, PhaseKind.LEARNING, datetime(2027, 2, 1, 8, tzinfo=UTC), None
    )
    theme = services.add_theme(staff, convention, "Santé", "Accès aux soins")
    group = services.add_group(staff, convention, "Groupe santé", theme)
    place = factories.commune("Pignan")
    for first in ("Inès", "Karim"):
        member = factories.user(
            Role.MEMBER,
            email=f"{first.lower()}@x.example",
            name=f"{first} Dupont",
            first_name=first,
            place=place,
        )
        services.add_member(staff, group, member)
    db.session.commit()

    page = client.get(at(convention, "/")).text
    assert "Quelle intelligence artificielle\u202f?" in page
    assert "Phase en cours\u202f: <strong>Recrutement</strong>" in page
    assert (
        "Ensuite\u202f: <strong>Information et auditions</strong>, à partir du 1er février 2027"
        in page
    )
    assert "Santé" in page and "Accès aux soins" in page and "Groupe santé" in page
    assert 'Inès <span class="commune">(Pignan)</span>' in page
    # First name and commune only: no surname, no email.
    assert "Dupont" not in page and "@x.example" not in page

    # The page makes the same number of queries whatever the number of members.
    few = query_counter.count_for(lambda: client.get("/"))
    for i in range(10):
        services.add_member(
            staff, group, factories.user(Role.MEMBER, first_name=f"M{i}", place=factories.commune())
        )
    db.session.commit()
    assert query_counter.count_for(lambda: client.get("/")) == few, query_counter.statements


def test_home_page_without_a_convention_says_how_to_load_one(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "flask seed-demo" in page.text


def test_drafting_is_offered_only_while_it_is_allowed(client):
    world = factories.build_world()
    proposals.post_idea(world.citizen, world.convention, world.theme, "Des ateliers", "Partout.")
    db.session.commit()
    factories.sign_in(client, world.members[0])
    draft_link = f'href="/c/test/groupes/{world.group.id}/recommandations/nouvelle'
    assert draft_link in client.get(at(world.convention, "/")).text
    assert draft_link in client.get(at(world.convention, "/idees")).text
    factories.open_phase(world.staff, world.convention, PhaseKind.MEMBERS_VOTE)
    db.session.commit()
    assert draft_link not in client.get(at(world.convention, "/")).text
    assert draft_link not in client.get(at(world.convention, "/idees")).text
