"""The discussion as a reader and a writer see it, without JavaScript."""

from datetime import timedelta

from sqlalchemy import select

from convention.clock import utcnow
from convention.discussion import moderation, services
from convention.discussion.models import Comment, Stance, TargetKind
from convention.extensions import db
from tests import factories


def rec_url(rec):
    return f"/c/test/recommandations/{rec.number}-{rec.slug}"


def login(client, user):
    factories.login(client, user.email)


def test_post_reply_and_read_as_conversation_or_two_columns(client, world):
    rec = world.published()
    db.session.commit()
    login(client, world.citizen)
    post_url = f"/c/test/discussions/recommendation/{rec.id}/commentaires"
    page = client.post(
        post_url, data={"body": "Trop cher.", "stance": "against"}, follow_redirects=True
    )
    assert "Votre commentaire est publié." in page.text and "Trop cher." in page.text
    top = db.session.scalars(select(Comment)).one()
    client.post("/deconnexion")
    login(client, world.members[0])
    page = client.post(
        post_url,
        data={"body": "Pas si cher.", "stance": "neutral", "parent_id": top.id},
        follow_redirects=True,
    )
    assert "membre tiré·e au sort" in page.text
    assert "1 commentaire" not in page.text and "2 commentaires" in page.text
    client.post(post_url, data={"body": "Indispensable.", "stance": "for"})
    columns = client.get(rec_url(rec) + "?vue=colonnes").text
    for_col = columns[columns.index("Arguments pour") : columns.index("Arguments contre")]
    against_col = columns[columns.index("Arguments contre") :]
    assert "Indispensable." in for_col and "Trop cher." not in for_col
    assert "Trop cher." in against_col


def test_comment_form_bad_input_and_visitors_are_invited_to_log_in(client, world):
    rec = world.published()
    db.session.commit()
    page = client.get(rec_url(rec)).text
    assert "pour participer à la discussion" in page
    assert (
        client.post(
            f"/c/test/discussions/recommendation/{rec.id}/commentaires",
            data={"body": "x", "stance": "for"},
        ).status_code
        == 302
    )
    assert db.session.scalars(select(Comment)).all() == []
    login(client, world.citizen)
    page = client.post(
        f"/c/test/discussions/recommendation/{rec.id}/commentaires",
        data={"body": "", "stance": "for"},
        follow_redirects=True,
    )
    assert "Ce champ est obligatoire." in page.text
    assert (
        client.post(
            "/c/test/discussions/recommendation/999/commentaires",
            data={"body": "x", "stance": "for"},
        ).status_code
        == 404
    )
    assert db.session.scalars(select(Comment)).all() == []


def test_posting_is_rate_limited_with_a_clear_message(client, world):
    rec = world.published()
    db.session.commit()
    login(client, world.citizen)
    url = f"/c/test/discussions/recommendation/{rec.id}/commentaires"
    codes = [
        client.post(url, data={"body": f"n°{i}", "stance": "neutral"}).status_code
        for i in range(11)
    ]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert "Trop de tentatives" in client.post(url, data={"body": "x", "stance": "neutral"}).text


def test_sorting_by_most_upvoted(client, world):
    rec = world.published()
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    services.post_comment(world.citizen, thread, "Avis discret")
    popular = services.post_comment(world.members[0], thread, "Avis populaire")
    for member in world.members[1:4]:
        services.upvote(member, popular)
    db.session.commit()
    page = client.get(rec_url(rec) + "?tri=upvoted").text
    assert page.index("Avis populaire") < page.index("Avis discret")
    page = client.get(rec_url(rec) + "?tri=oldest").text
    assert page.index("Avis discret") < page.index("Avis populaire")


def test_deleted_and_hidden_comments_show_a_notice_in_place(client, world):
    rec = world.published()
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    gone = services.post_comment(world.citizen, thread, "Texte retiré")
    services.post_comment(world.members[0], thread, "Réponse gardée", parent=gone)
    rude = services.post_comment(world.outsider, thread, "Texte injurieux")
    services.delete_comment(world.citizen, gone)
    moderation.hide(world.facilitator, rude, "Propos injurieux")
    db.session.commit()
    page = client.get(rec_url(rec)).text
    assert "Commentaire supprimé par son auteur." in page and "Texte retiré" not in page
    assert "Réponse gardée" in page
    assert "Masqué par la modération\u202f: Propos injurieux" in page
    assert "Texte injurieux" not in page


def test_edited_comment_links_its_visible_history(client, world):
    rec = world.published()
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    comment = services.post_comment(world.citizen, thread, "Version un")
    comment.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login(client, world.citizen)
    page = client.get(f"/c/test/commentaires/{comment.id}/modifier").text
    assert "plus de 15 minutes" in page
    client.post(f"/c/test/commentaires/{comment.id}/modifier", data={"body": "Version deux"})
    history = client.get(f"/c/test/commentaires/{comment.id}/historique").text
    assert "Version un" in history and "Version deux" in history


