"""The house rules as a person meets them: one transaction per request (nothing half-written,
no email about what was not saved), a refusal never answered with a 500, navigation built from
what the features register, and a feature that plugs in with one line."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import Blueprint, Flask, abort
from sqlalchemy import func, select

from convention import app as app_module
from convention.auth.models import Commune, Role, User
from convention.errors import NotAllowed
from convention.extensions import db
from convention.registry import NavEntry, registry
from convention.transaction import after_commit
from tests import factories
from tests.conftest import make_test_app


def _accounts() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _nav_labels(page: str, label: str) -> list[str]:
    nav = page.split(f'aria-label="{label}"', 1)[1].split("</nav>", 1)[0]
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a [^>]*>([^<]+)</a>", nav)]


# --- one transaction per request ---------------------------------------------------------

probe = Blueprint("probe", __name__)
sent: list[str] = []


@probe.post("/essai/ecrire-puis-<outcome>")
def write_then(outcome: str):
    """Writes a commune, asks for an email after the commit, then ends as `outcome` says."""
    db.session.add(Commune(name="Commune écrite", population=1))
    db.session.flush()
    after_commit(lambda: sent.append("courriel"))
    if outcome == "refus":
        raise NotAllowed()
    if outcome == "panne":
        raise RuntimeError("a fault in the middle of the work")
    if outcome == "erreur":
        abort(404)
    return "écrit"


@pytest.fixture
def probe_client(app, smtp_server):
    """An application built like the others, with one more route for these tests."""
    probed = make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], PROPAGATE_EXCEPTIONS=False
    )
    probed.register_blueprint(probe)
    sent.clear()
    return probed.test_client()


def _communes_written() -> int:
    return db.session.scalar(select(func.count(Commune.id)).where(Commune.name == "Commune écrite"))


def test_a_successful_request_commits_then_sends_what_waited_for_the_commit(probe_client):
    assert probe_client.post("/essai/ecrire-puis-ok").status_code == 200
    assert _communes_written() == 1
    assert sent == ["courriel"]


@pytest.mark.parametrize("outcome, status", [("refus", 403), ("panne", 500), ("erreur", 404)])
def test_a_request_that_fails_writes_nothing_and_sends_nothing(probe_client, outcome, status):
    response = probe_client.post(f"/essai/ecrire-puis-{outcome}")
    assert response.status_code == status
    assert _communes_written() == 0
    assert sent == []


def test_a_refusal_no_view_expected_is_shown_with_its_message_not_a_500(probe_client):
    page = probe_client.post("/essai/ecrire-puis-refus")
    assert page.status_code == 403
    assert "Vous n'avez pas les droits nécessaires pour cette action." in page.text
    assert "Rien n'a été enregistré." in page.text


def test_a_refused_registration_creates_nobody_and_sends_no_email(client, mailbox):
    place = factories.commune()
    factories.user(email="deja@test.example")
    before = _accounts()
    page = client.post(
        "/inscription",
        data={
            "email": "deja@test.example",
            "display_name": "Deux fois",
            "commune": place.id,
            "password": "un mot de passe long",
            "password_confirm": "un mot de passe long",
            "accept_terms": "y",
        },
    )
    assert "Un compte existe déjà avec cette adresse électronique." in page.text
    assert _accounts() == before
    assert mailbox.messages == []


def test_pages_of_a_site_without_a_convention_say_what_to_do(client):
    for address in (
        "/c/test/recommandations",
        "/c/test/votes/",
        "/c/test/votes/consultation",
        "/c/test/rapport",
        "/c/test/auditions",
        "/c/test/idees",
    ):
        page = client.get(address)
        assert page.status_code == 404, address
        assert "Aucune convention n'est encore configurée" in page.text, address
        assert "flask seed-demo" in page.text, address


def test_a_command_that_fails_leaves_nothing_half_written(runner):
    first = runner.invoke(args=["create-admin", "admin@test.example", "--password", "x" * 12])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["create-admin", "admin@test.example", "--password", "x" * 12])
    assert again.exit_code != 0
    assert "Un compte existe déjà" in again.output
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.email == "admin@test.example"))
        == 1
    )


# --- navigation from the features' entries -----------------------------------------------


def test_visitors_see_the_public_navigation_without_the_staff_entries(client):
    factories.convention()
    labels = _nav_labels(client.get("/c/test/").text, "Menu principal")
    assert labels[:6] == [
        "Accueil",
        "Recommandations",
        "Idées",
        "Votes",
        "Rapport et réponses",
        "Auditions",
    ]
    assert "Gestion" not in labels and "Modération" not in labels
    assert "Notifications" not in labels


def test_staff_see_the_staff_menu_each_feature_registered(client):
    staff = factories.user(Role.STAFF, email="equipe@test.example")
    factories.convention(staff)
    factories.login(client, "equipe@test.example")
    page = client.get("/c/test/gestion/")
    assert {"Gestion", "Modération", "Notifications"} <= set(
        _nav_labels(page.text, "Menu principal")
    )
    staff_menu = _nav_labels(page.text, "Gestion de la convention")
    # Registered by assembly, sittings, recruitment and publication, in their declared order.
    assert staff_menu == [
        "Tableau de bord",
        "Mise en place",
        "Présentation",
        "Calendrier",
        "Thèmes",
        "Groupes de travail",
        "Équipe et garant·es",
        "Auditions",
        "Séances",
        "Clé des garant·es",
        "Tirage au sort",
        "Publication",
        "Journal des actions",
    ]
    assert re.search(
        r'<a href="/c/test/gestion/" aria-current="page">Tableau de bord</a>', page.text
    )


def test_the_navigation_follows_the_language(client):
    factories.convention()
    client.get("/langue/en")
    labels = _nav_labels(client.get("/c/test/").text, "Main menu")
    assert labels[:3] == ["Home", "Recommendations", "Ideas"]


def test_a_new_feature_plugs_in_with_one_line(monkeypatch, app, smtp_server):
    """A feature is a module with `init_app`: added to FEATURES, its pages and its entry in the
    navigation appear, and nothing else had to change."""
    extra = Blueprint("extra", __name__)

    @extra.route("/extra")
    def page():
        return "la page du nouveau module"

    def init_app(application: Flask) -> None:
        application.register_blueprint(extra)
        registry(application).add_navigation(NavEntry("public", "extra.page", "Nouveau module", 55))

    monkeypatch.setattr(
        app_module, "FEATURES", (*app_module.FEATURES, SimpleNamespace(init_app=init_app))
    )
    extended = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1])
    client = extended.test_client()
    factories.convention()
    assert client.get("/extra").text == "la page du nouveau module"
    labels = _nav_labels(client.get("/c/test/").text, "Menu principal")
    assert labels.index("Nouveau module") == labels.index("Auditions") - 1
