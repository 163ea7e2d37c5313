"""Settings read from the environment.

Every variable is documented in README.md ("Configuration"). Production (the default) refuses to
start without a real SECRET_KEY; development (`CONVENTION_ENV=development`, set by `make run`) uses
a fixed, public development key and prints emails to the console.
"""

from __future__ import annotations

import os
from pathlib import Path

from convention.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEVELOPMENT_SECRET = "development-only-secret-key-not-for-production"
WEAK_SECRETS = {"", "change-me", "changeme", "secret", "dev", DEVELOPMENT_SECRET}


def database_url(raw: str | None) -> str:
    """The SQLAlchemy URL for DATABASE_URL; PostgreSQL goes through psycopg 3."""
    if not raw:
        return f"sqlite:///{INSTANCE_DIR / 'convention.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def engine_options(url: str, pool_size: int) -> dict:
    """SQLAlchemy engine options. On PostgreSQL each process keeps `pool_size` connections
    open and opens up to as many more at a peak: a request thread that finds none free would
    otherwise open (and close again) its own connection, which costs the database a new
    process each time. Set it to at least gunicorn's --threads. SQLite keeps SQLAlchemy's
    defaults."""
    if url.startswith("postgresql"):
        return {"pool_size": pool_size, "max_overflow": pool_size}
    return {}


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(env, name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise ConfigurationError(f"{name} must be a whole number (0 or more), not {raw!r}.")
    return int(raw)


def _positive_int(env, name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)


def settings_from_env(env: dict[str, str] | os._Environ = os.environ) -> dict:
    """Build the Flask config mapping from environment variables."""
    mode = env.get("CONVENTION_ENV", "production").strip().lower()
    if mode not in {"production", "development"}:
        raise ConfigurationError(
            f"CONVENTION_ENV must be 'production' or 'development', not {mode!r}."
        )
    development = mode == "development"
    secret = env.get("SECRET_KEY", "")
    if not development and (secret in WEAK_SECRETS or len(secret) < 32):
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    redis_url = env.get("REDIS_URL") or None
    url = database_url(env.get("DATABASE_URL"))
    return {
        "CONVENTION_ENV": mode,
        "SECRET_KEY": secret or DEVELOPMENT_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(
            url, _positive_int(env, "DATABASE_POOL_SIZE", 10)
        ),
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL"), False),
        "MAIL_DEFAULT_SENDER": env.get(
            "MAIL_DEFAULT_SENDER", "Convention citoyenne <ne-pas-repondre@convention.example>"
        ),
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), not development),
        "DISCUSSION_REPORT_THRESHOLD": _positive_int(env, "DISCUSSION_REPORT_THRESHOLD", 3),
        "PROXY_COUNT": _whole_number(env, "PROXY_COUNT", 0),
        "REMEMBER_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), not development),
    }


class BaseConfig:
    """Defaults shared by every mode; environment settings are applied on top."""

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # Failed sign-ins only (a successful one costs nothing): per address, then per account.
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute"
    # Reverse proxies in front of the application whose X-Forwarded-For (and -Proto) to trust.
    PROXY_COUNT = 0
    # Argon2id parameters (RFC 9106 second recommended option: 64 MiB, t=3, p=4).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    DISCUSSION_REPORT_THRESHOLD = 3
    EMAIL_CONFIRMATION_MAX_AGE = 48 * 3600
    PASSWORD_RESET_MAX_AGE = 2 * 3600
    INVITATION_MAX_AGE_DAYS = 14