def test_report_page_and_moderation_queue_hide_and_email_the_author(client, world, mailbox):
    rec = world.published()
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    comment = services.post_comment(world.citizen, thread, "Texte douteux")
    db.session.commit()
    login(client, world.members[0])
    page = client.post(f"/c/test/commentaires/{comment.id}/signaler", data={"reason": "other"})
    assert "Précisez la raison du signalement." in page.text
    page = client.post(
        f"/c/test/commentaires/{comment.id}/signaler",
        data={"reason": "insult"},
        follow_redirects=True,
    )
    assert "votre signalement est transmis" in page.text
    assert client.get("/c/test/moderation").status_code == 403
    client.post("/deconnexion")
    login(client, world.facilitator)
    queue = client.get("/c/test/moderation").text
    assert "Texte douteux" in queue and "insulte ou propos injurieux" in queue
    client.get("/langue/en")  # the moderator reads English; the author is told in French
    page = client.post(
        f"/c/test/moderation/commentaires/{comment.id}/masquer",
        data={"reason": "Propos injurieux"},
        follow_redirects=True,
    )
    assert "The comment is hidden." in page.text
    email = mailbox.last_to(world.citizen.email)
    assert email["Subject"] == "Modération de la convention citoyenne"
    assert (
        "Votre commentaire a été masqué par la modération\u202f: Propos injurieux"
        in email.get_body(("plain",)).get_content()
    )
    assert "No comment to check." in client.get("/c/test/moderation").text


def test_suspend_page_refuses_bad_durations(client, world, thread, mailbox):
    db.session.commit()
    login(client, world.staff)
    # A convention's moderators suspend the people who write in its discussions, no one else.
    never_wrote = client.get(f"/c/test/moderation/utilisateurs/{world.citizen.id}/suspendre")
    assert never_wrote.status_code == 404
    services.post_comment(world.citizen, thread, "Un message à modérer")
    db.session.commit()
    page = client.post(
        f"/c/test/moderation/utilisateurs/{world.citizen.id}/suspendre",
        data={"days": "0", "reason": "Spam"},
    )
    assert "Entre 1 et 365 jours." in page.text
    page = client.post(
        f"/c/test/moderation/utilisateurs/{world.citizen.id}/suspendre",
        data={"days": "7", "reason": "Spam"},
        follow_redirects=True,
    )
    assert "est suspendu·e pour 7 jours" in page.text
    assert "Spam" in mailbox.last_to(world.citizen.email).get_body(("plain",)).get_content()


def test_a_thread_of_any_size_renders_in_a_fixed_number_of_queries(client, world, query_counter):
    rec = world.published()
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    top = services.post_comment(world.citizen, thread, "Premier")
    services.post_comment(world.members[0], thread, "Réponse", parent=top)
    db.session.commit()
    few = query_counter.count_for(lambda: client.get(rec_url(rec)))
    people = world.members + [world.citizen, world.outsider]
    for i in range(60):
        parent = services.post_comment(
            people[i % len(people)], thread, f"Avis {i}", Stance.FOR if i % 2 else Stance.AGAINST
        )
        services.post_comment(people[(i + 1) % len(people)], thread, f"Rép {i}", parent=parent)
    db.session.commit()
    assert query_counter.count_for(lambda: client.get(rec_url(rec))) == few


def test_new_comments_fragment_for_the_live_update(client, world):
    rec = world.published()
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    first = services.post_comment(world.citizen, thread, "Ancien")
    services.post_comment(world.members[0], thread, "Nouveau")
    db.session.commit()
    fragment = client.get(
        f"/c/test/discussions/recommendation/{rec.id}/nouveaux?apres={first.id}"
    ).text
    assert "Nouveau" in fragment and "Ancien" not in fragment


def test_daily_digest_groups_new_comments_and_mentions_in_one_email(runner, world, mailbox):
    rec = world.published()
    thread = services.thread_for(world.convention, TargetKind.RECOMMENDATION, rec.id)
    services.follow(world.citizen, thread)
    services.post_comment(world.members[0], thread, "Premier avis")
    services.post_comment(
        world.members[1], thread, f"Second avis, @{services.mention_handle(world.members[0])}"
    )
    db.session.commit()
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0, result.output
    digest = mailbox.last_to(world.citizen.email).get_body(("plain",)).get_content()
    assert "Premier avis" in digest and "Second avis" in digest
    assert len([m for m in mailbox.messages if m["To"] == world.citizen.email]) == 1
    mention = mailbox.last_to(world.members[0].email).get_body(("plain",)).get_content()
    assert "vous a mentionné·e" in mention
    # Nothing new: the next run sends nothing to them.
    mailbox.clear()
    again = runner.invoke(args=["send-digests"])
    assert "0 digest(s) sent." in again.output and mailbox.messages == []
