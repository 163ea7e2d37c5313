"""The guided set-up, from an empty site, through its HTML forms."""

from sqlalchemy import select

from convention.assembly.models import Convention
from convention.auth.models import Role
from convention.extensions import db
from tests import factories
from tests.pages import form_values

ADMIN_PASSWORD = "a long admin password"


def _admin_client(client, runner):
    result = runner.invoke(args=["create-admin", "chief@example.org", "--password", ADMIN_PASSWORD])
    assert result.exit_code == 0, result.output
    factories.login(client, "chief@example.org", ADMIN_PASSWORD)
    return client


def _step(page: str, label: str) -> str:
    start = page.index(f"<strong>{label}", page.index('class="setup-steps"'))
    return page[start : page.index("</li>", start)]


def test_an_administrator_sets_up_a_convention_from_an_empty_site(client, runner):
    _admin_client(client, runner)
    home = client.get("/").text
    assert "Mettre en place la convention" in home

    page = client.post("/gestion/conventions/nouvelle", data={"title": "", "question": ""})
    assert "Ce champ est obligatoire." in page.text
    assert db.session.scalar(select(Convention)) is None
    page = client.post(
        "/gestion/conventions/nouvelle",
        data={"title": "Eau", "question": "Comment ?", "slug": "Pas une adresse !"},
    )
    assert "que des lettres minuscules, des chiffres et des tirets" in page.text
    assert db.session.scalar(select(Convention)) is None

    page = client.post(
        "/gestion/conventions/nouvelle",
        data={
            "title": "Convention citoyenne sur l'eau",
            "question": "Comment partager l'eau ?",
            "authority": "Métropole",
            "description": "",
        },
        follow_redirects=True,
    )
    assert "La convention est créée." in page.text
    convention = db.session.scalar(select(Convention))
    assert convention.slug == "convention-citoyenne-sur-l-eau"
    here = "/c/convention-citoyenne-sur-l-eau"
    assert "à faire" in _step(page.text, "Thèmes")
    assert "à faire" in _step(page.text, "Garant·es")

    client.post(f"{here}/gestion/themes", data={"name": "Usages"})
    calendar = form_values(client.get(f"{here}/gestion/calendrier").text)
    calendar.update({"learning-starts_on": "2027-02-01", "learning-ends_on": "2027-02-28"})
    client.post(f"{here}/gestion/calendrier", data=calendar)
    db.session.expire_all()
    client.post(
        f"{here}/gestion/groupes",
        data={"name": "Groupe eau", "theme": convention.themes[0].id, "facilitator": 0},
    )
    guarantor = factories.user(email="garante@test.example", name="Gisèle Garante")
    db.session.commit()
    page = client.post(
        f"{here}/gestion/mise-en-place/personnes",
        data={"email": "personne@test.example", "role": "guarantor"},
    )
    assert "Aucun compte n'a cette adresse" in page.text
    page = client.post(
        f"{here}/gestion/mise-en-place/personnes",
        data={"email": "garante@test.example", "role": "guarantor"},
        follow_redirects=True,
    )
    assert "Gisèle Garante est désormais garant·e." in page.text
    assert guarantor.role_in(convention.id) == Role.GUARANTOR
    # The convention's home page names its guarantors.
    assert "Gisèle Garante" in client.get(f"{here}/").text

    page = client.get(f"{here}/gestion/mise-en-place/").text
    for label in (
        "Présentation\u202f:",
        "Thèmes",
        "Calendrier des phases",
        "Groupes de travail",
        "Garant·es",
    ):
        assert "fait" in _step(page, label) and "à faire" not in _step(page, label), label
    assert "Mise en place" in client.get(f"{here}/gestion/").text
    # The site's home lists it, with its phase.
    home = client.get("/").text
    assert "Convention citoyenne sur l&#39;eau" in home and "Recrutement" in home


def test_visitors_and_citizens_are_refused_the_set_up(client):
    factories.convention()
    db.session.commit()
    response = client.get("/c/test/gestion/mise-en-place/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert client.get("/gestion/conventions/nouvelle").status_code == 302
    factories.user(Role.CITIZEN, email="cit@test.example")
    db.session.commit()
    factories.login(client, "cit@test.example")
    assert client.get("/c/test/gestion/mise-en-place/").status_code == 403
    assert client.get("/gestion/conventions/nouvelle").status_code == 403
    assert "Créer une convention" not in client.get("/").text


def test_staff_of_a_convention_see_its_checklist_but_cannot_create_a_convention(client):
    staff = factories.user(Role.STAFF, email="staff@test.example")
    factories.convention(staff)
    other = factories.convention(slug="autre")
    db.session.commit()
    factories.login(client, "staff@test.example")
    assert client.get("/gestion/conventions/nouvelle").status_code == 403
    assert "Calendrier des phases" in client.get("/c/test/gestion/mise-en-place/").text
    # Staff of one convention are citizens in another.
    assert client.get(f"/c/{other.slug}/gestion/mise-en-place/").status_code == 403


def test_staff_give_and_remove_roles_but_not_their_own(client):
    staff = factories.user(Role.STAFF, email="staff@test.example")
    convention = factories.convention(staff)
    facilitator = factories.user(Role.FACILITATOR, name="Hélène Rigaud")
    db.session.commit()
    factories.login(client, "staff@test.example")
    page = client.post(
        f"/c/test/gestion/mise-en-place/personnes/{facilitator.id}/retirer",
        follow_redirects=True,
    )
    assert "Hélène Rigaud n&#39;a plus de rôle dans cette convention." in page.text
    db.session.expire_all()
    assert facilitator.role_in(convention.id) == Role.CITIZEN
    page = client.post(
        f"/c/test/gestion/mise-en-place/personnes/{staff.id}/retirer", follow_redirects=True
    )
    assert "Vous ne pouvez pas retirer votre propre rôle" in page.text
    db.session.expire_all()
    assert staff.role_in(convention.id) == Role.STAFF
