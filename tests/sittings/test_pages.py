"""The sessions' pages: staff run them through the real forms, members read their own
attendance, everyone else is kept out of the staff pages."""

from datetime import date

import pytest
from sqlalchemy import select

from convention.auth.models import Role
from convention.extensions import db
from convention.sittings import queries, services
from convention.sittings.models import AttendanceStatus, Sitting
from tests import factories
from tests.pages import at, field_error, form_values, visible_text


@pytest.fixture
def world():
    return factories.build_world()


def weekend(world, title="Premier week-end", **values):
    dates = {"starts_on": date(2026, 11, 14), "ends_on": date(2026, 11, 15), **values}
    return services.create_sitting(
        world.staff, world.convention, title=title, place="Hôtel de Métropole", **dates
    )


def three_sessions(world):
    """Inès present at a weekend and a single day, excused at a third session; Karim absent,
    then present the single day; 86,50 € a day."""
    first = weekend(world, "Week-end 1")
    single = weekend(world, "Journée", starts_on=date(2026, 12, 5), ends_on=None)
    third = weekend(world, "Week-end 2", starts_on=date(2027, 1, 9), ends_on=date(2027, 1, 10))
    ines, karim = world.members[0], world.members[1]
    services.record_attendance(world.staff, first, {ines.id: "present", karim.id: "absent"})
    services.record_attendance(world.staff, single, {ines.id: "present", karim.id: "present"})
    services.record_attendance(world.staff, third, {ines.id: "excused"})
    services.set_daily_allowance(world.staff, world.convention, 8650)
    return first, single, third


def test_staff_create_a_session_and_see_it_listed_with_its_dates_in_french(client, world):
    db.session.commit()
    factories.sign_in(client, world.staff)
    page = client.post(
        at(world.convention, "/gestion/seances/nouvelle"),
        data={
            "title": "Premier week-end",
            "starts_on": "2026-11-14",
            "ends_on": "2026-11-15",
            "place": "Hôtel de Métropole",
        },
        follow_redirects=True,
    )
    assert "La séance «\u202fPremier week-end\u202f» est créée." in page.text
    listing = visible_text(client.get(at(world.convention, "/gestion/seances/")).text)
    assert "du samedi 14 novembre 2026 au dimanche 15 novembre 2026 (2 jours)" in listing
    assert "Hôtel de Métropole" in listing
    assert [s.title for s in queries.sittings_of(world.convention)] == ["Premier week-end"]


def test_a_session_ending_before_it_starts_is_refused_on_its_field(client, world):
    db.session.commit()
    factories.sign_in(client, world.staff)
    page = client.post(
        at(world.convention, "/gestion/seances/nouvelle"),
        data={"title": "À l'envers", "starts_on": "2026-11-15", "ends_on": "2026-11-14"},
    )
    assert page.status_code == 200
    assert field_error(page.text, "ends_on") == (
        "Erreur\u202f: Le dernier jour ne peut pas précéder le premier."
    )
    assert db.session.scalars(select(Sitting)).all() == []


def test_staff_record_attendance_for_every_member_through_the_form(client, world):
    session = weekend(world)
    db.session.commit()
    factories.sign_in(client, world.staff)
    address = at(world.convention, f"/gestion/seances/{session.id}/presences")
    page = client.get(address).text
    everyone = world.members + [world.outsider]
    for member in everyone:
        assert f"<legend>{member.display_name}</legend>" in page
        assert f'name="member-{member.id}" id="member-{member.id}-present"' in page
    assert world.citizen.display_name not in page

    chosen = {f"member-{m.id}": "present" for m in everyone}
    chosen[f"member-{world.members[1].id}"] = "excused"
    chosen[f"member-{world.outsider.id}"] = "absent"
    done = client.post(address, data={**form_values(page), **chosen}, follow_redirects=True)
    assert "Les présences sont enregistrées (6 changements)." in done.text
    statuses = queries.statuses_of(session)
    assert statuses[world.members[0].id] == AttendanceStatus.PRESENT
    assert statuses[world.members[1].id] == AttendanceStatus.EXCUSED
    assert statuses[world.outsider.id] == AttendanceStatus.ABSENT
    # Back on the form, what was recorded is ticked.
    again = form_values(client.get(address).text)
    assert again[f"member-{world.members[1].id}"] == "excused"


def test_an_unknown_attendance_status_is_shown_and_nothing_is_recorded(client, world):
    session = weekend(world)
    db.session.commit()
    factories.sign_in(client, world.staff)
    ines, karim = world.members[0], world.members[1]
    page = client.post(
        at(world.convention, f"/gestion/seances/{session.id}/presences"),
        data={f"member-{ines.id}": "present", f"member-{karim.id}": "peut-être"},
    )
    assert page.status_code == 200
    assert field_error(page.text, f"member-{karim.id}") == (
        "Erreur\u202f: Choisissez présent·e, excusé·e ou absent·e."
    )
    assert queries.statuses_of(session) == {}


