"""What people see of the outcomes, in a real Chromium, with screenshots at 1280 and 320 px
and no RGAA violation found by axe-core: a recommendation's whole story once answered and
followed up, found through the list's filters; the consultation after its close; the audit
log in sentences, filtered; and closing a members' ballot early, which says what it will do
before doing it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from convention.demo import loading as demo
from convention.extensions import db
from convention.votes import adoption
from convention.votes.adoption import Choice
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.test_setup_journey import no_violations, screenshots, sign_in
from tests.conftest import fresh_app

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

PAST = "/c/mobilites-montpellier"


def demo_password(role: str) -> tuple[str, str]:
    return next((e, p) for r, e, p in demo.demo_accounts() if r.startswith(role))


def test_a_recommendation_found_by_its_answer_tells_its_whole_story(page, live_server, tmp_path):
    page.goto(live_server.url + PAST + "/recommandations")
    page.get_by_label("Réponse de la collectivité").select_option(
        label="retenue avec des modifications"
    )
    page.get_by_role("button", name="Afficher").click()
    listed = page.locator("ol.rec-list > li")
    expect(listed.first).to_be_visible()
    noted = "Réponse de la collectivité\u202f: retenue avec des modifications"
    assert all(noted in text for text in listed.all_inner_texts())
    listed.first.get_by_role("link").first.click()

    story = page.get_by_role("region", name="Où en est cette recommandation")
    expect(story).to_be_visible()
    text = story.inner_text()
    # The members' vote with its turnout against the quorum and its seal, the public's
    # majority grade, the authority's answer with its service, and the follow-up.
    for expected in ("Vote des membres", "Quorum", "SHA-256", "Mention majoritaire"):
        assert expected in text, expected
    assert "Réponse de la collectivité" in text and "Service responsable" in text
    assert "Suivi de la mise en œuvre" in text and "\u202f%" in text
    assert "(s)" not in text and "." not in text.split("Mention majoritaire")[1][:12]
    no_violations(page)
    screenshots(page, "recommendation-story", tmp_path)


def test_the_consultation_after_its_close_shows_its_sealed_results(page, live_server, tmp_path):
    page.goto(live_server.url + PAST + "/votes/consultation")
    expect(page.get_by_text("Consultation close le")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "restent cachés" not in body and "provisoires" not in body
    expect(page.get_by_role("heading", name="Résultats", exact=True)).to_be_visible()
    assert "\u202f%" in body  # shares of each grade, as French writes them
    no_violations(page)
    screenshots(page, "consultation-closed", tmp_path)


def test_the_audit_log_reads_as_sentences_and_filters_by_person(page, live_server, tmp_path):
    email, password = demo_password("staff")
    sign_in(page, live_server, email, password)
    page.goto(live_server.url + PAST + "/gestion/journal")
    rows = page.locator("table.journal tbody tr")
    expect(rows.first).to_be_visible()
    everything = rows.count()
    first_sentence = rows.first.locator("td").nth(1).inner_text()
    assert "." in first_sentence and "_" not in first_sentence and "{" not in first_sentence
    person = page.get_by_label("Personne")
    chosen = person.locator("option").nth(1).inner_text()
    person.select_option(label=chosen)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Tout afficher")).to_be_visible()
    kept = page.locator("table.journal tbody tr")
    assert 0 < kept.count() <= everything
    assert all(
        sentence.startswith(chosen)
        for sentence in kept.locator("td:nth-child(2)").all_inner_texts()
    )
    no_violations(page)
    screenshots(page, "audit-log", tmp_path)


@pytest.fixture(scope="module")
def ballot_site(tmp_path_factory, smtp_server) -> Iterator[tuple[LiveServer, dict]]:
    """A convention in its members' vote, one named ballot open for eight more hours, two of
    the six members having voted (the quorum is three)."""
    with fresh_app(tmp_path_factory.mktemp("ballot"), smtp_server[1], "ballot_page") as app:
        with app.app_context():
            vw = factories.build_vote_world(n_recs=1)
            ballot = vw.ballot(secret=False, quorum_percent=50)
            for member in vw.voters[:2]:
                adoption.cast_vote(member, ballot, Choice.FOR)
            db.session.commit()
            known = {
                "facilitator": vw.facilitator.email,
                "ballot": f"/c/test/votes/scrutins/{ballot.id}",
                "reference": vw.recs[0].reference,
            }
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app), known
        server.shutdown()


def test_closing_a_ballot_early_says_what_it_will_do_and_closes_only_once_confirmed(
    page: Page, ballot_site, tmp_path
):
    site, known = ballot_site
    sign_in(page, site, known["facilitator"], factories.PASSWORD)
    page.goto(site.url + known["ballot"])
    page.get_by_role("link", name="Clore le vote").click()

    main = page.locator("main")
    text = main.inner_text()
    assert "2 votes sur 6 membres\u202f; quorum\u202f: 50\u202f%, soit 3" in text
    assert "dans 7\u00a0heures" in text or "dans 8\u00a0heures" in text
    assert f"le vote rejette la recommandation {known['reference']} définitivement" in text
    no_violations(page)
    screenshots(page, "ballot-close-early", tmp_path)

    page.get_by_role("link", name="Annuler").click()
    expect(page.get_by_role("link", name="Clore le vote")).to_be_visible()  # still open
    page.get_by_role("link", name="Clore le vote").click()
    page.get_by_role("button", name="Clore le vote maintenant").click()
    expect(page.get_by_text("rejetée", exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name="Clore le vote")).to_have_count(0)
