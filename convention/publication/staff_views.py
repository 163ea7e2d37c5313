"""Staff pages: draft exports with progress, publishing editions, answers and follow-up."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from convention.assembly import services as assembly
from convention.auth.access import staff_required
from convention.extensions import db
from convention.forms import EmptyForm, filled
from convention.i18n import site_language
from convention.jobs import JobStatus, job_state, status_response
from convention.mail import send_email_in_site_language
from convention.proposals.models import Recommendation
from convention.publication import jobs, queries, services
from convention.publication.forms import AnswerForm, FollowUpForm
from convention.publication.models import AnswerKind, ExportJob
from convention.publication.renderers import RENDERERS
from convention.publication.report import adopted_recommendations
from convention.transaction import after_commit, attempt

bp = Blueprint("publication_staff", __name__, url_prefix="/gestion/publication")


@bp.before_request
@staff_required
def only_staff():
    """Drafts, answers and follow-up are for staff and administrators."""


@bp.route("/")
def dashboard():
    convention = assembly.current_convention()
    recs = adopted_recommendations(convention)
    answers = services.answers_by_recommendation(recs)
    editions = services.editions(convention)
    kept = services.edition_files(editions)
    # The files still being rendered (in the worker) or never rendered, by edition.
    missing = {e.id: [fmt for fmt in RENDERERS if (e.id, fmt) not in kept] for e in editions}
    return render_template(
        "publication/staff_dashboard.html",
        editions=editions,
        missing=missing,
        formats=list(RENDERERS),
        button=EmptyForm(),
        recs=recs,
        answers=answers,
        unpublished=[a for a in answers.values() if a.published_at is None],
    )


@bp.post("/exports")
def start_export():
    convention = assembly.current_convention()
    fmt = request.form.get("format", "")
    if fmt not in RENDERERS or not EmptyForm().validate_on_submit():
        abort(400)
    job = jobs.create_job(current_user, convention, fmt)
    jobs.enqueue(job)
    return redirect(url_for("publication_staff.export", job_id=job.id))


def _own_job(job_id: str) -> ExportJob:
    """Only the staff member who asked for an export can see or download it."""
    job = db.session.get(ExportJob, job_id)
    if (
        job is None
        or job.requested_by_id != current_user.id
        or job.convention_id != assembly.current_convention().id
    ):
        abort(404)
    return job


@bp.route("/exports/<job_id>")
def export(job_id: str):
    job = _own_job(job_id)
    return render_template("publication/export.html", job=job, state=job_state(job))


@bp.route("/exports/<job_id>/etat")
def export_status(job_id: str):
    """Where the export stands, for its page's script."""
    job = _own_job(job_id)
    return status_response(
        job, (url_for("publication_staff.export_file", job_id=job.id), _("Télécharger"))
    )


@bp.route("/exports/<job_id>/fichier")
def export_file(job_id: str):
    job = _own_job(job_id)
    if job.status != JobStatus.DONE:
        abort(404)
    response = Response(job.content, mimetype=RENDERERS[job.format][1])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="rapport-brouillon.{job.format}"'
    )
    # A draft must not be kept by shared caches or proxies.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/publier", methods=["GET", "POST"])
def publish():
    convention = assembly.current_convention()
    form = EmptyForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            edition = services.publish_report(current_user, convention)
        if outcome.ok:
            flash(_("L'édition %(n)d du rapport est publiée.", n=edition.number), "success")
            jobs.render_files(edition)
        return redirect(url_for("publication_staff.dashboard"))
    count = len(services.editions(convention))
    return render_template(
        "confirm.html",
        form=form,
        title=_("Publier le rapport final ?"),
        warning=_(
            "Le rapport sera figé tel qu'il est maintenant et téléchargeable par tous. "
            "Une nouvelle publication créera une nouvelle édition datée ; "
            "les éditions précédentes resteront disponibles."
        )
        + (" " + _("Éditions déjà publiées : %(n)d.", n=count) if count else ""),
        confirm_label=_("Publier l'édition %(n)d", n=count + 1),
        cancel_url=url_for("publication_staff.dashboard"),
    )


def _adopted_or_404(number: int) -> Recommendation:
    rec = queries.recommendation(assembly.current_convention(), number)
    if rec is None:
        abort(404)
    return rec


@bp.route("/reponses/<int:number>", methods=["GET", "POST"])
def answer(number: int):
    rec = _adopted_or_404(number)
    existing = services.answers_by_recommendation([rec]).get(rec.id)
    form = AnswerForm(obj=existing if request.method == "GET" else None)
    if request.method == "GET" and existing:
        form.kind.data = existing.kind.value
    follow_form = FollowUpForm(prefix="suivi")
    if form.validate_on_submit():
        with attempt(form) as outcome:
            services.record_answer(
                current_user,
                rec,
                kind=AnswerKind(form.kind.data),
                service=filled(form.service),
                public_text=filled(form.public_text),
                reasons=form.reasons.data or "",
                due_on=form.due_on.data,
            )
        if outcome.ok:
            flash(_("La réponse à %(ref)s est enregistrée.", ref=rec.reference), "success")
            return redirect(url_for("publication_staff.answer", number=number))
    return render_template(
        "publication/answer_form.html",
        rec=rec,
        form=form,
        existing=existing,
        follow_form=follow_form,
        button=EmptyForm(),
        kinds=list(AnswerKind),
    )


@bp.post("/reponses/publier")
@bp.post("/reponses/<int:number>/publier")
def publish_answers(number: int | None = None):
    convention = assembly.current_convention()
    if not EmptyForm().validate_on_submit():
        abort(400)
    recs = [_adopted_or_404(number)] if number else adopted_recommendations(convention)
    answers = list(services.answers_by_recommendation(recs).values())
    with attempt() as outcome:
        count = services.publish_answers(current_user, answers)
    if outcome.ok:
        flash(ngettext("%(num)d réponse publiée.", "%(num)d réponses publiées.", count), "success")
    return redirect(
        url_for("publication_staff.answer", number=number)
        if number
        else url_for("publication_staff.dashboard")
    )


@bp.post("/reponses/<int:number>/suivi")
def follow_up(number: int):
    rec = _adopted_or_404(number)
    form = FollowUpForm(prefix="suivi")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("publication_staff.answer", number=number) + "#suivi")
    with attempt() as outcome:
        update, followers = services.post_follow_up(
            current_user,
            rec,
            happened_on=filled(form.happened_on),
            progress=filled(form.progress),
            text=filled(form.text),
            links=form.links.data or "",
        )
    if not outcome.ok:
        return redirect(url_for("publication_staff.answer", number=number) + "#suivi")
    link = url_for("proposals.show", number=rec.number, slug=rec.slug, _external=True)
    with site_language():  # whatever language the staff member reads
        emails = [
            (
                follower.email,
                _(
                    "Suivi de %(ref)s : %(progress)d %%",
                    ref=rec.reference,
                    progress=update.progress,
                ),
                render_template(
                    "publication/email/follow_up.txt",
                    rec=rec,
                    update=update,
                    link=link,
                    user=follower,
                ),
            )
            for follower in followers
        ]

    def send_all() -> None:
        for email in emails:
            send_email_in_site_language(*email)

    after_commit(send_all)
    flash(
        ngettext(
            "Le point de suivi est publié ; %(num)d personne prévenue.",
            "Le point de suivi est publié ; %(num)d personnes prévenues.",
            len(followers),
        ),
        "success",
    )
    return redirect(url_for("publication_staff.answer", number=number))