def test_the_finance_export_has_one_exact_row_per_member(client, world):
    three_sessions(world)
    db.session.commit()
    factories.sign_in(client, world.staff)
    response = client.get(at(world.convention, "/gestion/seances/indemnites.csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="indemnites-test.csv"' in response.headers["Content-Disposition"]
    people = sorted(world.members + [world.outsider], key=lambda p: p.display_name)
    due = {world.members[0].id: (3, "259.50"), world.members[1].id: (1, "86.50")}
    expected = ["member_id,name,email,days_present,amount_eur"] + [
        f"{p.id},{p.display_name},{p.email},{due.get(p.id, (0, '0.00'))[0]},"
        f"{due.get(p.id, (0, '0.00'))[1]}"
        for p in people
    ]
    assert response.get_data(as_text=True) == "\r\n".join(expected) + "\r\n"


def test_staff_set_the_daily_allowance_in_euros_with_a_decimal_comma(client, world):
    three_sessions(world)
    db.session.commit()
    factories.sign_in(client, world.staff)
    address = at(world.convention, "/gestion/seances/indemnites")
    assert form_values(client.get(address).text)["daily_amount"] == "86,50"
    for typed, error in (
        ("-5", "Erreur\u202f: Le montant ne peut pas être négatif."),
        ("12,345", None),
        ("douze", None),
        ("", "Erreur\u202f: Indiquez un montant, 0 si aucune indemnité n'est versée."),
    ):
        page = client.post(address, data={"daily_amount": typed})
        assert page.status_code == 200
        shown = field_error(page.text, "daily_amount")
        assert shown == error or (error is None and "Saisissez un montant en euros" in shown)
        assert queries.daily_allowance_cents(world.convention) == 8650
    page = client.post(address, data={"daily_amount": "90,5"}, follow_redirects=True)
    assert "L'indemnité journalière est enregistrée." in visible_text(page.text)
    assert queries.daily_allowance_cents(world.convention) == 9050
    assert "Inès B. 3 271,50\u00a0€" in visible_text(page.text)


def test_a_member_sees_their_own_attendance_and_allowance_only(client, world):
    three_sessions(world)
    db.session.commit()
    factories.sign_in(client, world.members[0])
    page = client.get(at(world.convention, "/mes-presences"))
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "3 jours de présence indemnisés." in text
    assert "Montant dû\u202f: 259,50\u00a0€ (86,50\u00a0€ par jour)." in text
    assert "Week-end 1 du samedi 14 novembre 2026 au dimanche 15 novembre 2026 Présent·e 2" in text
    assert "Journée samedi 5 décembre 2026 Présent·e 1" in text
    assert "Week-end 2 du samedi 9 janvier 2027 au dimanche 10 janvier 2027 Excusé·e 0" in text
    assert world.members[1].display_name not in text
    assert "Absent·e" not in text  # Karim's absence is his alone


def test_the_menu_offers_my_attendance_to_members_only(client, world):
    db.session.commit()
    factories.sign_in(client, world.members[0])
    assert "Mes présences" in client.get(at(world.convention, "/seances")).text
    other = world.citizen
    client.post("/deconnexion")
    factories.sign_in(client, other)
    assert "Mes présences" not in client.get(at(world.convention, "/seances")).text


@pytest.mark.parametrize("who", ["citizen", "member", "facilitator"])
def test_only_staff_reach_the_staff_pages(client, world, who):
    session = weekend(world)
    db.session.commit()
    person = {"citizen": world.citizen, "member": world.members[0]}.get(who, world.facilitator)
    factories.sign_in(client, person)
    for path in (
        "/gestion/seances/",
        "/gestion/seances/nouvelle",
        f"/gestion/seances/{session.id}",
        f"/gestion/seances/{session.id}/presences",
        f"/gestion/seances/{session.id}/supprimer",
        "/gestion/seances/indemnites",
        "/gestion/seances/indemnites.csv",
    ):
        assert client.get(at(world.convention, path)).status_code == 403, path
    refused = client.post(
        at(world.convention, f"/gestion/seances/{session.id}/presences"),
        data={f"member-{world.members[0].id}": "present"},
    )
    assert refused.status_code == 403
    assert queries.statuses_of(session) == {}


def test_a_visitor_is_sent_to_sign_in_and_a_citizen_has_no_attendance_page(client, world):
    db.session.commit()
    response = client.get(at(world.convention, "/gestion/seances/indemnites.csv"))
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    factories.sign_in(client, world.citizen)
    page = client.get(at(world.convention, "/mes-presences"))
    assert page.status_code == 403
    assert "Cette page est réservée aux membres de la convention." in page.text


def test_a_session_of_another_convention_is_not_found(client, world):
    admin = factories.user(Role.ADMIN)
    other = factories.convention(admin, slug="autre")
    elsewhere = services.create_sitting(admin, other, title="Ailleurs", starts_on=date(2026, 1, 1))
    db.session.commit()
    factories.sign_in(client, world.staff)
    assert client.get(at(world.convention, f"/gestion/seances/{elsewhere.id}")).status_code == 404


def test_deleting_a_session_says_what_is_lost_then_deletes_it(client, world):
    session = weekend(world)
    services.add_agenda_item(world.staff, session, title="Accueil")
    services.record_attendance(
        world.staff, session, {world.members[0].id: "present", world.members[1].id: "absent"}
    )
    db.session.commit()
    factories.sign_in(client, world.staff)
    address = at(world.convention, f"/gestion/seances/{session.id}/supprimer")
    text = visible_text(client.get(address).text)
    assert "Supprimer la séance «\u202fPremier week-end\u202f»\u202f?" in text
    assert "Son ordre du jour (1 point) sera perdu." in text
    assert "Les présences enregistrées (2 membres) seront perdues." in text
    assert "1 membre présent·e ne sera plus indemnisé·e pour cette séance." in text
    assert queries.sittings_of(world.convention) == [session]

    done = client.post(address, follow_redirects=True)
    assert "La séance «\u202fPremier week-end\u202f» est supprimée." in done.text
    assert queries.sittings_of(world.convention) == []


def test_the_agenda_links_a_hearing_and_the_public_page_shows_it(client, world):
    session = weekend(world)
    hearing = world.hearing()
    db.session.commit()
    factories.sign_in(client, world.staff)
    address = at(world.convention, f"/gestion/seances/{session.id}")
    form = client.get(address).text
    assert f'<option value="{hearing.id}">{hearing.title}</option>' in form
    page = client.post(
        address,
        data={"title": "Audition de la CNIL", "hearing": str(hearing.id), "group": "0"},
        follow_redirects=True,
    )
    assert "Le point est ajouté à l'ordre du jour." in visible_text(page.text)
    client.post(
        address, data={"title": "Travail en groupes", "hearing": "0", "group": str(world.group.id)}
    )
    db.session.expire_all()
    items = queries.sittings_of(world.convention)[0].agenda
    assert [i.title for i in items] == ["Audition de la CNIL", "Travail en groupes"]
    client.post(at(world.convention, f"/gestion/seances/{session.id}/points/{items[1].id}/monter"))
    db.session.expire_all()
    assert [i.title for i in queries.sittings_of(world.convention)[0].agenda] == [
        "Travail en groupes",
        "Audition de la CNIL",
    ]

    public = client.get(at(world.convention, "/seances")).text
    assert f'href="{at(world.convention, "/auditions/" + hearing.slug)}"' in public
    assert "groupe\u202f: Groupe services publics" in visible_text(public)


def test_a_hearing_of_another_convention_cannot_be_chosen(client, world):
    session = weekend(world)
    db.session.commit()
    factories.sign_in(client, world.staff)
    page = client.post(
        at(world.convention, f"/gestion/seances/{session.id}"),
        data={"title": "Intrus", "hearing": "987654", "group": "0"},
    )
    assert page.status_code == 200
    assert field_error(page.text, "hearing") is not None
    assert queries.sittings_of(world.convention)[0].agenda == []


def test_the_staff_list_makes_as_many_queries_for_many_sessions_as_for_one(
    client, world, query_counter
):
    hearing = world.hearing()

    def one_more(title, day):
        more = weekend(world, title, starts_on=day, ends_on=None)
        services.add_agenda_item(
            world.staff, more, title="Audition", hearing_id=hearing.id, group_id=world.group.id
        )
        services.record_attendance(world.staff, more, {world.members[0].id: "present"})

    one_more("Première", date(2026, 12, 1))
    db.session.commit()
    factories.sign_in(client, world.staff)
    address = at(world.convention, "/gestion/seances/")
    one = query_counter.count_for(lambda: client.get(address))
    for n in range(4):
        one_more(f"Séance {n}", date(2027, 1, 1 + n))
    db.session.commit()
    assert query_counter.count_for(lambda: client.get(address)) == one


def test_the_pages_read_in_english_too(client, world):
    session = weekend(world)
    services.record_attendance(world.staff, session, {world.members[0].id: "present"})
    services.set_daily_allowance(world.staff, world.convention, 8650)
    db.session.commit()
    factories.sign_in(client, world.members[0])
    client.get("/langue/en")
    text = visible_text(client.get(at(world.convention, "/mes-presences")).text)
    assert "2 paid days present. Amount due: €173.00 (€86.50 a day)." in text
    assert "from Saturday, November 14, 2026 to Sunday, November 15, 2026 Present 2" in text
