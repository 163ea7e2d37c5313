"""From an empty site to a member's first published recommendation, in a real Chromium.

Only `flask create-admin` runs on the command line, for real; everything else goes through
the pages: the administrator creates the convention, its communes, a theme, the calendar, a
facilitator (who registered and confirmed their email) and a working group; staff import a pool
and its quotas, run the public draw and invite a person drawn, who accepts through the emailed
link, chooses a password through the welcome email and signs in; staff open the phases up to
deliberation; the member drafts a recommendation and publishes it, and a visitor reads it.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from convention.config import PROJECT_ROOT
from tests.browser.conftest import LiveServer
from tests.browser.test_journey import axe_violations
from tests.conftest import TEST_SECRET, fresh_app

pytestmark = [pytest.mark.browser, pytest.mark.no_db]

ADMIN = ("admin@metropole.example", "un mot de passe d'administration")
FACILITATOR = ("helene@example.org", "le mot de passe d'Hélène")
MEMBER_PASSWORD = "le mot de passe de Camille"
TITLE = "Convention citoyenne sur l'eau"
RECOMMENDATION = "Récupérer l'eau de pluie dans chaque école"
POOL = (
    "id,gender,age\n"
    "v01,femme,jeune\nv02,homme,jeune\nv03,femme,senior\n"
    "v04,homme,senior\nv05,femme,jeune\nv06,homme,senior\n"
)
QUOTAS = (
    "feature,value,min,max\ngender,femme,1,1\ngender,homme,1,1\nage,jeune,0,2\nage,senior,0,2\n"
)


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory, smtp_server) -> Iterator[LiveServer]:
    """The app on a real port over a migrated database with nothing in it: no demo."""
    with fresh_app(tmp_path_factory.mktemp("setup"), smtp_server[1], "setup_journey") as app:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
        server.shutdown()


def create_admin(site: LiveServer) -> None:
    """`flask create-admin`, as the person installing the site types it, on the site's
    database."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "CONVENTION_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": site.app.config["SQLALCHEMY_DATABASE_URI"],
    }
    flask = PROJECT_ROOT / ".venv" / "bin" / "flask"
    result = subprocess.run(
        [str(flask), "create-admin", ADMIN[0], "--name", "Ada Admin", "--password", ADMIN[1]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def new_page(browser) -> Page:
    """Another person, in a browser of their own (cookies apart)."""
    other = browser.new_context(bypass_csp=True, locale="fr-FR").new_page()
    other.set_default_timeout(10_000)
    return other


def sign_in(page: Page, site: LiveServer, email: str, password: str) -> None:
    page.goto(site.url + "/")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté·e.")).to_be_visible()


def local(link: str, site: LiveServer) -> str:
    """An emailed link, on the live server's port (BASE_URL is http://localhost)."""
    return link.replace("http://localhost", site.url)


def no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


def screenshots(page: Page, name: str, directory) -> None:
    """The page at 1280 px and at 320 px (where nothing may scroll sideways)."""
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=directory / f"{name}-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})


def open_step(page: Page, label: str) -> None:
    page.get_by_role("link", name=f"Ouvrir cette étape : {label}").click()


def test_from_an_empty_site_to_a_published_recommendation(
    page, browser, empty_site, mailbox, tmp_path
):
    site = empty_site
    page.set_default_timeout(10_000)
    create_admin(site)

    # The administrator signs in and creates the convention.
    sign_in(page, site, *ADMIN)
    page.get_by_role("link", name="Mettre en place la convention").click()
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Question posée à la convention").fill("Comment partager l'eau ?")
    page.get_by_label("Collectivité").fill("Métropole")
    page.get_by_role("button", name="Créer la convention").click()
    expect(page.get_by_text("La convention est créée.")).to_be_visible()
    setup_url = page.url
    no_violations(page)
    screenshots(page, "setup-checklist-before", tmp_path)

    # The territory's communes: one typed, the others from a spreadsheet's file.
    open_step(page, "Communes du territoire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Communes du territoire")
    page.get_by_label("Nom de la commune").fill("Grabels")
    page.get_by_label("Population", exact=True).fill("8000")
    page.get_by_role("button", name="Ajouter la commune").click()
    expect(page.get_by_text("La commune « Grabels » est ajoutée.")).to_be_visible()
    page.get_by_label("Fichier des communes (CSV)").set_input_files(
        {
            "name": "communes.csv",
            "mimeType": "text/csv",
            "buffer": "\ufeffname;population\nJuvignac;11000\nGRABELS;3\n".encode(),
        }
    )
    page.get_by_role("button", name="Importer les communes").click()
    expect(page.get_by_text("Ligne 3 : la commune « Grabels » existe déjà.")).to_be_visible()
    no_violations(page)
    page.get_by_label("Fichier des communes (CSV)").set_input_files(
        {
            "name": "communes.csv",
            "mimeType": "text/csv",
            "buffer": b"name;population\nJuvignac;11000\nPignan;7000\n",
        }
    )
    page.get_by_role("button", name="Importer les communes").click()
    expect(page.get_by_text("2 communes ajoutées.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Pignan")).to_be_visible()
    no_violations(page)
    screenshots(page, "communes", tmp_path)

    # A theme and the calendar, from the checklist.
    page.goto(setup_url)
    open_step(page, "Thèmes")
    page.get_by_label("Nom du thème").fill("L'eau au quotidien")
    page.get_by_role("button", name="Ajouter le thème").click()
    expect(page.get_by_role("rowheader", name="L'eau au quotidien")).to_be_visible()
    page.goto(setup_url)
    open_step(page, "Calendrier des phases")
    learning = page.get_by_role("group", name="Information et auditions")
    learning.get_by_label("Début").fill("2027-02-01")
    learning.get_by_label("Fin").fill("2027-02-28")
    page.get_by_role("button", name="Enregistrer le calendrier").click()
    expect(page.get_by_text("Le calendrier est enregistré.")).to_be_visible()

    # A facilitator registers and confirms their email, then receives the role.
    helene = new_page(browser)
    helene.goto(site.url + "/")
    helene.get_by_role("link", name="Créer un compte").first.click()
    helene.get_by_label("Adresse électronique").fill(FACILITATOR[0])
    helene.get_by_label("Nom affiché").fill("Hélène Rigaud")
    helene.get_by_label("Commune de résidence").select_option(label="Juvignac")
    helene.get_by_label("Mot de passe", exact=True).fill(FACILITATOR[1])
    helene.get_by_label("Confirmez le mot de passe").fill(FACILITATOR[1])
    helene.get_by_role("button", name="Créer mon compte").click()
    helene.goto(local(mailbox.link_in(mailbox.last_to(FACILITATOR[0])), site))
    expect(helene.get_by_text(f"{FACILITATOR[0]} est confirmée.")).to_be_visible()

    page.goto(setup_url)
    open_step(page, "Garant·es")
    page.get_by_label("Adresse électronique de la personne").fill(FACILITATOR[0])
    page.get_by_label("Rôle dans cette convention").select_option(label="animateur·rice")
    page.get_by_role("button", name="Donner ce rôle").click()
    expect(page.get_by_text("Hélène Rigaud est désormais animateur·rice.")).to_be_visible()

    # A working group, led by the facilitator.
    page.goto(setup_url)
    open_step(page, "Groupes de travail")
    page.get_by_label("Nom du groupe").fill("Groupe eau")
    page.get_by_label("Thème").select_option(label="L'eau au quotidien")
    page.get_by_label("Animateur·rice").select_option(label="Hélène Rigaud")
    page.get_by_role("button", name="Créer le groupe").click()
    expect(page.get_by_role("link", name="Groupe eau")).to_be_visible()

    page.goto(setup_url)
    for label in ("Communes du territoire", "Thèmes", "Calendrier des phases"):
        expect(page.locator(".setup-steps li", has_text=label)).to_contain_text("fait")
    screenshots(page, "setup-checklist", tmp_path)

    # The draw: pool and quotas, the computation, the public draw.
    page.get_by_role("link", name="Tirage au sort").first.click()
    page.get_by_label("Vivier des volontaires (CSV)").set_input_files(
        {"name": "vivier.csv", "mimeType": "text/csv", "buffer": POOL.encode()}
    )
    page.get_by_label("Quotas (CSV)").set_input_files(
        {"name": "quotas.csv", "mimeType": "text/csv", "buffer": QUOTAS.encode()}
    )
    page.get_by_label("Taille du panel").fill("2")
    page.get_by_label("Nombre de panels de la loterie publique").fill("20")
    page.get_by_role("button", name="Importer et calculer").click()
    expect(page.get_by_role("heading", name="Loterie publique")).to_be_visible(timeout=30_000)
    page.get_by_label("Graine tirée en public").fill("4 2 6 1")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Tirer le panel").click()
    expect(page.get_by_text("personnes à inviter")).to_be_visible()

    # The first person drawn is given an email and invited; they accept through their link.
    first_email = page.locator("#invitations input[type=email][id^=contact-]").first
    first_email.fill("camille@example.org")
    first_email.locator("xpath=..").get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Adresse enregistrée pour")).to_be_visible()
    page.get_by_role("link", name="Envoyer les invitations").click()
    page.get_by_role("button", name="Envoyer les invitations").click()
    expect(page.get_by_text("1 invitation envoyée.")).to_be_visible()

    camille = new_page(browser)
    camille.goto(local(mailbox.link_in(mailbox.last_to("camille@example.org")), site))
    expect(camille.get_by_role("heading", level=1)).to_contain_text(TITLE)
    camille.get_by_label("Nom").fill("Camille Martin")
    camille.get_by_role("button", name="J'accepte").click()
    expect(camille.get_by_text("Merci ! Bienvenue dans la convention.")).to_be_visible()
    welcome = mailbox.last_to("camille@example.org")
    assert "Groupe eau" in welcome.get_body(("plain",)).get_content()
    camille.goto(local(mailbox.link_in(welcome), site))
    camille.get_by_label("Nouveau mot de passe", exact=True).fill(MEMBER_PASSWORD)
    camille.get_by_label("Confirmez le nouveau mot de passe").fill(MEMBER_PASSWORD)
    camille.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(camille.get_by_text("Votre mot de passe est changé.")).to_be_visible()

    # Staff open the phases up to deliberation.
    page.goto(setup_url)
    page.get_by_role("link", name="Tableau de bord").click()
    for phase in ("Information et auditions", "Délibération"):
        page.get_by_role("link", name=f"Ouvrir la phase suivante : {phase}").click()
        page.get_by_role("button", name=f"Confirmer l'ouverture de « {phase} »").click()

    # The member signs in, drafts a recommendation in their group and publishes it.
    sign_in(camille, site, "camille@example.org", MEMBER_PASSWORD)
    camille.get_by_role("link", name=TITLE).first.click()
    camille.get_by_role("link", name="Rédiger une recommandation dans ce groupe").click()
    camille.get_by_label("Titre").fill(RECOMMENDATION)
    camille.get_by_label("Le problème auquel elle répond").fill(
        "Les écoles arrosent à l'eau potable."
    )
    camille.get_by_label("La recommandation", exact=True).fill(
        "Installer des cuves dans les écoles."
    )
    camille.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(camille.get_by_text("est enregistré")).to_be_visible()
    camille.get_by_role("link", name="Publier").click()
    camille.get_by_role("button", name="Publier").click()
    expect(camille.get_by_text("est maintenant « publiée »")).to_be_visible()

    # A visitor reads it.
    visitor = new_page(browser)
    visitor.goto(site.url + "/")
    visitor.get_by_role("link", name=TITLE).first.click()
    visitor.get_by_role("link", name="Recommandations").first.click()
    visitor.get_by_role("link", name=RECOMMENDATION).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(RECOMMENDATION)
    for other in (helene, camille, visitor):
        other.context.close()
