import pytest
from sqlalchemy import func, select

from convention.auth.models import User
from convention.extensions import db
from tests import factories
from tests.pages import form_values


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def register_form(place, **overrides):
    data = {
        "email": "nina@example.org",
        "display_name": "Nina",
        "commune": place.id,
        "password": "a long enough password",
        "password_confirm": "a long enough password",
    }
    data.update(overrides)
    return data


def test_a_resident_registers_confirms_by_email_logs_out_and_in(client, mailbox):
    place = factories.commune("Lattes")
    db.session.commit()
    page = client.post("/inscription", data=register_form(place), follow_redirects=True)
    assert "Un lien de confirmation a été envoyé à nina@example.org" in page.text
    assert "Confirmez votre adresse électronique" in page.text

    message = mailbox.last_to("nina@example.org")
    assert message["Subject"] == "Confirmez votre adresse électronique"
    link = mailbox.link_in(message)
    page = client.get(link.replace("http://localhost", ""), follow_redirects=True)
    assert "Votre adresse électronique nina@example.org est confirmée." in page.text
    user = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    assert user.is_confirmed and user.commune.name == "Lattes"

    page = client.post("/deconnexion", follow_redirects=True)
    assert "Vous êtes déconnecté·e." in page.text and "Se connecter" in page.text
    page = factories.login(client, "nina@example.org", "a long enough password")
    assert "Vous êtes connecté·e." in page.text and "Nina" in page.text


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"email": "not-an-email"}, "Saisissez une adresse électronique valide"),
        ({"email": ""}, "Ce champ est obligatoire."),
        ({"display_name": ""}, "Ce champ est obligatoire."),
        ({"display_name": "x" * 81}, "80 caractères au plus."),
        ({"commune": 0}, "Choisissez votre commune."),
        ({"password": "short", "password_confirm": "short"}, "entre 10 et 200 caractères"),
        ({"password_confirm": "something else!"}, "Les deux mots de passe ne sont pas identiques."),
    ],
)
def test_registration_bad_input_is_explained_next_to_the_field_and_nothing_is_created(
    client, mailbox, overrides, message
):
    place = factories.commune()
    db.session.commit()
    before = count_users()
    page = client.post("/inscription", data=register_form(place, **overrides))
    assert page.status_code == 200
    assert message in page.text
    assert 'aria-invalid="true"' in page.text
    assert "Le formulaire contient des erreurs" in page.text
    assert count_users() == before
    assert mailbox.messages == []


def test_registering_an_existing_email_says_so(client, mailbox):
    place = factories.commune()
    factories.user(email="taken@example.org")
    db.session.commit()
    page = client.post("/inscription", data=register_form(place, email="Taken@example.org"))
    assert "Un compte existe déjà avec cette adresse électronique." in page.text
    assert mailbox.messages == []


def test_wrong_password_is_refused_with_a_clear_message(client):
    factories.user(email="olga@example.org")
    db.session.commit()
    page = factories.login(client, "olga@example.org", "wrong password here")
    assert "Adresse électronique ou mot de passe incorrect." in page.text
    assert "Se déconnecter" not in page.text


def test_login_bad_input_is_explained(client):
    page = client.post("/connexion", data={"email": "nope", "password": ""})
    assert "Saisissez une adresse électronique valide" in page.text
    assert "Ce champ est obligatoire." in page.text


def test_login_is_rate_limited_with_a_clear_message(client):
    factories.user(email="pat@example.org")
    db.session.commit()
    statuses = [
        factories.login(client, "pat@example.org", "wrong password!", follow=False).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    page = factories.login(client, "pat@example.org", factories.PASSWORD, follow=False)
    assert page.status_code == 429
    assert "Trop de tentatives" in page.text


def test_login_does_not_redirect_to_another_site(client):
    factories.user(email="quentin@example.org")
    db.session.commit()
    page = client.post(
        "/connexion?next=//evil.example/steal",
        data={"email": "quentin@example.org", "password": factories.PASSWORD},
    )
    assert page.status_code == 302
    assert page.headers["Location"] == "/"


def test_forgotten_password_is_reset_through_the_emailed_link(client, mailbox):
    factories.user(email="rose@example.org")
    db.session.commit()
    page = client.post(
        "/mot-de-passe-oublie", data={"email": "rose@example.org"}, follow_redirects=True
    )
    assert "Si un compte existe pour rose@example.org" in page.text
    link = mailbox.link_in(mailbox.last_to("rose@example.org")).replace("http://localhost", "")
    # The link opens the form that sends the new password back to the same address.
    page = client.get(link).text
    assert "<h1>Choisir un nouveau mot de passe</h1>" in page
    assert '<form method="post" novalidate class="form">' in page  # no action: back to the link
    assert {"password", "password_confirm"} <= form_values(page).keys()

    page = client.post(link, data={"password": "short", "password_confirm": "short"})
    assert "entre 10 et 200 caractères" in page.text

    page = client.post(
        link,
        data={"password": "my new password", "password_confirm": "my new password"},
        follow_redirects=True,
    )
    assert "Votre mot de passe est changé." in page.text
    assert (
        "Vous êtes connecté·e."
        in factories.login(client, "rose@example.org", "my new password").text
    )
    client.post("/deconnexion")
    page = client.post(
        link,
        data={"password": "third password!", "password_confirm": "third password!"},
        follow_redirects=True,
    )
    assert "Ce lien n'est pas valide." in page.text


def test_forgotten_password_for_an_unknown_address_reveals_nothing(client, mailbox):
    page = client.post(
        "/mot-de-passe-oublie", data={"email": "ghost@example.org"}, follow_redirects=True
    )
    assert "Si un compte existe pour ghost@example.org" in page.text
    assert mailbox.messages == []


def test_forgotten_password_bad_input(client, mailbox):
    page = client.post("/mot-de-passe-oublie", data={"email": "no at sign"})
    assert "Saisissez une adresse électronique valide" in page.text
    assert mailbox.messages == []


def test_an_unconfirmed_resident_can_ask_for_a_new_link(client, mailbox):
    factories.user(email="sam@example.org", confirmed=False)
    db.session.commit()
    factories.login(client, "sam@example.org")
    page = client.post("/confirmer/renvoyer", follow_redirects=True)
    assert "Un nouveau lien de confirmation a été envoyé à sam@example.org." in page.text
    assert mailbox.last_to("sam@example.org")


def test_a_broken_confirmation_link_explains_what_to_do(client):
    page = client.get("/confirmer/not-a-token", follow_redirects=True)
    assert "Ce lien n'est pas valide. Demandez-en un nouveau." in page.text


def test_the_signed_in_id_is_read_from_the_session_only_as_flask_login_accepts_it(app):
    from flask import session
    from flask_login import login_user

    from convention.auth.access import signed_in_id

    person = factories.user()
    browser = {"environ_base": {"REMOTE_ADDR": "10.1.2.3"}, "headers": {"User-Agent": "Firefox"}}
    with app.test_request_context(**browser):
        assert signed_in_id() is None  # a visitor
        login_user(person)
        assert signed_in_id() == person.id
        signed = dict(session)
    with app.test_request_context(**browser):
        session.update(signed)
        assert signed_in_id() == person.id  # the same browser, next request
    with app.test_request_context(
        environ_base={"REMOTE_ADDR": "10.1.2.3"}, headers={"User-Agent": "Another browser"}
    ):
        session.update(signed)
        assert signed_in_id() is None  # session protection decides
    with app.test_request_context(**browser):
        session.update({**signed, "_user_id": "1 OR 1=1"})
        assert signed_in_id() is None
