"""Writing pages not driven elsewhere: revising a draft, co-authors, the minority opinion,
withdrawing, merging, and updating an amendment, each through its HTML form and each refused to
those the rules leave out."""

from convention.extensions import db
from convention.proposals import amendments
from convention.proposals.models import AmendmentStatus, Status
from tests import factories
from tests.pages import field_error, form_values, visible_text

NOT_ALLOWED = "Vous n'avez pas les droits nécessaires pour cette action."


def text_of(rec, **changes):
    """The recommendation's form as sent back with `changes`."""
    return {**rec.text(), "note": "", "action": "save", **changes}


def flashes(page: str) -> str:
    """The messages at the top of the page."""
    start = page.find('<div class="flashes"')
    return visible_text(page[start : page.find("</div>", start)]) if start >= 0 else ""


def test_the_author_revises_a_draft_and_each_save_is_a_version(client, world):
    rec = world.draft()
    db.session.commit()
    factories.sign_in(client, world.members[0])
    url = f"/c/test/recommandations/{rec.number}/modifier"
    shown = form_values(client.get(url).text)
    assert (shown["title"], shown["proposal"].strip()) == (rec.title, rec.proposal)

    page = client.post(
        url,
        data=text_of(rec, proposal="Publier la liste et les critères.", note="Les critères"),
        follow_redirects=True,
    )
    assert "Version 2 enregistrée." in flashes(page.text)
    assert "Publier la liste et les critères." in page.text
    history = client.get(f"/c/test/recommandations/{rec.number}/historique").text
    assert "Les critères" in history

    # Saving the same text again adds no identical version: the page says there is nothing new.
    db.session.refresh(rec)
    page = client.post(url, data=text_of(rec))
    assert "Aucune modification à enregistrer." in visible_text(page.text)
    db.session.refresh(rec)
    assert rec.version_count == 2


def test_a_group_member_who_is_not_an_author_cannot_revise(client, world):
    rec = world.draft()
    db.session.commit()
    factories.sign_in(client, world.members[1])
    page = client.post(
        f"/c/test/recommandations/{rec.number}/modifier", data=text_of(rec, proposal="Autre chose.")
    )
    assert field_error(page.text, "title") == f"Erreur\u202f: {NOT_ALLOWED}"
    db.session.refresh(rec)
    assert rec.version_count == 1 and rec.proposal != "Autre chose."


def test_an_invited_member_joins_as_coauthor_and_may_then_revise(app, client, world):
    rec = world.draft()
    db.session.commit()
    invited = world.members[1]
    factories.sign_in(client, world.members[0])
    url = f"/c/test/recommandations/{rec.number}/co-auteurs"
    page = client.post(url, data={"user": world.outsider.id}, follow_redirects=True)
    assert "Choisissez un membre du groupe." in flashes(page.text)
    page = client.post(url, data={"user": invited.id}, follow_redirects=True)
    assert "L'invitation est envoyée." in flashes(page.text)
    page = client.post(url, data={"user": invited.id}, follow_redirects=True)
    assert "Karim B. est déjà invité·e." in flashes(page.text)

    uninvited = app.test_client()
    factories.sign_in(uninvited, world.members[2])
    page = uninvited.post(f"/c/test/recommandations/{rec.number}/rejoindre", follow_redirects=True)
    assert "Vous n'avez pas été invité·e à co-écrire cette recommandation." in flashes(page.text)

    coauthor = app.test_client()
    factories.sign_in(coauthor, invited)
    page = coauthor.post(f"/c/test/recommandations/{rec.number}/rejoindre", follow_redirects=True)
    assert "Vous êtes co-autrice ou co-auteur de R1." in flashes(page.text)
    page = coauthor.post(
        f"/c/test/recommandations/{rec.number}/modifier",
        data=text_of(rec, cost="Faible."),
        follow_redirects=True,
    )
    assert "Version 2 enregistrée." in page.text


def test_a_group_member_writes_the_minority_opinion(client, world):
    rec = world.published()
    db.session.commit()
    url = f"/c/test/recommandations/{rec.number}/avis-minoritaire"
    factories.sign_in(client, world.outsider)
    page = client.post(url, data={"minority_opinion": "Pas d'accord."})
    assert field_error(page.text, "minority_opinion") == f"Erreur\u202f: {NOT_ALLOWED}"
    client.post("/deconnexion")

    factories.sign_in(client, world.members[2])
    assert form_values(client.get(url).text)["minority_opinion"].strip() == ""
    page = client.post(
        url,
        data={"minority_opinion": "Une partie du groupe préfère un moratoire."},
        follow_redirects=True,
    )
    assert "L'avis minoritaire est enregistré." in flashes(page.text)
    assert "Une partie du groupe préfère un moratoire." in page.text
    page = client.post(url, data={"minority_opinion": "Une partie du groupe préfère un moratoire."})
    assert (
        field_error(page.text, "minority_opinion")
        == "Erreur\u202f: Aucune modification à enregistrer."
    )


