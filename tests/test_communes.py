"""The territory's communes: administrators list, add, import and delete them on the site's
page; nobody else may, and a commune where accounts live stays."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from convention.assembly import communes
from convention.audit.models import AuditEntry
from convention.auth.models import Commune, Role
from convention.errors import AlreadyExists, InvalidInput, NotAllowed
from convention.extensions import db
from tests import factories
from tests.pages import field_error, visible_text

PAGE = "/gestion/communes/"


def _names() -> list[str]:
    return list(db.session.scalars(select(Commune.name).order_by(Commune.name)))


@pytest.fixture
def admin():
    return factories.user(Role.ADMIN, email="admin@test.example", name="Ada Admin")


@pytest.fixture
def admin_client(client, admin):
    db.session.commit()
    factories.sign_in(client, admin)
    return client


def _upload(client, content: bytes, name: str = "communes.csv"):
    return client.post(
        PAGE + "import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


# --- services ------------------------------------------------------------------------------


def test_a_commune_is_added_once_whatever_its_case(admin):
    added = communes.add_commune(admin, "  Saint-Jean-de-Védas ", 10000)
    assert added.name == "Saint-Jean-de-Védas" and added.population == 10000
    with pytest.raises(AlreadyExists, match="Saint-Jean-de-Védas"):
        communes.add_commune(admin, "SAINT-JEAN-DE-VÉDAS", 5)
    assert _names() == ["Saint-Jean-de-Védas"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commune.create"))
    assert entry.actor == admin and entry.details["name"] == "Saint-Jean-de-Védas"


def test_a_commune_needs_a_name_and_a_population_of_zero_or_more(admin):
    with pytest.raises(InvalidInput) as refused:
        communes.add_commune(admin, "   ", 10)
    assert refused.value.field == "name"
    with pytest.raises(InvalidInput) as refused:
        communes.add_commune(admin, "Grabels", -1)
    assert refused.value.field == "population"
    assert communes.add_commune(admin, "Hameau vide", 0).population == 0


def test_only_administrators_change_the_communes():
    staff = factories.user(Role.STAFF)
    factories.convention(staff)
    place = factories.commune("Grabels")
    with pytest.raises(NotAllowed):
        communes.add_commune(staff, "Juvignac", 100)
    with pytest.raises(NotAllowed):
        communes.import_communes(staff, b"name,population\nJuvignac,100\n")
    with pytest.raises(NotAllowed):
        communes.delete_commune(staff, place)
    assert _names() == ["Grabels"]


def test_the_list_counts_the_accounts_living_in_each_commune():
    grabels, juvignac = factories.commune("Grabels"), factories.commune("Juvignac")
    factories.user(place=grabels)
    factories.user(place=grabels)
    rows = {row.commune.name: row.residents for row in communes.communes_with_residents()}
    assert rows == {"Grabels": 2, "Juvignac": 0}
    assert communes.residents_of(grabels) == 2 and communes.residents_of(juvignac) == 0


def test_a_commune_where_accounts_live_cannot_be_deleted(admin):
    grabels, juvignac = factories.commune("Grabels"), factories.commune("Juvignac")
    factories.user(place=grabels)
    with pytest.raises(communes.CommuneInUse, match="1 compte"):
        communes.delete_commune(admin, grabels)
    communes.delete_commune(admin, juvignac)
    assert _names() == ["Grabels"]


def test_a_good_file_adds_every_commune_and_says_how_many(admin):
    count = communes.import_communes(
        admin, "name,population\nGrabels,8000\nJuvignac,11 000\n\nLavérune,3000\n".encode()
    )
    assert count == 3
    assert _names() == ["Grabels", "Juvignac", "Lavérune"]
    population = db.session.scalar(select(Commune.population).where(Commune.name == "Juvignac"))
    assert population == 11000
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "commune.import"))
    assert entry.details["count"] == 3


def test_a_file_with_a_byte_order_mark_and_semicolons_is_read(admin):
    data = "name;population\r\nCournonterral;6000\r\nSaint-Drézéry;2500\r\n".encode("utf-8-sig")
    assert communes.import_communes(admin, data) == 2
    assert _names() == ["Cournonterral", "Saint-Drézéry"]


def test_one_bad_line_refuses_the_whole_file_with_every_problem(admin):
    factories.commune("Grabels")
    data = (
        "name,population\n"
        "Juvignac,11000\n"
        ",300\n"
        "Lavérune,beaucoup\n"
        "Pignan,-4\n"
        "juvignac,12\n"
        "GRABELS,8000\n"
        "Murviel,1,2\n"
    ).encode()
    with pytest.raises(communes.CommuneProblems) as refused:
        communes.import_communes(admin, data)
    problems = refused.value.problems
    assert problems[0] == "Ligne 3 : Donnez le nom de la commune."
    assert problems[1].startswith("Ligne 4 : La population est un nombre entier")
    assert problems[2].startswith("Ligne 5 : La population est un nombre entier")
    assert problems[3] == "Ligne 6 : « juvignac » figure déjà à la ligne 2."
    assert problems[4] == "Ligne 7 : la commune « Grabels » existe déjà."
    assert problems[5] == "Ligne 8 : deux colonnes attendues, name et population."
    assert len(problems) == 6
    assert _names() == ["Grabels"]


def test_a_file_without_the_header_or_not_in_utf8_is_refused(admin):
    with pytest.raises(communes.CommuneProblems) as refused:
        communes.import_communes(admin, b"nom,habitants\nGrabels,8000\n")
    assert "name,population" in refused.value.problems[0]
    with pytest.raises(communes.CommuneProblems) as refused:
        communes.import_communes(admin, "name,population\nLavérune,3000\n".encode("latin-1"))
    assert refused.value.problems == ["Ligne 2 : le fichier n'est pas en UTF-8."]
    with pytest.raises(communes.CommuneProblems):
        communes.import_communes(admin, b"name,population\n")
    assert _names() == []


# --- pages ---------------------------------------------------------------------------------


def test_an_administrator_adds_a_commune_through_the_form(admin_client):
    page = admin_client.post(
        PAGE, data={"name": "Grabels", "population": "8000"}, follow_redirects=True
    )
    assert "La commune «\u202fGrabels\u202f» est ajoutée." in page.text
    assert '<th scope="row">Grabels</th>' in page.text
    page = admin_client.post(PAGE, data={"name": "grabels", "population": "3"})
    assert (
        field_error(page.text, "name")
        == "Erreur\u202f: La commune «\u202fGrabels\u202f» existe déjà."
    )
    page = admin_client.post(PAGE, data={"name": "Pignan", "population": "-3"})
    assert "ne peut pas être négative" in field_error(page.text, "population")
    page = admin_client.post(PAGE, data={"name": "", "population": ""})
    assert field_error(page.text, "name") == "Erreur\u202f: Ce champ est obligatoire."
    assert _names() == ["Grabels"]


def test_an_administrator_imports_a_file_through_the_form(admin_client):
    page = _upload(admin_client, "\ufeffname;population\nGrabels;8000\nPignan;7000\n".encode())
    assert "2 communes ajoutées." in page.text
    assert _names() == ["Grabels", "Pignan"]

    page = _upload(admin_client, b"name,population\nJuvignac,11000\npignan,7000\nMurviel,x\n")
    text = visible_text(page.text)
    assert "Le fichier n'a pas été importé" in text
    assert "Ligne 3\u202f: la commune «\u202fPignan\u202f» existe déjà." in text
    assert "Ligne 4\u202f: La population est un nombre entier" in text
    assert _names() == ["Grabels", "Pignan"]

    page = admin_client.post(PAGE + "import", data={}, content_type="multipart/form-data")
    assert field_error(page.text, "file") == "Erreur\u202f: Choisissez le fichier des communes."


def test_deleting_asks_first_and_is_refused_while_accounts_live_there(admin_client):
    grabels, pignan = factories.commune("Grabels"), factories.commune("Pignan")
    factories.user(place=grabels)
    db.session.commit()
    confirm = admin_client.get(f"{PAGE}{pignan.id}/supprimer").text
    assert (
        "Supprimer la commune «\u202fPignan\u202f»\u202f?" in confirm
        and "Supprimer définitivement" in confirm
    )
    page = admin_client.post(f"{PAGE}{pignan.id}/supprimer", follow_redirects=True)
    assert "La commune «\u202fPignan\u202f» est supprimée." in page.text

    confirm = admin_client.get(f"{PAGE}{grabels.id}/supprimer").text
    assert "1 compte y habite" in confirm and "Supprimer définitivement" not in confirm
    page = admin_client.post(f"{PAGE}{grabels.id}/supprimer", follow_redirects=True)
    assert "ne peut pas être supprimée\u202f: 1 compte y habite" in page.text
    assert _names() == ["Grabels"]


def test_visitors_sign_in_first_and_non_administrators_are_refused(client):
    place = factories.commune("Grabels")
    staff = factories.user(Role.STAFF, email="staff@test.example")
    factories.convention(staff)
    db.session.commit()
    response = client.get(PAGE)
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert client.post(PAGE + "import").status_code == 302
    factories.sign_in(client, staff)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, data={"name": "Pignan", "population": "1"}).status_code == 403
    assert client.post(f"{PAGE}{place.id}/supprimer").status_code == 403
    assert _names() == ["Grabels"]


def test_the_set_up_checklist_links_administrators_to_the_communes(admin_client):
    factories.convention()
    db.session.commit()
    page = visible_text(admin_client.get("/c/test/gestion/mise-en-place/").text)
    assert "Communes du territoire\u202f: à faire — Ouvrir cette étape" in page
    assert 'href="/gestion/communes/"' in admin_client.get("/c/test/gestion/mise-en-place/").text
    assert "Communes" in visible_text(admin_client.get("/c/test/gestion/").text)
    assert 'href="/gestion/communes/"' in admin_client.get("/").text


def test_staff_read_that_an_administrator_manages_the_communes(client):
    staff = factories.user(Role.STAFF, email="staff@test.example")
    factories.convention(staff)
    factories.commune("Grabels")
    db.session.commit()
    factories.sign_in(client, staff)
    page = client.get("/c/test/gestion/mise-en-place/").text
    assert "un·e administrateur·rice du site la gère" in page
    assert 'href="/gestion/communes/"' not in page
    assert 'href="/gestion/communes/"' not in client.get("/c/test/gestion/").text
    assert 'href="/gestion/communes/"' not in client.get("/").text
