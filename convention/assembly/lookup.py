"""Finding what an address names, in the convention it is served under.

Ids are site-wide (a comment, a ballot, a working group...): an address of one convention
naming the id of another convention's object answers 404, as if it did not exist, so no page
of one convention ever shows what belongs to another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort

from convention.assembly.services import current_convention
from convention.extensions import db

T = TypeVar("T")


def here_or_404(
    model: type[T],
    ident: Any,
    owner: Callable[[T], int] = lambda found: found.convention_id,  # type: ignore[attr-defined]
) -> T:
    """The `model` row `ident`, if it belongs to the convention served (`owner` says which
    convention a row belongs to, when it is not its `convention_id`); else 404."""
    found = db.session.get(model, ident) if ident is not None else None
    if found is None or owner(found) != current_convention().id:
        abort(404)
    return found