def test_the_facilitator_withdraws_a_recommendation_giving_a_reason(client, world):
    rec = world.published()
    db.session.commit()
    url = f"/c/test/recommandations/{rec.number}/retirer"
    factories.sign_in(client, world.members[1])
    page = client.post(url, data={"reason": "Doublon."}, follow_redirects=True)
    assert NOT_ALLOWED in flashes(page.text)
    db.session.refresh(rec)
    assert rec.status == Status.PUBLISHED
    client.post("/deconnexion")

    factories.sign_in(client, world.facilitator)
    assert "Raison du retrait" in client.get(url).text
    page = client.post(url, data={"reason": "Doublon de R2."}, follow_redirects=True)
    assert "La recommandation R1 est retirée." in flashes(page.text)
    db.session.refresh(rec)
    assert rec.status == Status.WITHDRAWN
    assert "Doublon de R2." in client.get(f"/c/test/recommandations/{rec.number}/trace").text


def test_the_facilitator_merges_a_recommendation_into_another(client, world):
    source = world.published(title="Former les agents")
    target = world.published(title="Former les habitants")
    db.session.commit()
    url = f"/c/test/recommandations/{source.number}/fusionner"
    factories.sign_in(client, world.members[0])
    page = client.post(url, data={**text_of(target), "target": target.id})
    assert field_error(page.text, "target") == f"Erreur\u202f: {NOT_ALLOWED}"
    client.post("/deconnexion")

    factories.sign_in(client, world.facilitator)
    form = client.get(url).text
    assert f"{target.reference} · Former les habitants" in form
    assert f"{source.reference} · Former les agents" not in form
    page = client.post(url, data={**text_of(target), "target": 0})
    assert field_error(page.text, "target") == "Erreur\u202f: Choisissez une recommandation."

    merged = text_of(target, title="Former les agents et les habitants")
    page = client.post(url, data={**merged, "target": target.id}, follow_redirects=True)
    assert "R1 est fusionnée dans R2." in flashes(page.text)
    assert page.request.path.startswith(f"/c/test/recommandations/{target.number}-")
    assert "Former les agents et les habitants" in page.text
    db.session.refresh(source)
    db.session.refresh(target)
    assert (source.status, source.merged_into_id) == (Status.MERGED, target.id)
    assert target.version_count == 2


def test_the_author_of_an_amendment_updates_it_and_no_one_else_can(app, client, world):
    rec = world.published()
    amendment = amendments.propose_amendment(
        world.members[1], rec, world.convention, {"cost": "500 000 euros"}, "Chiffré."
    )
    db.session.commit()
    # A new amendment starts from the recommendation's current text.
    factories.sign_in(client, world.members[2])
    assert (
        form_values(client.get(f"/c/test/recommandations/{rec.number}/amender").text)["title"]
        == rec.title
    )
    url = f"/c/test/recommandations/{rec.number}/amendements/{amendment.number}/mettre-a-jour"
    page = client.post(url, data={**rec.text(), "cost": "Rien", "justification": "x"})
    assert (
        field_error(page.text, "justification")
        == "Erreur\u202f: Seul l'auteur de l'amendement peut le mettre à jour."
    )

    author = app.test_client()
    factories.sign_in(author, world.members[1])
    shown = form_values(author.get(url).text)
    assert (shown["cost"].strip(), shown["justification"].strip()) == ("500 000 euros", "Chiffré.")
    page = author.post(
        url,
        data={**rec.text(), "cost": "450 000 euros", "justification": "Devis reçu."},
        follow_redirects=True,
    )
    assert "L'amendement n° 1 est déposé." in flashes(page.text)
    assert "450\u202f000 euros" in page.text
    db.session.refresh(amendment)
    assert amendment.changes == {"cost": "450 000 euros"}
    assert (amendment.justification, amendment.status) == ("Devis reçu.", AmendmentStatus.PROPOSED)


def test_the_facilitator_is_offered_only_the_amendment_actions_possible_now(client, world):
    rec = world.published()
    first = amendments.propose_amendment(
        world.members[1], rec, world.convention, {"title": "Un titre plus court"}, "Plus court."
    )
    second = amendments.propose_amendment(
        world.members[2], rec, world.convention, {"problem": "Autre problème."}, "Plus juste."
    )
    db.session.commit()
    factories.sign_in(client, world.facilitator)
    base = f"/c/test/recommandations/{rec.number}/amendements"
    later = visible_text(client.get(f"{base}/{second.number}").text)
    assert "Ouvrir le vote du groupe" not in later
    assert "ne peut pas encore s'ouvrir" in later and "n° 1 doit être décidé d'abord" in later
    page = client.get(f"{base}/{first.number}").text
    assert "Ouvrir le vote du groupe" in page
    client.post(f"{base}/{first.number}/ouvrir")
    amendments.cast_vote(world.members[0], first, world.convention, amendments.Choice.FOR)
    db.session.commit()
    page = visible_text(client.get(f"{base}/{first.number}").text)
    assert "1 membre du groupe a voté sur 5." in page
    # Closing confirms first, with the votes so far and what the close will do.
    confirm = visible_text(client.get(f"{base}/{first.number}/clore").text)
    assert "l'amendement est accepté" in confirm and "ne peut pas être rouvert" in confirm
    db.session.refresh(first)
    assert first.status == AmendmentStatus.VOTING  # looking at the confirmation closes nothing
    client.post(f"{base}/{first.number}/decider")
    db.session.refresh(first)
    assert first.status == AmendmentStatus.ACCEPTED
    # Nothing left to do on it: no empty "Actions" heading.
    assert "Actions" not in client.get(f"{base}/{first.number}").text
    # A member cannot reach the confirmation.
    client.post("/deconnexion")
    factories.sign_in(client, world.members[3])
    assert client.get(f"{base}/{second.number}/clore").status_code == 403
