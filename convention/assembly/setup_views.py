"""The guided set-up: create the convention on an empty site, then a checklist of its steps."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from convention.assembly import services, setup
from convention.assembly.forms import ConventionForm
from convention.auth.access import is_administrator, staff_required
from convention.forms import filled
from convention.transaction import attempt

bp = Blueprint("setup", __name__, url_prefix="/gestion/mise-en-place")


@bp.before_request
@staff_required
def only_staff():
    """Staff and administrators; only an administrator creates the convention itself."""


@bp.route("/", methods=["GET", "POST"])
def index():
    try:
        convention = services.current_convention()
    except services.NoConvention:
        pass  # step 1, below
    else:
        return render_template(
            "staff/setup.html", convention=convention, steps=setup.checklist(convention)
        )
    if not is_administrator(current_user):
        abort(403)
    form = ConventionForm()
    if form.validate_on_submit():
        title = filled(form.title)
        with attempt(form, "title") as outcome:
            services.create_convention(
                current_user,
                slug=services.slugify(title),
                title=title,
                question=filled(form.question),
                description=form.description.data or "",
                authority=form.authority.data or "",
            )
        if outcome.ok:
            flash(_("La convention est créée. Poursuivez sa mise en place."), "success")
            return redirect(url_for("setup.index"))
    return render_template("staff/setup_create.html", form=form)
