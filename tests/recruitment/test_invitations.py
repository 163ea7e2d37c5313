"""The personal link a drawn volunteer answers with: signed, tied to them, and short-lived."""

import time

import itsdangerous
import pytest

from convention.auth.services import ExpiredToken, InvalidToken, password_reset_token
from convention.extensions import db
from convention.recruitment import links, services
from tests import factories
from tests.factories import build_world
from tests.recruitment.test_recruitment import QUOTAS, pool_csv


@pytest.fixture
def invitations():
    world = build_world()
    run = services.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=50
    )
    services.compute(str(run.id))
    drawn = services.draw(world.staff, run, "42")
    db.session.flush()  # links are made after the commit, once invitations have their ids
    return drawn


def test_a_link_leads_back_to_its_own_invitation(invitations):
    first, second, *_rest = invitations
    assert links.invitation_from_token(links.invitation_token(first)) is first
    assert links.invitation_from_token(links.invitation_token(second)) is second


def test_a_link_expires_after_the_configured_days(app, monkeypatch, invitations):
    days = app.config["INVITATION_MAX_AGE_DAYS"]
    one_day_too_old = time.time() - (days + 1) * 24 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: one_day_too_old)
    token = links.invitation_token(invitations[0])
    monkeypatch.undo()
    with pytest.raises(ExpiredToken):
        links.invitation_from_token(token)


def test_a_tampered_or_foreign_link_is_refused(invitations):
    token = links.invitation_token(invitations[0])
    with pytest.raises(InvalidToken):
        links.invitation_from_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(InvalidToken):
        links.invitation_from_token("pas-un-lien")
    # A password reset link, signed with the same key, does not answer an invitation.
    with pytest.raises(InvalidToken):
        links.invitation_from_token(password_reset_token(factories.user()))


def test_a_member_recorded_by_phone_is_welcomed_with_a_link_to_choose_a_password(client, mailbox):
    world = build_world()
    run = services.import_run(
        world.staff, world.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=50
    )
    services.compute(str(run.id))
    first, second, *_rest = services.draw(world.staff, run, "42")
    db.session.commit()
    factories.login(client, world.staff.email)
    page = client.post(
        f"/c/test/gestion/tirage/{run.id}/invitations/{first.id}",
        data={
            "decision": "accepte",
            "name": "Nadia Benali",
            "email": "nadia@test.example",
            "group": str(world.group.id),
        },
        follow_redirects=True,
    )
    assert "Réponse enregistrée\u202f: accepté." in page.text
    message = mailbox.last_to("nadia@test.example")
    assert message["Subject"] == f"Bienvenue\u202f: {world.convention.title}"
    assert world.group.name in message.get_body(("plain",)).get_content()
    link = mailbox.link_in(message).replace("http://localhost", "")
    client.post("/deconnexion")
    new_password = "un mot de passe bien long"
    client.post(link, data={"password": new_password, "password_confirm": new_password})
    page = factories.login(client, "nadia@test.example", new_password)
    assert "Vous êtes connecté·e." in page.text

    # A refusal sends nothing.
    mailbox.clear()
    factories.login(client, world.staff.email)
    client.post(
        f"/c/test/gestion/tirage/{run.id}/invitations/{second.id}",
        data={"decision": "refuse", "group": str(world.group.id)},
    )
    assert mailbox.messages == []
