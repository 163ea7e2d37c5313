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

    page = client.post("/gestion/mise-en-place/", data={"title": "", "question": ""})
    assert "Ce champ est obligatoire." in page.text
    assert db.session.scalar(select(Convention)) is None

    page = client.post(
        "/gestion/mise-en-place/",
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
    assert "à faire" in _step(page.text, "Thèmes")
    assert "pas encore disponible" in _step(page.text, "Garant·es")

    client.post("/gestion/themes", data={"name": "Usages"})
    calendar = form_values(client.get("/gestion/calendrier").text)
    calendar.update({"learning-starts_on": "2027-02-01", "learning-ends_on": "2027-02-28"})
    client.post("/gestion/calendrier", data=calendar)
    db.session.expire_all()
    client.post(
        "/gestion/groupes",
        data={"name": "Groupe eau", "theme": convention.themes[0].id, "facilitator": 0},
    )

    page = client.get("/gestion/mise-en-place/").text
    for label in ("Présentation :", "Thèmes", "Calendrier des phases", "Groupes de travail"):
        assert "fait" in _step(page, label) and "à faire" not in _step(page, label), label
    assert "Mise en place" in client.get("/gestion/").text


def test_visitors_and_citizens_are_refused_the_set_up(client):
    response = client.get("/gestion/mise-en-place/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    factories.user(Role.CITIZEN, email="cit@test.example")
    db.session.commit()
    factories.login(client, "cit@test.example")
    assert client.get("/gestion/mise-en-place/").status_code == 403
    assert "Mettre en place la convention" not in client.get("/").text


def test_staff_cannot_create_the_convention_but_see_the_checklist_once_it_exists(client):
    staff = factories.user(Role.STAFF, email="staff@test.example")
    db.session.commit()
    factories.login(client, "staff@test.example")
    assert client.get("/gestion/mise-en-place/").status_code == 403
    factories.convention(staff)
    db.session.commit()
    assert "Calendrier des phases" in client.get("/gestion/mise-en-place/").text
