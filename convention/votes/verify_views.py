"""« Vérifier un scrutin »: how anyone recomputes a sealed members' vote or the public
consultation from its open-data export, the computation on the site from an uploaded export,
and the two standard-library scripts that do the same at home."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _

from convention.ballots import packaging, records
from convention.votes import verify_tally
from convention.votes.forms import VerifyExportForm

MAX_EXPORT_BYTES = 32_000_000


def _check(data: bytes) -> tuple[str | None, list[str], str | None]:
    """(what the export is, the differences found, a reason it could not be read)."""
    try:
        export = json.loads(data.decode("utf-8-sig"))
        if export.get("format") == verify_tally.CONSULTATION_FORMAT:
            return "consultation", verify_tally.verify_consultation(export), None
        if export.get("format") == records.SECRET_VOTE:
            return "ballot", verify_tally.verify_secret(export), None
        return "ballot", verify_tally.verify(export), None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return (
            None,
            [],
            _(
                "Ce fichier n'est pas un export de scrutin ou de consultation de ce site "
                "(le fichier JSON téléchargé depuis la page du scrutin ou de la consultation)."
            ),
        )


def verify_page():
    form = VerifyExportForm()
    kind = refusal = None
    problems: list[str] = []
    checked = False
    if form.validate_on_submit():
        data = form.export.data.read(MAX_EXPORT_BYTES + 1)
        if len(data) > MAX_EXPORT_BYTES:
            refusal = _("Ce fichier est bien plus grand qu'un export de scrutin.")
        else:
            kind, problems, refusal = _check(data)
            checked = refusal is None
    return render_template(
        "votes/verify.html",
        form=form,
        kind=kind,
        problems=problems,
        refusal=refusal,
        checked=checked,
    )


def scripts() -> Response:
    """The checking scripts, zipped: the tally recount, the majority judgment it uses, the
    ledger's checker and the cryptography of secret ballots, all standard library."""
    response = Response(packaging.checker_zip(), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="verifier-scrutin.zip"'
    return response


def register(public: Blueprint) -> None:
    public.add_url_rule(
        "/verifier", endpoint="verify", view_func=verify_page, methods=["GET", "POST"]
    )
    public.add_url_rule("/verifier-scrutin.zip", endpoint="verify_scripts", view_func=scripts)
