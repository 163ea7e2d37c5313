"""The staff area, driven through its HTML forms."""

import html
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from convention.assembly import hearings, services
from convention.assembly.models import PhaseKind, Theme
from convention.audit.models import AuditEntry
from convention.auth.models import Role
from convention.extensions import db
from tests import factories
from tests.pages import field_error, form_values


@pytest.fixture
def staff():
    return factories.user(Role.STAFF, email="staff@test.example", name="Équipe Métropole")


@pytest.fixture
def convention(staff):
    convention = factories.convention(staff)
    db.session.commit()
    return convention


@pytest.fixture
def staff_client(client, staff, convention):
    db.session.commit()
    factories.login(client, "staff@test.example")
    return client


def test_visitors_are_sent_to_login_and_residents_are_refused(client, convention):
    response = client.get("/c/test/gestion/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    factories.user(email="cit@test.example")
    db.session.commit()
    factories.login(client, "cit@test.example")
    assert client.get("/c/test/gestion/").status_code == 403
    assert (
        client.post("/c/test/gestion/phase-suivante", data={"expected": "recruitment"}).status_code
        == 403
    )


def test_staff_edit_the_question_and_it_shows_on_the_home_page(staff_client):
    shown = form_values(staff_client.get("/c/test/gestion/convention").text)
    assert (shown["title"], shown["question"].strip(), shown["authority"]) == (
        "Convention test",
        "Quelle intelligence artificielle ?",
        "Métropole",
    )
    page = staff_client.post(
        "/c/test/gestion/convention",
        data={
            "title": "Convention IA",
            "question": "Quelle IA pour la Métropole ?",
            "authority": "Montpellier Méditerranée Métropole",
            "description": "Quarante membres.",
        },
        follow_redirects=True,
    )
    assert "La présentation de la convention est enregistrée." in page.text
    assert "Quelle IA pour la Métropole\u202f?" in staff_client.get("/c/test/").text


def test_an_empty_question_is_refused(staff_client, convention):
    page = staff_client.post("/c/test/gestion/convention", data={"title": "T", "question": ""})
    assert "Ce champ est obligatoire." in page.text
    db.session.refresh(convention)
    assert convention.question == "Quelle intelligence artificielle ?"


def test_opening_the_next_phase_asks_for_confirmation_first(staff_client, convention):
    page = staff_client.get("/c/test/gestion/phase-suivante")
    assert "Ce changement est définitif" in page.text
    assert "Confirmer l'ouverture de «\u202fInformation et auditions\u202f»" in page.text
    db.session.refresh(convention)
    assert convention.current_phase == PhaseKind.RECRUITMENT

    page = staff_client.post(
        "/c/test/gestion/phase-suivante", data={"expected": "recruitment"}, follow_redirects=True
    )
    assert "La phase «\u202fInformation et auditions\u202f» est ouverte." in page.text
    # The same confirmation sent again (double click, back button) does not skip a phase.
    page = staff_client.post(
        "/c/test/gestion/phase-suivante", data={"expected": "recruitment"}, follow_redirects=True
    )
    assert "la page était périmée" in page.text
    db.session.refresh(convention)
    assert convention.current_phase == PhaseKind.LEARNING


def test_a_tampered_phase_confirmation_is_rejected(staff_client):
    assert (
        staff_client.post("/c/test/gestion/phase-suivante", data={"expected": "bogus"}).status_code
        == 400
    )


def test_staff_plan_the_calendar_and_bad_dates_are_explained(staff_client, convention):
    data = {f"{kind.value}-starts_on": "" for kind in PhaseKind}
    data.update({f"{kind.value}-ends_on": "" for kind in PhaseKind})
    data.update({"learning-starts_on": "2027-02-01", "learning-ends_on": "2027-01-15"})
    page = staff_client.post("/c/test/gestion/calendrier", data=data)
    assert "La fin ne peut pas précéder le début." in page.text
    assert "Le calendrier n&#39;a pas été enregistré" in page.text
    data.update({"learning-ends_on": "2027-02-28", "deliberation-starts_on": "pas une date"})
    page = staff_client.post("/c/test/gestion/calendrier", data=data)
    assert (
        field_error(page.text, "deliberation-starts_on")
        == "Erreur\u202f: N'est pas une date valide."
    )
    assert field_error(page.text, "learning-ends_on") is None
    db.session.expire_all()
    assert convention.phase(PhaseKind.LEARNING).starts_on is None

    data["deliberation-starts_on"] = "2027-03-01"
    page = staff_client.post("/c/test/gestion/calendrier", data=data, follow_redirects=True)
    assert "Le calendrier est enregistré." in page.text
    db.session.expire_all()
    starts = convention.phase(PhaseKind.LEARNING).starts_on
    # Midnight in Paris (UTC+1 in February) is 23:00 UTC the day before.
    assert (starts.day, starts.hour) == (31, 23)
    assert "1er février 2027" in staff_client.get("/c/test/").text


def test_staff_manage_themes_with_a_confirmation_before_deleting(staff_client, convention):
    page = staff_client.post(
        "/c/test/gestion/themes",
        data={"name": "Santé", "description": "Soins"},
        follow_redirects=True,
    )
    assert "Le thème «\u202fSanté\u202f» est ajouté." in page.text
    page = staff_client.post("/c/test/gestion/themes", data={"name": ""})
    assert "Ce champ est obligatoire." in page.text
    page = staff_client.post("/c/test/gestion/themes", data={"name": "Santé"})
    assert "Un thème porte déjà ce nom." in page.text

    theme = db.session.scalars(select(Theme)).one()
    page = staff_client.get(f"/c/test/gestion/themes/{theme.id}/supprimer")
    assert "Cette suppression est définitive." in page.text
    page = staff_client.post(f"/c/test/gestion/themes/{theme.id}/supprimer", follow_redirects=True)
    assert "Le thème «\u202fSanté\u202f» est supprimé." in page.text
    assert db.session.scalars(select(Theme)).all() == []


def test_staff_edit_a_theme(staff_client, staff, convention):
    theme = services.add_theme(staff, convention, "Santé", "Soins")
    db.session.commit()
    shown = form_values(staff_client.get(f"/c/test/gestion/themes/{theme.id}").text)
    assert (shown["name"], shown["description"].strip()) == ("Santé", "Soins")
    page = staff_client.post(
        f"/c/test/gestion/themes/{theme.id}", data={"name": " ", "description": ""}
    )
    assert "Ce champ est obligatoire." in page.text
    page = staff_client.post(
        f"/c/test/gestion/themes/{theme.id}", data={"name": "Santé publique"}, follow_redirects=True
    )
    # The list of themes, not the edit form sent back with what was typed.
    assert "Le thème est enregistré." in page.text
    assert "<h1>Thèmes" in page.text and "Santé publique" in page.text
    db.session.refresh(theme)
    assert theme.name == "Santé publique"


def test_staff_create_a_group_and_put_members_in_it(staff_client, staff, convention):
    facilitator = factories.user(Role.FACILITATOR, name="Hélène R.")
    member = factories.user(
        Role.MEMBER, name="Inès B.", first_name="Inès", place=factories.commune("Jacou")
    )
    theme = services.add_theme(staff, convention, "Mobilités")
    db.session.commit()
    page = staff_client.post(
        "/c/test/gestion/groupes",
        data={"name": "Groupe mobilités", "theme": theme.id, "facilitator": facilitator.id},
        follow_redirects=True,
    )
    assert "Le groupe «\u202fGroupe mobilités\u202f» est créé." in page.text
    page = staff_client.post(
        "/c/test/gestion/groupes", data={"name": "Groupe mobilités", "theme": 0, "facilitator": 0}
    )
    assert "Un groupe porte déjà ce nom." in page.text
    page = staff_client.post(
        "/c/test/gestion/groupes", data={"name": "", "theme": 0, "facilitator": 0}
    )
    assert "Ce champ est obligatoire." in page.text

    group = convention.working_groups[0]
    page = staff_client.post(
        f"/c/test/gestion/groupes/{group.id}/ajouter",
        data={"add-user": member.id},
        follow_redirects=True,
    )
    assert "Inès B. rejoint le groupe." in page.text
    page = staff_client.post(
        f"/c/test/gestion/groupes/{group.id}/ajouter", data={"add-user": 0}, follow_redirects=True
    )
    assert "Choisissez un membre." in page.text
    home = staff_client.get("/c/test/").text
    assert 'Inès <span class="commune">(Jacou)</span>' in home and "Hélène" in home

    page = staff_client.post(
        f"/c/test/gestion/groupes/{group.id}/retirer/{member.id}", follow_redirects=True
    )
    assert "Inès B. a quitté le groupe." in page.text


def test_audit_log_page_lists_staff_actions_newest_first(staff_client, staff, convention):
    services.add_theme(staff, convention, "Santé")
    db.session.commit()
    page = staff_client.get("/c/test/gestion/journal").text
    assert page.index("Équipe Métropole a créé le thème «\u202fSanté\u202f».") < page.index(
        "La plateforme a créé la convention «\u202fConvention test\u202f»."
    )
    assert db.session.scalar(select(AuditEntry).limit(1)) is not None


def test_staff_rename_a_group_and_change_its_facilitator(staff_client, staff, convention):
    first = factories.user(Role.FACILITATOR, name="Hélène R.")
    second = factories.user(Role.FACILITATOR, name="Yann L.")
    theme = services.add_theme(staff, convention, "Mobilités")
    group = services.add_group(staff, convention, "Groupe mobilités", theme, first)
    other = services.add_group(staff, convention, "Groupe santé", None, None)
    db.session.commit()
    url = f"/c/test/gestion/groupes/{group.id}"
    shown = form_values(staff_client.get(url).text)
    assert (shown["name"], shown["theme"], shown["facilitator"]) == (
        "Groupe mobilités",
        str(theme.id),
        str(first.id),
    )

    page = staff_client.post(url, data={"name": other.name, "theme": 0, "facilitator": 0})
    assert field_error(page.text, "name") == "Erreur\u202f: Un groupe porte déjà ce nom."
    page = staff_client.post(
        url,
        data={"name": "Groupe transports", "theme": theme.id, "facilitator": second.id},
        follow_redirects=True,
    )
    assert "Le groupe est enregistré." in page.text
    db.session.refresh(group)
    assert (group.name, group.facilitator_id) == ("Groupe transports", second.id)
    assert "Groupe transports" in staff_client.get("/c/test/").text


def test_staff_correct_a_published_hearing(staff_client, staff, convention):
    hearing = hearings.publish_hearing(
        staff,
        convention,
        title="Audition de la CNIL",
        expert="Claire Martin",
        expert_role="juriste",
        held_on=datetime(2026, 10, 3, 7, tzinfo=UTC),
        summary="Les obligations.",
        declared_interests="Aucun.",
        documents="",
    )
    db.session.commit()
    url = f"/c/test/gestion/auditions/{hearing.id}"
    shown = form_values(staff_client.get(url).text)
    # 07:00 UTC is 09:00 in Paris, the same day.
    assert (shown["title"], shown["expert"], shown["held_on"]) == (
        "Audition de la CNIL",
        "Claire Martin",
        "2026-10-03",
    )

    form = {**shown, "summary": "Les obligations de transparence des algorithmes."}
    page = staff_client.post(url, data={**form, "expert": ""})
    assert field_error(page.text, "expert") == "Erreur\u202f: Ce champ est obligatoire."
    page = staff_client.post(url, data=form, follow_redirects=True)
    assert "L'audition «\u202fAudition de la CNIL\u202f» est publiée." in html.unescape(page.text)
    public = staff_client.get(f"/c/test/auditions/{hearing.slug}").text
    assert "Les obligations de transparence des algorithmes." in public
    # A correction, not a second hearing.
    assert [h.id for h in hearings.published_hearings(convention)] == [hearing.id]
