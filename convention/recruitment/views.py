"""The selection: staff pages (import, run, report, draw, invitations) and the public draw."""

from __future__ import annotations

import click
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from convention import sortition
from convention.assembly import services as assembly
from convention.assembly.models import WorkingGroup
from convention.auth.access import staff_required
from convention.extensions import db
from convention.forms import filled
from convention.jobs import JobStatus, job_state, status_response
from convention.recruitment import (
    emails,
    invitation_views,
    invitations,
    replacements,
    services,
    verify_views,
)
from convention.recruitment.forms import AnswerForm, ContactForm, ImportForm, SeedForm
from convention.recruitment.messages import describe
from convention.recruitment.models import Invitation, SortitionRun
from convention.transaction import attempt

bp = Blueprint("recruitment", __name__, cli_group="sortition")
staff = Blueprint("recruitment_staff", __name__, url_prefix="/gestion/tirage")


@staff.before_request
@staff_required
def only_staff():
    """The pool holds personal data: staff and administrators only."""


invitation_views.register(bp, staff)
verify_views.register(bp)


def _run_or_404(run_id: int) -> SortitionRun:
    found = services.run_of(assembly.current_convention(), run_id)
    if found is None:
        abort(404)
    return found


@staff.route("/", methods=["GET", "POST"])
def index():
    convention = assembly.current_convention()
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        with attempt() as outcome:
            run = services.import_run(
                current_user,
                convention,
                pool_file=form.pool.data.read(),
                quotas_file=form.quotas.data.read(),
                k=filled(form.k),
                algorithm=form.algorithm.data,
                panels=filled(form.panels),
            )
        if isinstance(outcome.error, services.ImportProblems):
            problems = outcome.error.problems  # listed on the page under the flashed heading
        if outcome.ok:
            services.start(run)
            return redirect(url_for("recruitment_staff.run", run_id=run.id))
    return render_template(
        "recruitment/index.html", form=form, problems=problems, runs=services.runs(convention)
    )


@staff.route("/<int:run_id>")
def run(run_id: int):
    found = _run_or_404(run_id)
    groups = db.session.scalars(
        select(WorkingGroup)
        .where(WorkingGroup.convention_id == found.convention_id)
        .order_by(WorkingGroup.name)
    ).all()
    answer_form = AnswerForm()
    answer_form.group.choices = [(g.id, g.name) for g in groups]
    people = services.pool_people(found) if found.invitations else {}
    return render_template(
        "recruitment/run.html",
        run=found,
        report=found.report,
        state=job_state(found),
        seed_form=SeedForm(),
        answer_form=answer_form,
        contact_form=ContactForm(),
        people=people,
        answers=invitations.answers(found, current_app.config["INVITATION_MAX_AGE_DAYS"]),
        to_invite=len(invitations.to_invite(found)),
        seats=replacements.seats(found),
        replacement_refusal=replacements.replacement_refusal(found),
        histogram=_bars(found.report) if found.report else None,
    )


@staff.route("/<int:run_id>/etat")
def run_status(run_id: int):
    """Where the computation stands, for the run page's script."""
    found = _run_or_404(run_id)
    return status_response(
        found,
        (
            url_for("recruitment_staff.run", run_id=found.id),
            _("Afficher le résultat de la sélection"),
        ),
    )


def _bars(report: dict) -> list[dict]:
    """Bars of the probability histogram, scaled for the SVG chart."""
    bins = report["fairness"]["histogram"]
    top = max((b["count"] for b in bins), default=1) or 1
    return [
        {
            **b,
            "height": round(150 * b["count"] / top),
            "x": 40 + i * (520 / len(bins)),
            "width": 520 / len(bins) - 2,
        }
        for i, b in enumerate(bins)
    ]


@staff.route("/<int:run_id>/tirage", methods=["GET", "POST"])
def draw(run_id: int):
    found = _run_or_404(run_id)
    form = SeedForm()
    if form.validate_on_submit() and request.form.get("confirme") == "1":
        with attempt() as outcome:
            drawn = services.draw(current_user, found, filled(form.seed))
        if outcome.ok:
            flash(
                _(
                    "Le panel n° %(n)d est tiré : %(count)d personnes à inviter.",
                    # draw() has just recorded the index of the panel it drew.
                    n=found.drawn_index + 1,  # type: ignore[operator]
                    count=len(drawn),
                ),
                "success",
            )
        return redirect(url_for("recruitment_staff.run", run_id=found.id))
    if form.validate_on_submit():
        return render_template("recruitment/confirm_draw.html", run=found, form=form)
    for message in form.seed.errors:
        flash(message, "error")
    return redirect(url_for("recruitment_staff.run", run_id=found.id))


