"""`flask verify-tally BALLOT_ID`: check a closed vote's kept export, its tally and its seal,
against the tables and against the digest the journal recorded at the close."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

from convention.audit.models import AuditEntry
from convention.extensions import db
from convention.votes import adoption, verify_tally
from convention.votes.models import AdoptionBallot


@click.command("verify-tally")
@click.argument("ballot_id", type=int)
def verify_tally_command(ballot_id: int) -> None:
    """Check the export the public downloads exactly as the standalone script does, then
    what only the site can: that the tables still hold the votes it was made from, and that
    its digest is the one written in the (chained) journal when the vote was closed, so a vote
    reopened and sealed again is found."""
    ballot = db.session.get(AdoptionBallot, ballot_id)
    if ballot is None or not ballot.is_closed:
        raise click.ClickException(f"no closed ballot with id {ballot_id}")
    published = adoption.published_export(ballot)
    export = json.loads(published)
    click.echo(
        json.dumps(verify_tally.recount(export["header"], export["ballots"]), ensure_ascii=False)
    )
    click.echo(f"digest {verify_tally.digest(export['header'], export['ballots'])}")
    problems = verify_tally.verify(export)
    if export["digest"] != ballot.digest:
        problems.append("digest in the export differs from the sealed digest")
    if ballot.sealed_export is not None and adoption.canonical_export(ballot) != published:
        problems.append(
            "the votes in the database changed since the close "
            "(the kept export is what was published)"
        )
    at_close = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "adoption_vote_closed", AuditEntry.target_id == ballot.id)
        .order_by(AuditEntry.id)
    ).all()
    recorded = [entry.details.get("digest") for entry in at_close]
    if len(recorded) != 1 or recorded[0] != export["digest"]:
        problems.append(
            f"the journal recorded {recorded or 'no digest'} at the close, the export says "
            f"{export['digest']}: the vote was sealed again"
        )
    for problem in problems:
        click.echo(f"MISMATCH {problem}")
    if problems:
        raise click.ClickException("the tally does not match its ballots")
    click.echo("OK")
