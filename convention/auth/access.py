"""Who may see a page: decorators for views, built on the roles."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, session
from flask_login import current_user, login_required

from convention import scope
from convention.auth.models import MANAGING_ROLES, Role, User
from convention.extensions import login_manager


def current_viewer() -> User | None:
    """The person signed in, or None for a visitor: what services take as their actor."""
    return current_user if current_user.is_authenticated else None


def viewer_role(user: User | None = None) -> Role:
    """What the person signed in (or `user`) is in the convention being served: a visitor or
    an account with no role there is a citizen."""
    user = user if user is not None else current_viewer()
    if user is None or not getattr(user, "is_authenticated", False):
        return Role.CITIZEN
    return user.role_in(scope.current_id())


def is_manager(user: User | None) -> bool:
    """Staff of the convention being served, or an administrator."""
    return viewer_role(user) in MANAGING_ROLES if user is not None else False


def is_administrator(user: User | None) -> bool:
    return user is not None and bool(user.is_authenticated) and user.is_admin


def signed_in_id() -> int | None:
    """The id of the person the session cookie signs in, read as Flask-Login reads it, without
    loading the person: for a write whose SQL checks the person itself (the consultation form,
    the busiest write). None whenever Flask-Login would do more than read that id: no id in the
    session (a visitor, or a sign-in kept by the remember-me cookie only), or a session whose
    identifier (address and browser) is not the one recorded at sign-in, which session
    protection handles. The caller then goes through `current_user`."""
    user_id = session.get("_user_id")
    if not isinstance(user_id, str) or not user_id.isdigit():
        return None
    mode = current_app.config.get("SESSION_PROTECTION", login_manager.session_protection)
    # The identifier login_user() records in the session, computed the same way.
    if mode in ("basic", "strong") and (
        session.get("_id") != login_manager._session_identifier_generator()
    ):
        return None
    return int(user_id)


def staff_required(view):
    """Only staff of the convention being served and administrators; others get 403, visitors
    the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_manager(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
