"""Account rules: registration, email confirmation, authentication and password reset.

Services take plain values, raise `ConventionError` subclasses and never commit.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from convention.auth.models import SITE_ROLES, Commune, Role, User
from convention.auth.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from convention.clock import utcnow
from convention.errors import AlreadyExists, ConventionError, InvalidInput
from convention.extensions import db
from convention.i18n import sorted_by_name


class InvalidCredentials(ConventionError):
    message = _l("Adresse électronique ou mot de passe incorrect.")


class InvalidToken(ConventionError):
    message = _l("Ce lien n'est pas valide. Demandez-en un nouveau.")


class ExpiredToken(InvalidToken):
    message = _l("Ce lien a expiré. Demandez-en un nouveau.")


CONFIRM_SALT = "email-confirmation"
RESET_SALT = "password-reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _l("Le mot de passe doit contenir au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            _l("Le mot de passe doit contenir au plus %(n)s caractères.", n=MAX_PASSWORD_LENGTH),
            field="password",
        )


def create_account(
    email: str,
    display_name: str,
    password: str,
    *,
    role: Role = Role.CITIZEN,
    commune=None,
    first_name: str | None = None,
    confirmed: bool = False,
) -> User:
    """Create an account; the email is unique (the database decides, case-insensitively).
    `role` is site-wide: a citizen or an administrator (roles in a convention are granted with
    `grant_role`)."""
    if role not in SITE_ROLES:
        raise ValueError(f"{role} is given per convention (grant_role), not to an account")
    check_password_rules(password)
    display_name = display_name.strip()
    if not display_name:
        raise InvalidInput(_l("Indiquez un nom d'affichage."), field="display_name")
    user = User(
        email=normalise_email(email),
        display_name=display_name,
        first_name=first_name,
        commune=commune,
        password_hash=hash_password(password),
        site_role=role,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise AlreadyExists(
            _l("Un compte existe déjà avec cette adresse électronique."), field="email"
        ) from None
    return user


def register(email: str, display_name: str, commune, password: str) -> User:
    """A resident registers as a citizen; the email must then be confirmed."""
    return create_account(email, display_name, password, commune=commune)


def authenticate(email: str, password: str) -> User:
    """Return the account for these credentials; the same error whether the email exists or not."""
    user = find_by_email(email)
    if user is None:
        # Spend the same time as a real check, so timing does not reveal which emails exist.
        verify_password(_dummy_hash(), password)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = hash_password("not-a-real-password")
    return _DUMMY["hash"]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def confirmation_token(user: User) -> str:
    return _serializer(CONFIRM_SALT).dumps({"uid": user.id, "email": user.email})


def confirm_email(token: str) -> User:
    """Mark the email confirmed; the link is signed, tied to the address and expires."""
    data = _load(token, CONFIRM_SALT, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise InvalidToken()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def password_reset_token(user: User) -> str:
    # The tail of the current hash makes the link single-use: it dies when the password changes.
    return _serializer(RESET_SALT).dumps({"uid": user.id, "h": user.password_hash[-16:]})


def reset_password(token: str, new_password: str) -> User:
    data = _load(token, RESET_SALT, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("uid"))
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise InvalidToken()
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    if user.email_confirmed_at is None:
        # Following a link sent to the address proves the address works.
        user.email_confirmed_at = utcnow()
    return user


def _load(token: str, salt: str, max_age: int) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise ExpiredToken() from None
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(data, dict):
        raise InvalidToken()
    return data


def list_communes() -> list[Commune]:
    return sorted_by_name(db.session.scalars(select(Commune)), lambda c: c.name)


def get_commune(commune_id: int | None) -> Commune | None:
    return db.session.get(Commune, commune_id) if commune_id else None


def count_accounts() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
