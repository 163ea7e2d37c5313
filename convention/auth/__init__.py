"""Accounts, roles and sessions: registration, email confirmation, login, password reset."""

from __future__ import annotations

from flask import Flask

from convention.auth import views
from convention.auth.commands import create_admin


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.cli.add_command(create_admin)
