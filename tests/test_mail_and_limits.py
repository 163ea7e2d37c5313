"""Mail goes through SMTP, or to the console in development; rate limits can live in Redis."""

import uuid

import pytest
import redis

from convention.extensions import db, limiter
from convention.mail import send_email
from tests import factories
from tests.conftest import make_test_app


def test_email_is_delivered_through_smtp_with_headers(app, mailbox):
    with app.test_request_context():
        send_email("someone@example.org", "Objet accentué", "Bonjour, voici un lien.")
    message = mailbox.last_to("someone@example.org")
    assert message["Subject"] == "Objet accentué"
    assert message["From"] == "Convention <ne-pas-repondre@convention.example>"
    assert "Bonjour, voici un lien." in message.get_body(("plain",)).get_content()


def test_without_mail_server_email_is_printed_for_development(app, capsys, mailbox):
    app.config["MAIL_SERVER"] = None
    try:
        send_email("dev@example.org", "Confirmation", "https://link.example/confirm")
    finally:
        app.config["MAIL_SERVER"] = "127.0.0.1"
    printed = capsys.readouterr().err
    assert "To: dev@example.org" in printed and "https://link.example/confirm" in printed
    assert mailbox.messages == []


def _redis_available(url: str) -> bool:
    try:
        return redis.Redis.from_url(url).ping()
    except redis.RedisError:
        return False


def test_login_rate_limit_is_shared_through_redis(app, smtp_server):
    url = "redis://127.0.0.1:6379/15"
    if not _redis_available(url):
        pytest.skip("no Redis server on 127.0.0.1:6379")
    # A unique limit key space for this run, so parallel workers do not count each other.
    email = f"redis-{uuid.uuid4().hex}@example.org"
    factories.user(email=email)
    db.session.commit()
    # Its own key prefix: other test runs on this machine share the Redis server.
    settings = {
        "RATELIMIT_STORAGE_URI": url,
        "REDIS_URL": url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    try:
        first = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], **settings)
        statuses = [
            factories.login(first.test_client(), email, "wrong password!", follow=False).status_code
            for _ in range(5)
        ]
        assert statuses == [200] * 5
        # A second instance (another gunicorn worker) sees the same count; with memory storage
        # it would start again from zero.
        second = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], **settings)
        assert factories.login(second.test_client(), email, follow=False).status_code == 429
    finally:
        # The limiter object is global: give the test app its memory storage back.
        limiter.init_app(app)
