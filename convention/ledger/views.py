"""« Registre public »: the ledger's entries told in sentences, newest first, one entry with
its whole body, and the whole chain as JSON for the checker."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.routing import BuildError

from convention.extensions import db
from convention.ledger import services
from convention.ledger.describe import describe, kind_label, short
from convention.ledger.models import LedgerEntry
from convention.params import page_arg

bp = Blueprint("ledger", __name__)

# The page that hands out the checking scripts is a convention's (the votes feature's).
CHECKER_ENDPOINT = "votes.verify_scripts"


def _checker_url(slug: str | None) -> str | None:
    if slug is None:
        return None
    try:
        return url_for(CHECKER_ENDPOINT, convention=slug)
    except BuildError:
        return None


@bp.route("/registre")
def index():
    slugs = services.conventions()
    chosen = request.args.get("convention")
    chosen = chosen if chosen in slugs else None
    page = db.paginate(
        services.entries(chosen), page=page_arg(), per_page=50, error_out=False, count=True
    )
    previous = services.previous_of(page.items)
    rows = [
        {
            "entry": entry,
            "sentence": describe(entry),
            "kind": kind_label(entry.kind),
            "short_hash": short(entry.entry_hash),
            "previous_id": previous.get(entry.previous_hash),
        }
        for entry in page.items
    ]
    return render_template(
        "ledger/index.html",
        page=page,
        rows=rows,
        slugs=slugs,
        chosen=chosen,
        head=services.head(),
        checker_url=_checker_url(chosen or (slugs[0] if slugs else None)),
    )


@bp.route("/registre/<int:entry_id>")
def show(entry_id: int):
    found = db.get_or_404(LedgerEntry, entry_id)
    previous = services.previous_of([found]).get(found.previous_hash)
    return render_template(
        "ledger/entry.html",
        entry=found,
        sentence=describe(found),
        kind=kind_label(found.kind),
        body=json.dumps(json.loads(found.body), ensure_ascii=False, indent=2, sort_keys=True),
        previous_id=previous,
    )


@bp.route("/registre.json")
def export() -> Response:
    response = Response(
        json.dumps(services.as_json(), ensure_ascii=False, indent=1) + "\n",
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="registre.json"'
    return response
