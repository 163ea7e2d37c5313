"""Each convention's address space, and the addresses published before a site could host
several conventions."""

from __future__ import annotations

from convention.extensions import db
from tests import factories


def test_old_addresses_redirect_permanently_to_the_first_convention(client):
    world = factories.build_world("premiere")
    rec = world.published(title="Un registre public des algorithmes")
    factories.build_world("seconde")  # created later: the old addresses were not its own
    db.session.commit()

    old_and_new = {
        f"/recommandations/{rec.number}-{rec.slug}": (
            f"/c/premiere/recommandations/{rec.number}-{rec.slug}"
        ),
        "/recommandations?tri=recent&page=2": "/c/premiere/recommandations?tri=recent&page=2",
        "/rapport/editions/1.pdf": "/c/premiere/rapport/editions/1.pdf",
        "/flux/recommandations.atom": "/c/premiere/flux/recommandations.atom",
        f"/recommandations/{rec.number}/flux.atom": (
            f"/c/premiere/recommandations/{rec.number}/flux.atom"
        ),
        "/reponses": "/c/premiere/reponses",
        "/tirage": "/c/premiere/tirage",
    }
    for old, new in old_and_new.items():
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.headers["Location"] == new, old
    # And the new address serves the page.
    page = client.get(old_and_new[f"/recommandations/{rec.number}-{rec.slug}"])
    assert page.status_code == 200 and "Un registre public des algorithmes" in page.text


def test_an_address_names_one_convention_or_none(client):
    factories.build_world("premiere")
    db.session.commit()
    assert client.get("/c/premiere/recommandations").status_code == 200
    unknown = client.get("/c/inconnue/recommandations")
    assert unknown.status_code == 404
    assert client.get("/c/premiere/recommandations/999").status_code == 404


def test_on_an_empty_site_old_addresses_say_what_to_do(client):
    assert client.get("/recommandations").status_code == 404
    page = client.get("/c/premiere/recommandations")
    assert page.status_code == 404
    assert "Aucune convention n'est encore configurée" in page.text


def test_the_site_home_lists_current_conventions_then_past_ones(client):
    current = factories.build_world("actuelle")
    current.convention.title = "Convention sur l'intelligence artificielle"
    past = factories.build_world("passee")
    past.convention.title = "Convention sur la mobilité"
    factories.open_phase(past.staff, past.convention, factories.PhaseKind.FOLLOW_UP)
    db.session.commit()
    page = client.get("/").text
    assert page.index("En cours") < page.index("intelligence artificielle")
    assert page.index("intelligence artificielle") < page.index("Conventions passées")
    assert page.index("Conventions passées") < page.index("la mobilité")
    assert 'href="/c/passee/"' in page and 'href="/c/actuelle/"' in page
    assert "Suivi" in page and "Délibération" in page
