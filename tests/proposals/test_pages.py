"""The recommendation pages, driven through their HTML forms."""

import html
import re

import pytest
from sqlalchemy import select

from convention.extensions import db
from convention.proposals import amendments, services
from convention.proposals.models import Recommendation
from tests import factories


def text_form(**overrides):
    data = {
        "title": "Un registre public des algorithmes",
        "problem": "Opacité des décisions.",
        "proposal": "Publier la **liste** des algorithmes.",
        "impact": "",
        "carried_by": "",
        "cost": "",
        "risks": "",
        "evidence": "",
        "note": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def only_rec():
    return db.session.scalars(select(Recommendation)).one()


def test_a_member_previews_then_saves_a_draft_visible_to_the_group_only(client, world):
    db.session.commit()
    factories.sign_in(client, world.members[0])
    url = f"/c/test/groupes/{world.group.id}/recommandations/nouvelle"
    page = client.post(url, data=text_form(action="preview"))
    assert "Aperçu (non enregistré)" in page.text
    assert "<strong>liste</strong>" in page.text
    assert db.session.scalars(select(Recommendation)).all() == []

    page = client.post(url, data=text_form(), follow_redirects=True)
    assert "Le brouillon R1 est enregistré." in page.text
    assert page.request.path == "/c/test/recommandations/1-un-registre-public-des-algorithmes"
    client.post("/deconnexion")
    assert client.get("/c/test/recommandations/1").status_code == 404
    assert "Un registre public" not in client.get("/c/test/recommandations").text
    factories.sign_in(client, world.outsider)
    assert client.get("/c/test/recommandations/1").status_code == 404


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"proposal": ""}, "Ce champ est obligatoire."),
        ({"title": "x" * 201}, "200 caractères au plus."),
    ],
)
def test_draft_form_bad_input_is_explained_and_nothing_saved(client, world, overrides, message):
    db.session.commit()
    factories.sign_in(client, world.members[0])
    page = client.post(
        f"/c/test/groupes/{world.group.id}/recommandations/nouvelle", data=text_form(**overrides)
    )
    assert message in page.text and 'aria-invalid="true"' in page.text
    assert db.session.scalars(select(Recommendation)).all() == []


def test_a_non_member_cannot_draft_in_a_group(client, world):
    db.session.commit()
    factories.sign_in(client, world.outsider)
    page = client.post(
        f"/c/test/groupes/{world.group.id}/recommandations/nouvelle", data=text_form()
    )
    assert "Seuls les membres du groupe" in page.text
    assert db.session.scalars(select(Recommendation)).all() == []


