"""The territory's communes, a page of the site (outside any convention): administrators list
them, add one, import a file of them, and delete one where nobody lives."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from convention.assembly import communes
from convention.assembly.forms import CommuneForm, CommuneImportForm
from convention.auth.access import is_administrator
from convention.auth.models import Commune
from convention.extensions import db
from convention.forms import EmptyForm, filled
from convention.transaction import attempt

bp = Blueprint("communes", __name__, url_prefix="/gestion/communes")


@bp.before_request
@login_required
def only_administrators():
    """The communes are the whole site's: administrators only (staff of a convention too are
    refused)."""
    if not is_administrator(current_user):
        abort(403)


def _page(form: CommuneForm, upload: CommuneImportForm, problems: list[str] | None = None):
    return render_template(
        "staff/communes.html",
        rows=communes.communes_with_residents(),
        form=form,
        upload=upload,
        problems=problems or [],
    )


@bp.route("/", methods=["GET", "POST"])
def index():
    form = CommuneForm()
    if form.validate_on_submit():
        with attempt(form, "name") as outcome:
            added = communes.add_commune(current_user, filled(form.name), filled(form.population))
        if outcome.ok:
            flash(_("La commune « %(name)s » est ajoutée.", name=added.name), "success")
            return redirect(url_for("communes.index"))
    return _page(form, CommuneImportForm(formdata=None))


@bp.route("/import", methods=["POST"])
def upload():
    """A `name,population` file: all its communes, or none."""
    form = CommuneImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        with attempt(form, "file") as outcome:
            count = communes.import_communes(current_user, form.file.data.read())
        if isinstance(outcome.error, communes.CommuneProblems):
            problems = outcome.error.problems
        if outcome.ok:
            flash(
                ngettext("%(num)d commune ajoutée.", "%(num)d communes ajoutées.", count), "success"
            )
            return redirect(url_for("communes.index"))
    return _page(CommuneForm(formdata=None), form, problems)


@bp.route("/<int:commune_id>/supprimer", methods=["GET", "POST"])
def delete(commune_id: int):
    commune = db.get_or_404(Commune, commune_id)
    form = EmptyForm()
    if form.validate_on_submit():
        name = commune.name
        with attempt() as outcome:
            communes.delete_commune(current_user, commune)
        if outcome.ok:
            flash(_("La commune « %(name)s » est supprimée.", name=name), "success")
        return redirect(url_for("communes.index"))
    return render_template(
        "staff/commune_delete.html",
        commune=commune,
        residents=communes.residents_of(commune),
        form=form,
    )
