"""Supports for citizens' ideas on /votes/idees: given and taken back during deliberation,
by confirmed accounts only, and counted on the page."""

import html
import re

import pytest

from convention.assembly.models import PhaseKind
from convention.extensions import db
from convention.proposals import services as proposals
from tests import factories
from tests.pages import visible_text

IDEAS = "/c/test/votes/idees"
ONLY_IN_DELIBERATION = "Les idées se soutiennent pendant la phase de délibération."


@pytest.fixture
def world():
    return factories.build_world()


@pytest.fixture
def idea(world):
    found = proposals.post_idea(
        factories.user(),
        world.convention,
        world.theme,
        "Des ateliers numériques",
        "Dans chaque quartier.",
    )
    db.session.commit()
    return found


def entry(page: str, idea) -> str:
    """The idea's item in the list, as a reader of the page meets it."""
    found = re.search(rf'<li id="idee-{idea.id}">(.*?)</li>', page, re.S)
    assert found, f"idea {idea.id} is not listed"
    return visible_text(found.group(1))


def test_a_citizen_supports_an_idea_then_takes_the_support_back(app, client, world, idea):
    factories.sign_in(client, world.citizen)
    assert entry(client.get(IDEAS).text, idea) == (
        "Des ateliers numériques 0 soutien Soutenir\u202f: Des ateliers numériques"
    )

    response = client.post(f"{IDEAS}/{idea.id}/soutenir")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{IDEAS}#idee-{idea.id}"
    page = client.get(IDEAS).text
    assert "Votre soutien est enregistré." in page
    assert entry(page, idea) == (
        "Des ateliers numériques 1 soutien · dont le vôtre "
        "Retirer mon soutien\u202f: Des ateliers numériques"
    )
    # The same button sent twice (double click, second tab) still counts once.
    client.post(f"{IDEAS}/{idea.id}/soutenir")
    assert "1 soutien · dont le vôtre" in entry(client.get(IDEAS).text, idea)

    neighbour = app.test_client()
    factories.sign_in(neighbour, factories.user())
    db.session.commit()
    seen_by_neighbour = entry(neighbour.get(IDEAS).text, idea)
    assert "1 soutien" in seen_by_neighbour and "dont le vôtre" not in seen_by_neighbour

    page = client.post(f"{IDEAS}/{idea.id}/retirer", follow_redirects=True).text
    assert "Votre soutien est retiré." in page
    assert entry(page, idea) == (
        "Des ateliers numériques 0 soutien Soutenir\u202f: Des ateliers numériques"
    )


def test_supports_are_refused_once_the_deliberation_is_over(client, world, idea):
    factories.open_phase(world.staff, world.convention, PhaseKind.MEMBERS_VOTE)
    db.session.commit()
    factories.sign_in(client, world.citizen)
    assert entry(client.get(IDEAS).text, idea) == "Des ateliers numériques 0 soutien"

    page = client.post(f"{IDEAS}/{idea.id}/soutenir", follow_redirects=True).text
    assert ONLY_IN_DELIBERATION in page
    assert entry(page, idea) == "Des ateliers numériques 0 soutien"


def test_a_support_given_in_deliberation_cannot_be_taken_back_after_it(client, world, idea):
    factories.sign_in(client, world.citizen)
    client.post(f"{IDEAS}/{idea.id}/soutenir")
    factories.open_phase(world.staff, world.convention, PhaseKind.MEMBERS_VOTE)
    db.session.commit()
    page = client.post(f"{IDEAS}/{idea.id}/retirer", follow_redirects=True).text
    assert ONLY_IN_DELIBERATION in page
    assert entry(page, idea) == "Des ateliers numériques 1 soutien · dont le vôtre"


def test_an_unconfirmed_account_cannot_support(client, world, idea):
    unconfirmed = factories.user(confirmed=False)
    db.session.commit()
    factories.sign_in(client, unconfirmed)
    assert entry(client.get(IDEAS).text, idea) == "Des ateliers numériques 0 soutien"

    page = client.post(f"{IDEAS}/{idea.id}/soutenir", follow_redirects=True).text
    assert "Confirmez d'abord votre adresse électronique." in html.unescape(page)
    assert entry(page, idea) == "Des ateliers numériques 0 soutien"


def test_visitors_are_asked_to_sign_in_and_nothing_is_counted(client, world, idea):
    response = client.post(f"{IDEAS}/{idea.id}/soutenir")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert entry(client.get(IDEAS).text, idea) == "Des ateliers numériques 0 soutien"
