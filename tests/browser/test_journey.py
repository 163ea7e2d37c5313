"""A resident's first visit in a real Chromium: register, confirm, log in; axe-core (RGAA 4.1
rules) finds no violation on the home and registration pages; the layout reflows at 320 px and
works with the keyboard alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import require

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RGAA_TAGS = ["RGAAv4", "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [pytest.mark.browser, pytest.mark.no_db]


def axe_violations(page) -> list[dict]:
    require(AXE.exists(), "axe-core is not installed (npm ci --prefix tests/browser)")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RGAA_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def test_register_confirm_and_log_in(page, live_server, mailbox):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Créer un compte").first.click()
    page.get_by_label("Adresse électronique").fill("lucie@example.org")
    page.get_by_label("Nom affiché").fill("Lucie")
    page.get_by_label("Commune de résidence").select_option(label="Grabels")
    page.get_by_label("Mot de passe", exact=True).fill("un mot de passe solide")
    page.get_by_label("Confirmez le mot de passe").fill("un mot de passe solide")
    page.get_by_role("button", name="Créer mon compte").click()
    sent = page.get_by_text("Un lien de confirmation a été envoyé à lucie@example.org")
    expect(sent).to_be_visible()

    link = mailbox.link_in(mailbox.last_to("lucie@example.org"))
    page.goto(link.replace("http://localhost", live_server.url))
    confirmed = page.get_by_text("Votre adresse électronique lucie@example.org est confirmée.")
    expect(confirmed).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique").fill("lucie@example.org")
    page.get_by_label("Mot de passe").fill("un mot de passe solide")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté·e.")).to_be_visible()
    expect(page.get_by_text("Lucie", exact=False).first).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/inscription",
        "/connexion",
        "/c/ia-montpellier/recommandations",
        "/c/ia-montpellier/recommandations/1-publier-un-registre-des-algorithmes-utilises-par-la-metropole",
        "/c/ia-montpellier/recommandations/1/historique",
        "/c/ia-montpellier/recommandations/1/comparer?de=1&a=2",
        "/c/ia-montpellier/recommandations/1/comparer?de=1&a=2&vue=cote",
        "/c/ia-montpellier/recommandations/1/trace",
        "/c/ia-montpellier/recommandations/1/amendements/1",
        "/c/ia-montpellier/idees",
        "/c/ia-montpellier/idees/1",
        "/c/ia-montpellier/auditions",
        "/c/ia-montpellier/auditions/lintelligence-artificielle-dans-les-services-publics-etat-des-lieux",
        "/c/ia-montpellier/votes/",
        "/c/ia-montpellier/rapport",
        "/c/ia-montpellier/reponses",
        "/c/ia-montpellier/tirage",
        "/c/ia-montpellier/recommandations?tri=random&graine=7",
    ],
)
def test_pages_have_no_rgaa_violation(page, live_server, path):
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def test_registration_errors_have_no_rgaa_violation_and_are_tied_to_fields(page, live_server):
    page.goto(live_server.url + "/inscription")
    page.get_by_role("button", name="Créer mon compte").click()
    email = page.get_by_label("Adresse électronique")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby")
    assert "Ce champ est obligatoire." in page.locator(f"#{described.split()[-1]}").inner_text()
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def test_home_page_reflows_at_320_pixels(page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_skip_link_and_visible_focus_with_the_keyboard(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
