import os

import pytest

from convention import create_app
from convention.config import DEVELOPMENT_SECRET, database_url, settings_from_env
from convention.errors import ConfigurationError

pytestmark = pytest.mark.no_db


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        settings_from_env({})


@pytest.mark.parametrize("secret", ["change-me", "short", DEVELOPMENT_SECRET])
def test_production_refuses_a_weak_or_public_secret_key(secret):
    with pytest.raises(ConfigurationError):
        settings_from_env({"SECRET_KEY": secret})


def test_production_with_a_real_secret_uses_secure_cookies_and_given_services():
    settings = settings_from_env(
        {
            "SECRET_KEY": "x" * 48,
            "DATABASE_URL": "postgresql://app@db/convention",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "587",
            "MAIL_USE_TLS": "true",
        }
    )
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/convention"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert settings["MAIL_PORT"] == 587 and settings["MAIL_USE_TLS"] is True


def test_development_runs_on_sqlite_with_memory_rate_limits():
    settings = settings_from_env({"CONVENTION_ENV": "development"})
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("instance/convention.db")
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_unknown_environment_name_is_refused():
    with pytest.raises(ConfigurationError, match="CONVENTION_ENV"):
        settings_from_env({"CONVENTION_ENV": "staging", "SECRET_KEY": "x" * 48})


def test_create_app_reads_the_environment(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CONVENTION_ENV", raising=False)
    with pytest.raises(ConfigurationError):
        create_app()


def test_database_url_keeps_sqlite_and_other_drivers():
    assert database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"


def test_a_postgresql_deployment_keeps_its_pool_of_connections_per_process(monkeypatch):
    from convention.extensions import db

    monkeypatch.setenv("CONVENTION_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.invalid/convention")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "16")
    with create_app().app_context():
        assert db.engine.pool.size() == 16  # enough for gunicorn --threads 16
    options = settings_from_env(os.environ)["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_size": 16, "max_overflow": 16}
    monkeypatch.setenv("DATABASE_POOL_SIZE", "none")
    with pytest.raises(ConfigurationError, match="DATABASE_POOL_SIZE"):
        create_app()


def test_sqlite_takes_no_pool_setting():
    settings = settings_from_env({"CONVENTION_ENV": "development", "DATABASE_POOL_SIZE": "16"})
    assert settings["SQLALCHEMY_ENGINE_OPTIONS"] == {}