def test_script_in_markdown_is_shown_as_text_never_run(client, world):
    rec = world.published(
        proposal="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )
    db.session.commit()
    page = client.get(f"/c/test/recommandations/{rec.number}-{rec.slug}").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and "<img" not in page


def test_publish_asks_for_confirmation_then_the_public_sees_it(client, world):
    rec = world.draft()
    db.session.commit()
    factories.sign_in(client, world.members[0])
    page = client.get(f"/c/test/recommandations/{rec.number}/publier")
    assert "Elle deviendra visible par tout le monde" in page.text
    page = client.post(f"/c/test/recommandations/{rec.number}/publier", follow_redirects=True)
    assert "est maintenant «\u202fpubliée\u202f»" in page.text
    client.post("/deconnexion")
    assert client.get(f"/c/test/recommandations/{rec.number}-{rec.slug}").status_code == 200


def test_full_amendment_journey_through_the_pages(client, world):
    rec = world.published()
    db.session.commit()
    factories.sign_in(client, world.members[1])
    form = {
        **rec.text(),
        "proposal": "Publier la liste et les critères.",
        "justification": "Les critères comptent.",
    }
    page = client.post(
        f"/c/test/recommandations/{rec.number}/amender", data=form, follow_redirects=True
    )
    assert "L&#39;amendement n° 1 est déposé." in page.text
    assert "critères<span" in page.text and "<ins>" in page.text
    # Only the changed field is part of the amendment.
    assert "Le problème auquel elle répond" not in page.text

    client.post("/deconnexion")
    factories.sign_in(client, world.facilitator)
    client.post(f"/c/test/recommandations/{rec.number}/amendements/1/ouvrir")
    for member in world.members[:3]:
        client.post("/deconnexion")
        factories.sign_in(client, member)
        page = client.post(
            f"/c/test/recommandations/{rec.number}/amendements/1/voter",
            data={"choice": "for"},
            follow_redirects=True,
        )
        assert "Votre vote «\u202fpour\u202f» est enregistré." in page.text
    page = client.post(
        f"/c/test/recommandations/{rec.number}/amendements/1/voter",
        data={"choice": ""},
        follow_redirects=True,
    )
    assert "Choisissez pour, contre ou abstention." in page.text
    client.post("/deconnexion")
    factories.sign_in(client, world.facilitator)
    page = client.post(
        f"/c/test/recommandations/{rec.number}/amendements/1/decider", follow_redirects=True
    )
    assert "Amendement n° 1\u202f: accepté." in page.text
    assert "il a produit la version 2" in page.text

    history = client.get(f"/c/test/recommandations/{rec.number}/historique").text
    assert "Amendement n° 1 accepté" in history
    diff = client.get(f"/c/test/recommandations/{rec.number}/comparer?de=1&a=2").text
    assert "[début d&#39;ajout]" in diff or "[début d'ajout]" in diff
    side = client.get(f"/c/test/recommandations/{rec.number}/comparer?de=1&a=2&vue=cote").text
    assert "<del>" in side and "<ins>" in side
    trace = client.get(f"/c/test/recommandations/{rec.number}/trace").text
    for step in (
        "Brouillon créé",
        "Publiée",
        "Amendement n° 1 proposé",
        "Vote ouvert sur l&#39;amendement n° 1",
        "Version 2",
    ):
        assert step in trace or step.replace("&#39;", "'") in trace


def test_amendment_on_a_withdrawn_recommendation_is_refused_on_the_page(client, world):
    rec = world.published()
    services.withdraw(world.members[0], rec, world.convention)
    db.session.commit()
    factories.sign_in(client, world.members[1])
    page = client.post(
        f"/c/test/recommandations/{rec.number}/amender",
        data={**text_form(cost="Faible"), "justification": "x", "minority_opinion": ""},
    )
    assert "est «\u202fretirée\u202f»" in page.text
    db.session.expire_all()
    assert only_rec().amendments == []


def test_list_filters_sorts_searches_and_paginates(client, world):
    titles = ["Transports à la demande", "Registre des algorithmes", "Santé connectée"]
    for title in titles:
        world.published(
            title=title, problem=f"Constat : {title}.", proposal=f"Proposition : {title}."
        )
    world.draft(title="Brouillon secret")
    db.session.commit()
    page = client.get("/c/test/recommandations").text
    assert all(t in page for t in titles) and "Brouillon secret" not in page
    assert "3 recommandations" in page

    page = client.get("/c/test/recommandations?q=algorithme").text
    assert "Registre des algorithmes" in page and "Transports" not in page
    # French stemming: "transport" finds "Transports".
    assert "Transports à la demande" in client.get("/c/test/recommandations?q=transport").text
    page = client.get("/c/test/recommandations?statut=draft").text
    assert "0 recommandation" in page

    shuffled = client.get("/c/test/recommandations?tri=random")
    assert shuffled.status_code == 302 and "graine=" in shuffled.headers["Location"]
    first = client.get(shuffled.headers["Location"]).text
    again = client.get(shuffled.headers["Location"]).text
    order = lambda html: re.findall(r"R\d+ · ", html)  # noqa: E731
    assert order(first) == order(again)
    assert client.get(f"/c/test/themes/{world.theme.slug}").status_code == 200


def test_list_and_recommendation_pages_make_a_fixed_number_of_queries(client, world, query_counter):
    rec = world.published()
    # Start from one amendment: loading amendment authors is skipped when there are none.
    amendments.propose_amendment(world.members[4], rec, world.convention, {"impact": "0"}, "y")
    db.session.commit()
    few_list = query_counter.count_for(lambda: client.get("/c/test/recommandations"))
    few_page = query_counter.count_for(
        lambda: client.get(f"/c/test/recommandations/{rec.number}-{rec.slug}")
    )
    for i in range(15):
        other = world.published(title=f"Recommandation {i}")
        amendments.propose_amendment(
            world.members[1], other, world.convention, {"cost": f"{i}"}, "y"
        )
    amendments.propose_amendment(world.members[2], rec, world.convention, {"cost": "1"}, "y")
    amendments.propose_amendment(world.members[3], rec, world.convention, {"risks": "2"}, "y")
    db.session.commit()
    assert query_counter.count_for(lambda: client.get("/c/test/recommandations")) == few_list
    assert (
        query_counter.count_for(
            lambda: client.get(f"/c/test/recommandations/{rec.number}-{rec.slug}")
        )
        == few_page
    )


def test_ideas_page_posts_an_idea_and_members_take_it_up(client, world):
    db.session.commit()
    factories.sign_in(client, world.citizen)
    page = client.post("/c/test/idees", data={"theme": 0, "title": "", "body": ""})
    assert "Choisissez un thème." in page.text and "Ce champ est obligatoire." in page.text
    page = client.post(
        "/c/test/idees",
        data={
            "theme": world.theme.id,
            "title": "Ateliers numériques",
            "body": "Dans chaque mairie.",
        },
        follow_redirects=True,
    )
    assert "Votre idée «\u202fAteliers numériques\u202f» est publiée." in page.text
    client.post("/deconnexion")
    factories.sign_in(client, world.members[0])
    page = client.get("/c/test/idees").text
    link = re.search(
        r'href="(/c/test/groupes/\d+/recommandations/nouvelle\?idee=\d+)"', page
    ).group(1)
    form = client.get(link).text
    assert "Reprend l&#39;idée" in form or "Reprend l'idée" in form
    idea_id = link.rsplit("=", 1)[1]
    page = client.post(
        link, data={**text_form(title="Ateliers"), "idee": idea_id}, follow_redirects=True
    )
    assert "Idées d'habitants reprises" in html.unescape(page.text)


def test_staff_publish_a_hearing_that_recommendations_cite(client, world):
    db.session.commit()
    factories.sign_in(client, world.staff)
    page = client.post("/c/test/gestion/auditions", data={"title": "", "expert": "", "held_on": ""})
    assert "Ce champ est obligatoire." in page.text
    page = client.post(
        "/c/test/gestion/auditions",
        data={
            "title": "Audition de la CNIL",
            "expert": "Claire Martin",
            "expert_role": "juriste",
            "held_on": "2026-10-03",
            "summary": "La **transparence**.",
            "declared_interests": "Aucun.",
            "documents": "Support | https://example.org/s.pdf",
        },
        follow_redirects=True,
    )
    assert (
        "L&#39;audition «\u202fAudition de la CNIL\u202f» est publiée." in page.text
        or "audition « Audition de la CNIL » est publiée" in page.text
    )
    page = client.get("/c/test/auditions/audition-de-la-cnil").text
    assert "<strong>transparence</strong>" in page and "https://example.org/s.pdf" in page


def test_an_amendment_is_previewed_as_the_changes_it_would_make_before_it_is_filed(client, world):
    rec = world.published()
    db.session.commit()
    factories.sign_in(client, world.members[1])
    address = f"/c/test/recommandations/{rec.number}/amender"
    form = {
        **rec.text(),
        "proposal": "Publier la liste et les critères.",
        "justification": "Les **critères** comptent.",
        "action": "preview",
    }
    page = client.post(address, data=form).text
    preview = page.split('id="apercu"')[1].split("<form")[0]
    assert "Aperçu de l'amendement (non déposé)" in preview
    assert "<ins>" in preview and "critères" in preview  # the change, as a diff
    assert "Le problème auquel elle répond" not in preview  # an unchanged field is not shown
    assert "<strong>critères</strong>" in preview  # the justification, rendered
    # Nothing is filed, and the form keeps what was typed.
    db.session.refresh(rec)
    assert rec.amendment_count == 0 and rec.amendments == []
    assert "Publier la liste et les critères." in page.split('id="apercu"')[1].split("<form")[1]

    unchanged = client.post(address, data={**form, "proposal": rec.proposal}).text
    assert 'id="apercu"' not in unchanged
    assert "L'amendement ne change rien au texte actuel." in html.unescape(unchanged)

    filed = client.post(address, data={**form, "action": "save"}, follow_redirects=True)
    assert "L&#39;amendement n° 1 est déposé." in filed.text


def test_the_amendment_form_is_refused_before_writing_to_someone_outside_the_group(client, world):
    rec = world.published()
    db.session.commit()
    factories.sign_in(client, world.outsider)  # a member of another working group
    page = client.get(f"/c/test/recommandations/{rec.number}/amender")
    assert page.status_code == 403 and 'name="justification"' not in page.text
    assert (
        "Proposer un amendement"
        not in client.get(f"/c/test/recommandations/{rec.number}", follow_redirects=True).text
    )
