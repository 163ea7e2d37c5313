"""Who may see a page: decorators for views, built on the roles."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from convention.auth.models import MANAGING_ROLES, User


def is_manager(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in MANAGING_ROLES


def staff_required(view):
    """Only staff of the authority and administrators; others get 403, visitors the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_manager(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
