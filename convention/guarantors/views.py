"""The guarantors' pages: the key ceremony step by step (download a file, run the tool,
send back what it made), the tool itself, and for staff, starting or abandoning a ceremony."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from convention.assembly import services as assembly
from convention.auth.access import current_viewer, is_manager, staff_required
from convention.auth.models import Role
from convention.ballots import packaging
from convention.errors import InvalidInput, NotAllowed
from convention.extensions import db
from convention.forms import EmptyForm
from convention.guarantors import services
from convention.guarantors.forms import StartCeremonyForm, ToolFileForm
from convention.guarantors.models import KeyCeremony
from convention.transaction import attempt

bp = Blueprint("guarantors", __name__, url_prefix="/garants")

MAX_FILE_BYTES = 4_000_000

#: What a guarantor downloads at each step, and the name the file is saved under.
DOWNLOADS = {"keys": "ceremonie", "shares": "cles", "ready": "parts"}


def _allowed(user) -> bool:
    return is_manager(user) or (
        user is not None and user.role_in(assembly.current_convention().id) == Role.GUARANTOR
    )


def _ceremony(ceremony_id: int) -> KeyCeremony:
    found = db.get_or_404(KeyCeremony, ceremony_id)
    if found.convention_id != assembly.current_convention().id:
        abort(404)
    return found


@bp.route("/")
@login_required
def index():
    convention = assembly.current_convention()
    me = current_viewer()
    if not _allowed(me):
        raise NotAllowed(_("Cette page est celle des garant·es et de l'équipe de la convention."))
    running = services.in_progress(convention)
    current = services.current(convention.id)
    shown = running or current
    place = services.place_of(me, shown) if shown else None
    people = services.guarantors_of(convention)
    form = StartCeremonyForm(threshold=max(1, (len(people) + 1) // 2 + (len(people) > 2)))
    form.guarantors.choices = [(u.id, u.display_name) for u in people]
    return render_template(
        "guarantors/index.html",
        ceremony=shown,
        stage=services.stage(shown) if shown else None,
        place=place,
        current=current,
        running=running,
        can_manage=is_manager(me),
        start_form=form,
        upload_form=ToolFileForm(),
        abandon_form=EmptyForm(),
        download_name=DOWNLOADS.get(services.stage(shown)) if shown and place else None,
        people=people,
    )


@bp.route("/ceremonie", methods=["POST"])
@staff_required
def start():
    convention = assembly.current_convention()
    people = services.guarantors_of(convention)
    form = StartCeremonyForm()
    form.guarantors.choices = [(u.id, u.display_name) for u in people]
    if form.validate_on_submit():
        by_id = {u.id: u for u in people}
        with attempt() as outcome:
            services.start(
                current_user,
                convention,
                [by_id[i] for i in form.guarantors.data or []],
                form.threshold.data or 0,
            )
        if outcome.ok:
            flash(
                _(
                    "La cérémonie des clés est lancée. Chaque garant·e télécharge maintenant "
                    "son fichier de cérémonie depuis cette page."
                ),
                "success",
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("guarantors.index"))


@bp.route("/ceremonie/<int:ceremony_id>/abandonner", methods=["GET", "POST"])
@staff_required
def abandon(ceremony_id: int):
    found = _ceremony(ceremony_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.abandon(current_user, found)
        if outcome.ok:
            flash(_("La cérémonie des clés est abandonnée."), "success")
        return redirect(url_for("guarantors.index"))
    return render_template("guarantors/abandon.html", ceremony=found, form=form)


def _json_download(data: dict, name: str) -> Response:
    response = Response(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", mimetype="application/json"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/ceremonie/<int:ceremony_id>/<any(ceremonie, cles, parts):step>.json")
@login_required
def download(ceremony_id: int, step: str):
    found = _ceremony(ceremony_id)
    place = services.place_of(current_viewer(), found)
    if place is None:
        abort(403)
    if step == "ceremonie":
        data = services.ceremony_file(found, place, assembly.current_convention())
    elif step == "cles" and services.stage(found) in ("shares", "ready", "complete"):
        data = services.keys_file(found)
    elif step == "parts" and services.stage(found) in ("ready", "complete"):
        data = services.shares_for(found, place)
    else:
        abort(404)
    return _json_download(data, f"{step}-{found.id}-garant-{place.position}.json")


def read_upload(form: ToolFileForm) -> dict:
    """The JSON file a guarantor sent, or a refusal saying what is wrong with it."""
    data = form.file.data.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(
            _("Ce fichier est bien plus grand qu'un fichier de l'outil."), field="file"
        )
    try:
        found = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput(
            _("Ce fichier n'est pas un fichier JSON produit par l'outil des garant·es."),
            field="file",
        ) from None
    if not isinstance(found, dict):
        raise InvalidInput(_("Ce fichier n'est pas un fichier de l'outil."), field="file")
    return found


STEP_DONE = {
    "keys": _l("Votre clé publique est enregistrée."),
    "shares": _l("Vos parts scellées sont enregistrées."),
    "ready": _l("Votre confirmation est enregistrée."),
}


@bp.route("/ceremonie/<int:ceremony_id>/envoyer", methods=["POST"])
@login_required
def upload(ceremony_id: int):
    found = _ceremony(ceremony_id)
    form = ToolFileForm()
    if not form.validate_on_submit():
        for error in form.file.errors:
            flash(error, "error")
        return redirect(url_for("guarantors.index"))
    step = services.stage(found)
    handler = {
        "keys": services.upload_key,
        "shares": services.upload_shares,
        "ready": services.upload_ready,
    }.get(step)
    if handler is None:
        flash(_("Cette cérémonie n'attend plus de fichier."), "info")
        return redirect(url_for("guarantors.index"))
    with attempt() as outcome:
        completed = handler(current_user, found, read_upload(form))
    if outcome.ok:
        if completed is True:
            flash(
                _(
                    "La cérémonie des clés est terminée : les votes secrets peuvent être "
                    "ouverts. Gardez votre fichier secret en lieu sûr, il servira au "
                    "dépouillement."
                ),
                "success",
            )
        else:
            flash(str(STEP_DONE[step]), "success")
    return redirect(url_for("guarantors.index"))


@bp.route("/garant.pyz")
def tool():
    """The guarantors' tool: one file that Python 3.11 runs, with no other program."""
    response = Response(packaging.guarantor_tool(), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = 'attachment; filename="garant.pyz"'
    return response
