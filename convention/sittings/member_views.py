"""The sessions as the public sees them, and each member's own attendance."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from convention.assembly.services import current_convention
from convention.errors import NotAllowed
from convention.sittings import queries

bp = Blueprint("sittings", __name__)


class MembersOnly(NotAllowed):
    message = _l("Cette page est réservée aux membres de la convention.")


@bp.route("/seances")
def index():
    """The sessions with their dates, place and agenda; only published hearings are linked."""
    return render_template(
        "sittings/index.html", sittings=queries.sittings_of(current_convention())
    )


@bp.route("/mes-presences")
@login_required
def mine():
    """A member's own attendance and allowance; someone who left the convention still sees
    the sessions they were recorded at."""
    convention = current_convention()
    if not (
        queries.is_member(convention, current_user)
        or queries.has_attendance(convention, current_user)
    ):
        raise MembersOnly()
    return render_template(
        "sittings/mine.html", record=queries.attendance_of(convention, current_user)
    )