@staff.post("/<int:run_id>/invitations/<int:invitation_id>")
def answer(run_id: int, invitation_id: int):
    found = _run_or_404(run_id)
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.run_id != found.id:
        abort(404)
    form = AnswerForm()
    form.group.choices = [
        (g.id, g.name)
        for g in db.session.scalars(
            select(WorkingGroup).where(WorkingGroup.convention_id == found.convention_id)
        )
    ]
    if form.validate_on_submit():
        accepted = request.form.get("decision") == "accepte"
        group = db.session.get(WorkingGroup, form.group.data)
        with attempt() as outcome:
            member = services.answer(
                current_user,
                invitation,
                accepted=accepted,
                email=form.email.data or "",
                name=form.name.data or "",
                group=group,
            )
        if outcome.ok:
            if member is not None:
                emails.welcome_after_commit(member, assembly.current_convention(), group)
            flash(
                _(
                    "Réponse enregistrée : %(status)s.",
                    status=_("accepté") if accepted else _("refusé"),
                ),
                "success",
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(url_for("recruitment_staff.run", run_id=found.id) + "#invitations")


@staff.post("/<int:run_id>/remplacement")
def replace(run_id: int):
    found = _run_or_404(run_id)
    form = SeedForm()
    if not form.validate_on_submit():
        flash(_("Indiquez la graine tirée en public."), "error")
        return redirect(url_for("recruitment_staff.run", run_id=found.id) + "#invitations")
    with attempt() as outcome:
        substitutes = replacements.replace(current_user, found, filled(form.seed))
    if outcome.ok:
        flash(
            ngettext("%(num)d remplaçant tiré.", "%(num)d remplaçants tirés.", len(substitutes)),
            "success",
        )
    return redirect(url_for("recruitment_staff.run", run_id=found.id) + "#invitations")


@staff.route("/<int:run_id>/pseudonymes.csv")
def pseudonyms(run_id: int):
    """The private table to contact the drawn panel: never published."""
    found = _run_or_404(run_id)
    if not found.pseudonyms:
        abort(404)
    rows = "id,pseudonym\r\n" + "".join(
        f"{person},{pseudonym}\r\n" for person, pseudonym in sorted(found.pseudonyms.items())
    )
    response = Response(rows, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="pseudonymes-{run_id}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- public ------------------------------------------------------------------------------


@bp.route("/tirage")
def public():
    convention = assembly.current_convention()
    runs = [r for r in services.runs(convention) if r.status == JobStatus.DONE]
    return render_template("recruitment/public.html", runs=runs)


def _csv_file(text: str, name: str) -> Response:
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/tirage/<int:run_id>/panels.csv")
def panel_list(run_id: int):
    """The published list of panels (pseudonyms only): anyone can repeat the draw with it."""
    found = services.run_of(assembly.current_convention(), run_id)
    if found is None or found.panel_list is None:
        abort(404)
    return _csv_file(found.panel_list, f"panels-{run_id}.csv")


@bp.route("/tirage/<int:run_id>/remplacement/<int:round_number>/panels.csv")
def replacement_panel_list(run_id: int, round_number: int):
    """A replacement draw's list of panels of substitutes, published like the main one."""
    found = services.run_of(assembly.current_convention(), run_id)
    draw = next((r for r in found.replacements if r.round == round_number), None) if found else None
    if draw is None:
        abort(404)
    return _csv_file(draw.panel_list, f"panels-{run_id}-remplacement-{round_number}.csv")


@bp.cli.command("verify")
@click.argument("panel_list", type=click.Path(exists=True, dir_okay=False))
@click.argument("seed")
def verify_command(panel_list: str, seed: str) -> None:
    """Repeat a public draw from the published LIST of panels and the SEED."""
    try:
        outcome = sortition.verify(panel_list, seed)
    except sortition.SortitionError as error:
        raise click.ClickException(
            "; ".join(describe(p.code, p.params) for p in error.problems)
        ) from None
    click.echo(f"list SHA-256: {outcome.list_sha256}")
    click.echo(f"seed: {outcome.seed}")
    click.echo(f"panel {outcome.index + 1} of {outcome.panels}: {' '.join(outcome.members)}")
