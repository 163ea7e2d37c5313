import re

import pytest
from sqlalchemy import func, select

from convention.auth.models import User
from convention.extensions import db
from tests import factories
from tests.conftest import make_test_app


@pytest.fixture
def csrf_client(app, smtp_server):
    """The same database, with CSRF protection switched on as in production."""
    protected = make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], WTF_CSRF_ENABLED=True
    )
    return protected.test_client()


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(csrf_client):
    before = db.session.scalar(select(func.count(User.id)))
    response = csrf_client.post(
        "/inscription",
        data={
            "email": "mallory@example.org",
            "display_name": "Mallory",
            "commune": 1,
            "password": "a long enough password",
            "password_confirm": "a long enough password",
        },
    )
    assert response.status_code == 400
    assert "Requête invalide" in response.text
    assert db.session.scalar(select(func.count(User.id))) == before


def test_the_logout_button_carries_a_working_token(csrf_client):
    factories.user(email="tina@example.org")
    db.session.commit()
    page = csrf_client.get("/connexion")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    page = csrf_client.post(
        "/connexion",
        data={"csrf_token": token, "email": "tina@example.org", "password": factories.PASSWORD},
        follow_redirects=True,
    )
    assert "Vous êtes connecté·e." in page.text
    assert 'name="csrf_token"' in page.text  # the logout form in the header


def test_every_page_has_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_each_security_header_comes_once_and_a_page_s_own_choice_is_kept(app, smtp_server):
    site = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1])

    @site.get("/integrable")
    def embeddable():
        return "", 204, {"X-Frame-Options": "SAMEORIGIN"}

    response = site.test_client().get("/integrable")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert len(response.headers.getlist(name)) == 1, name


def test_session_cookie_is_http_only_and_same_site(client):
    factories.user(email="uma@example.org")
    db.session.commit()
    response = factories.login(client, "uma@example.org", follow=False)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app, smtp_server):
    production = make_test_app(
        app.config["SQLALCHEMY_DATABASE_URI"], smtp_server[1], SESSION_COOKIE_SECURE=True
    )
    factories.user(email="vera@example.org")
    db.session.commit()
    response = factories.login(production.test_client(), "vera@example.org", follow=False)
    assert "Strict-Transport-Security" in response.headers
    assert "Secure" in response.headers["Set-Cookie"]


def test_visitors_get_no_cookie_on_the_home_page(client):
    assert "Set-Cookie" not in client.get("/").headers


def test_pages_load_no_asset_from_another_host(client):
    page = client.get("/inscription").text
    assert not re.search(r'(src|href)="(https?:)?//', page)
