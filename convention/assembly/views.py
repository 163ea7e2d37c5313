"""The public pages of the convention."""
from __future__ import annotations

from flask import Blueprint, render_template

from convention.assembly import services

bp = Blueprint("assembly", __name__)


@bp.route("/")
def home():
    try:
        convention = services.current_convention()
    except services.NoConvention:
        return render_template("assembly/empty.html")
    return render_template(
        "assembly/home.html",
        convention=convention,
        calendar=services.calendar(convention),
        upcoming=services.next_phase(convention),
        groups=services.groups_with_members(convention),
    )
