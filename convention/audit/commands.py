"""`flask audit verify`: check that no entry of the audit log was edited or deleted."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from convention.audit import chain
from convention.audit.models import AuditEntry
from convention.extensions import db

audit = AppGroup("audit", help="The audit log of staff actions.")


@audit.command("verify")
def verify_command() -> None:
    """Recompute the chain of the whole journal, in id order; exit with 1 at any problem."""
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    problems = chain.verify(entries)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    head = entries[-1].entry_hash if entries else chain.GENESIS
    click.echo(f"Journal intact: {len(entries)} entrées, tête {head}.")
