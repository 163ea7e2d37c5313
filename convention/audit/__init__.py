"""The audit log: every staff action, who did it and when, chained so that no entry can be
edited or deleted unseen."""

from __future__ import annotations

from flask import Flask

from convention.audit.commands import audit


def init_app(app: Flask) -> None:
    app.cli.add_command(audit)
