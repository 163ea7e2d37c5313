import time

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from convention.auth import services
from convention.auth.models import Role, User
from convention.errors import AlreadyExists, InvalidInput
from convention.extensions import db
from tests import factories


def test_registration_stores_an_argon2id_hash_never_the_password():
    user = services.register("Alice@Example.org ", "Alice", None, "a long enough password")
    assert user.email == "alice@example.org"
    assert user.site_role == Role.CITIZEN
    assert user.password_hash.startswith("$argon2id$")
    assert "a long enough password" not in user.password_hash
    assert not user.is_confirmed


def test_the_same_email_cannot_register_twice_whatever_its_case():
    services.register("bob@example.org", "Bob", None, "a long enough password")
    with pytest.raises(AlreadyExists) as error:
        services.register("BOB@example.org", "Bobby", None, "another password!")
    assert error.value.field == "email"
    assert db.session.scalar(select(func.count(User.id)).where(User.display_name == "Bobby")) == 0


def test_a_short_password_is_refused_with_its_minimum_length():
    with pytest.raises(InvalidInput, match="10"):
        services.register("carol@example.org", "Carol", None, "short")


def test_authenticate_gives_the_same_error_for_unknown_email_and_wrong_password():
    factories.user(email="dan@example.org")
    with pytest.raises(services.InvalidCredentials) as wrong_password:
        services.authenticate("dan@example.org", "not the password")
    with pytest.raises(services.InvalidCredentials) as unknown:
        services.authenticate("nobody@example.org", factories.PASSWORD)
    assert str(wrong_password.value) == str(unknown.value)
    assert services.authenticate("DAN@example.org", factories.PASSWORD).email == "dan@example.org"


def test_confirmation_link_confirms_and_is_tied_to_the_address():
    user = factories.user(confirmed=False)
    token = services.confirmation_token(user)
    assert services.confirm_email(token) is user
    assert user.is_confirmed
    user.email = "changed@example.org"
    with pytest.raises(services.InvalidToken):
        services.confirm_email(token)


def test_confirmation_link_expires(monkeypatch, app):
    user = factories.user(confirmed=False)
    three_days_ago = time.time() - 3 * 24 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: three_days_ago)
    token = services.confirmation_token(user)
    monkeypatch.undo()
    with pytest.raises(services.ExpiredToken):
        services.confirm_email(token)
    assert not user.is_confirmed


def test_a_tampered_link_is_refused():
    user = factories.user(confirmed=False)
    token = services.confirmation_token(user)
    with pytest.raises(services.InvalidToken):
        services.confirm_email(token[:-2] + "xx")


def test_password_reset_link_works_once():
    user = factories.user()
    token = services.password_reset_token(user)
    services.reset_password(token, "a brand new password")
    assert services.authenticate(user.email, "a brand new password") is user
    with pytest.raises(services.InvalidToken):
        services.reset_password(token, "yet another password")
