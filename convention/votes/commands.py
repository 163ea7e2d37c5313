"""`flask verify-tally BALLOT_ID`: recompute a closed vote's tally and seal from its export."""

from __future__ import annotations

import json

import click

from convention.extensions import db
from convention.votes import adoption, verify_tally
from convention.votes.models import AdoptionBallot


@click.command("verify-tally")
@click.argument("ballot_id", type=int)
def verify_tally_command(ballot_id: int) -> None:
    """Rebuild the open-data export of a closed ballot and check its tally and digest, exactly
    as the standalone script does from the published file."""
    ballot = db.session.get(AdoptionBallot, ballot_id)
    if ballot is None or not ballot.is_closed:
        raise click.ClickException(f"no closed ballot with id {ballot_id}")
    # Through the published text, so what is checked is what the public downloads.
    export = json.loads(adoption.canonical_export(ballot))
    click.echo(
        json.dumps(verify_tally.recount(export["header"], export["ballots"]), ensure_ascii=False)
    )
    click.echo(f"digest {verify_tally.digest(export['header'], export['ballots'])}")
    problems = verify_tally.verify(export)
    if export["digest"] != ballot.digest:
        problems.append("digest in the export differs from the sealed digest")
    for problem in problems:
        click.echo(f"MISMATCH {problem}")
    if problems:
        raise click.ClickException("the tally does not match its ballots")
    click.echo("OK")
