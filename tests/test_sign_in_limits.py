"""Signing in from the venue: forty members behind one address all get in; only failed attempts
count, per account and per address; the page says how long to wait, and it is the true wait;
behind a reverse proxy the client's address is the one the proxy passes on (PROXY_COUNT)."""

from __future__ import annotations

import math
import re

import pytest

from convention.extensions import db, limiter
from tests import factories
from tests.conftest import make_test_app
from tests.pages import visible_text

VENUE = {"REMOTE_ADDR": "192.0.2.10"}


@pytest.fixture
def limited_app(app, smtp_server):
    """An application with limits of its own; the shared limiter goes back to the suite's app
    afterwards."""
    made = []

    def build(**settings):
        made.append(
            make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], **settings)
        )
        limiter.reset()
        return made[-1]

    yield build
    limiter.init_app(app)
    limiter.reset()


def sign_in(client, email, password=factories.PASSWORD, **environ):
    return client.post(
        "/connexion",
        data={"email": email, "password": password},
        environ_base={**VENUE, **environ},
    )


def test_forty_five_members_sign_in_from_the_venue_within_a_minute(client):
    members = [factories.user(email=f"membre{n}@test.example") for n in range(45)]
    db.session.commit()
    statuses = [sign_in(client.application.test_client(), m.email).status_code for m in members]
    # Each is sent on to the site: none is refused, though the address made 45 sign-ins.
    assert statuses == [302] * 45


def test_failed_attempts_beyond_an_account_s_limit_are_refused_with_the_true_wait(
    limited_app,
):
    client = limited_app(LOGIN_ACCOUNT_RATE_LIMIT="3 per hour").test_client()
    factories.user(email="pat@test.example")
    db.session.commit()
    failures = [sign_in(client, "pat@test.example", "wrong password!") for _ in range(3)]
    assert [r.status_code for r in failures] == [200] * 3
    assert all("Adresse électronique ou mot de passe incorrect." in r.text for r in failures)

    refused = sign_in(client, "pat@test.example")  # even the right password, for now
    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    assert 3500 < retry_after <= 3600
    minutes = math.ceil(retry_after / 60)
    text = visible_text(refused.text)
    assert f"Patientez {minutes} minutes avant de réessayer." in text
    assert "une minute" not in text


def test_successful_sign_ins_do_not_count_against_an_account(limited_app):
    client = limited_app(LOGIN_ACCOUNT_RATE_LIMIT="3 per hour").test_client()
    factories.user(email="sam@test.example")
    db.session.commit()
    for _ in range(6):
        fresh = client.application.test_client()
        assert sign_in(fresh, "sam@test.example").status_code == 302


def test_failures_from_one_address_count_across_accounts(limited_app):
    client = limited_app(LOGIN_RATE_LIMIT="4 per minute").test_client()
    for n in range(5):
        factories.user(email=f"cible{n}@test.example")
    db.session.commit()
    statuses = [
        sign_in(client, f"cible{n}@test.example", "wrong password!").status_code for n in range(4)
    ]
    assert statuses == [200] * 4
    refused = sign_in(client, "cible4@test.example")
    assert refused.status_code == 429
    seconds = int(refused.headers["Retry-After"])
    assert 0 < seconds <= 60
    wait = re.search(r"Patientez (\d+) (secondes?|minutes?) avant", visible_text(refused.text))
    assert wait, visible_text(refused.text)
    shown = int(wait.group(1)) * (60 if wait.group(2).startswith("minute") else 1)
    assert abs(shown - seconds) <= 1
    # Another address is not held up by this one.
    assert sign_in(client, "cible4@test.example", REMOTE_ADDR="192.0.2.99").status_code == 302


def test_behind_a_proxy_each_client_is_counted_at_its_own_address(limited_app):
    client = limited_app(LOGIN_RATE_LIMIT="2 per minute", PROXY_COUNT=1).test_client()
    for n in range(3):
        factories.user(email=f"proxy{n}@test.example")
    db.session.commit()
    for n in range(2):
        wrong = sign_in(
            client, f"proxy{n}@test.example", "wrong password!", HTTP_X_FORWARDED_FOR="203.0.113.5"
        )
        assert wrong.status_code == 200
    held = sign_in(client, "proxy2@test.example", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert held.status_code == 429
    # The same proxy (same REMOTE_ADDR) for another resident: not held up.
    other = sign_in(client, "proxy2@test.example", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302


def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(limited_app):
    client = limited_app(LOGIN_RATE_LIMIT="2 per minute").test_client()
    for n in range(3):
        factories.user(email=f"direct{n}@test.example")
    db.session.commit()
    for n in range(2):
        forged = f"198.51.100.{n}"  # a new forged address each time: no escape from the limit
        wrong = sign_in(
            client, f"direct{n}@test.example", "wrong password!", HTTP_X_FORWARDED_FOR=forged
        )
        assert wrong.status_code == 200
    held = sign_in(client, "direct2@test.example", HTTP_X_FORWARDED_FOR="198.51.100.50")
    assert held.status_code == 429
