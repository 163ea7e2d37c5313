"""Public pages: report editions, the authority's answers, follow-up, Atom feeds."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from convention.assembly import services as assembly
from convention.assembly.models import PhaseKind
from convention.auth.models import Role
from convention.clock import utcnow
from convention.forms import filled
from convention.proposals.models import Recommendation
from convention.publication import queries, services
from convention.publication.forms import AssessmentForm
from convention.publication.models import Answer, FollowUpUpdate
from convention.publication.renderers import RENDERERS
from convention.publication.report import adopted_recommendations
from convention.publication.wordprocessing import plain_text
from convention.transaction import attempt

bp = Blueprint("publication", __name__)
RETRY_AFTER = 10  # seconds before a download of a file being prepared is asked for again


@bp.route("/rapport")
def report_index():
    convention = assembly.current_convention()
    editions = services.editions(convention)
    return render_template(
        "publication/index.html",
        editions=editions,
        files=services.edition_files(editions),
        publication_phase=convention.phase(PhaseKind.PUBLICATION),
    )


@bp.route("/rapport/editions/<int:number>.<fmt>")
def edition(number: int, fmt: str):
    """A published edition in one format: the file kept at its publication, every time."""
    if fmt not in RENDERERS:
        abort(404)
    convention = assembly.current_convention()
    found = queries.edition(convention, number)
    if found is None:
        abort(404)
    try:
        kept = services.edition_file(found, fmt, wait=False)
    except services.FileBeingPrepared as error:
        # Being rendered (just published, in the worker): the page retries by itself.
        response = Response(
            render_template(
                "publication/preparing.html", message=error.message, retry_after=RETRY_AFTER
            ),
            503,
        )
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response
    response = Response(kept.content, mimetype=RENDERERS[fmt][1])
    if fmt != "html":
        response.headers["Content-Disposition"] = (
            f'attachment; filename="rapport-convention-edition-{number}.{fmt}"'
        )
    # An edition never changes: caches may keep it, and a browser that has it gets a 304.
    response.set_etag(kept.sha256)
    response.headers["Cache-Control"] = "public, max-age=86400"
    size = kept.size
    # Ranges too: a PDF reader or an interrupted download asks for part of the file.
    return response.make_conditional(request, accept_ranges=True, complete_length=size)


@bp.route("/reponses")
def answers():
    convention = assembly.current_convention()
    recs = adopted_recommendations(convention)
    by_rec = services.answers_by_recommendation(recs)
    today = utcnow().date()
    updates = queries.updates_by_recommendation(recs)
    rows = []
    for rec in recs:
        answer = by_rec.get(rec.id)
        public = answer if answer and answer.published_at else None
        grades = [a.grade for a in public.assessments] if public else []
        mine = (
            next(
                (
                    a.grade
                    for a in public.assessments
                    if current_user.is_authenticated and a.member_id == current_user.id
                ),
                None,
            )
            if public
            else None
        )
        rows.append(
            {
                "rec": rec,
                "answer": public,
                "overdue": services.is_overdue(public, convention, today),
                "updates": updates.get(rec.id, []),
                "grades": grades,
                "average": round(sum(grades) / len(grades), 1) if grades else None,
                "distribution": [grades.count(g) for g in range(11)],
                "mine": mine,
            }
        )
    can_assess = (
        current_user.is_authenticated
        and current_user.role_in(convention.id) == Role.MEMBER
        and convention.current_phase in services.ANSWER_PHASES
    )
    return render_template(
        "publication/answers.html", rows=rows, can_assess=can_assess, form=AssessmentForm()
    )


@bp.post("/reponses/<int:number>/evaluer")
@login_required
def assess(number: int):
    convention = assembly.current_convention()
    rec = queries.recommendation(convention, number)
    answer = queries.answer_to(rec) if rec else None
    if answer is None:
        abort(404)
    form = AssessmentForm()
    if not form.validate_on_submit():
        for message in form.grade.errors:
            flash(message, "error")
        return redirect(url_for("publication.answers") + f"#reponse-{number}")
    with attempt() as outcome:
        services.assess_answer(current_user, answer, convention, filled(form.grade))
    if outcome.ok:
        flash(
            _(
                "Votre note de %(grade)d/10 est enregistrée. Vous pouvez la changer.",
                grade=form.grade.data,
            ),
            "success",
        )
    return redirect(url_for("publication.answers") + f"#reponse-{number}")


# --- Atom feeds ---------------------------------------------------------------------------


def _feed(title: str, self_url: str, entries: list[dict]) -> Response:
    xml = render_template(
        "publication/feed.atom",
        title=title,
        self_url=self_url,
        entries=entries,
        updated=max((e["updated"] for e in entries), default=utcnow()),
    )
    return Response(xml, mimetype="application/atom+xml")


def _rec_entry(rec: Recommendation) -> dict:
    link = url_for("proposals.show", number=rec.number, slug=rec.slug, _external=True)
    return {
        "id": link,
        "title": f"{rec.reference} · {rec.title}",
        "link": link,
        "updated": rec.updated_at,
        "summary": plain_text(rec.proposal),
    }


def _answer_entry(answer: Answer) -> dict:
    rec = answer.recommendation
    link = url_for("publication.answers", _external=True) + f"#reponse-{rec.number}"
    return {
        "id": f"{link}-{answer.id}",
        "title": f"{rec.reference} · {answer.kind.label}",
        "link": link,
        "updated": answer.published_at,
        "summary": plain_text(answer.public_text),
    }


def _update_entry(update: FollowUpUpdate) -> dict:
    rec = update.recommendation
    link = url_for("proposals.show", number=rec.number, slug=rec.slug, _external=True)
    return {
        "id": f"{link}#suivi-{update.id}",
        "title": f"{rec.reference} · {update.progress} %",
        "link": link,
        "updated": update.created_at,
        "summary": plain_text(update.text),
    }


@bp.route("/flux/recommandations.atom")
def feed_recommendations():
    convention = assembly.current_convention()
    recs = queries.newest_public_recommendations(convention)
    return _feed(
        _("Nouvelles recommandations"),
        url_for("publication.feed_recommendations", _external=True),
        [_rec_entry(r) for r in recs],
    )


@bp.route("/flux/reponses.atom")
def feed_answers():
    convention = assembly.current_convention()
    answers = queries.newest_published_answers(convention)
    return _feed(
        _("Réponses de la collectivité"),
        url_for("publication.feed_answers", _external=True),
        [_answer_entry(a) for a in answers],
    )


@bp.route("/flux/suivi.atom")
def feed_follow_up():
    convention = assembly.current_convention()
    updates = queries.newest_updates(convention)
    return _feed(
        _("Suivi de la mise en œuvre"),
        url_for("publication.feed_follow_up", _external=True),
        [_update_entry(u) for u in updates],
    )


@bp.route("/recommandations/<int:number>/flux.atom")
def feed_recommendation(number: int):
    """One recommendation's news: publication, the answer, follow-up updates."""
    convention = assembly.current_convention()
    rec = queries.recommendation(convention, number, public_only=True)
    if rec is None:
        abort(404)
    entries = [_rec_entry(rec)]
    answer = queries.answer_to(rec, published_only=True)
    if answer is not None:
        entries.append(_answer_entry(answer))
    entries += [_update_entry(u) for u in queries.updates_of(rec)]
    return _feed(
        f"{rec.reference} · {rec.title}",
        url_for("publication.feed_recommendation", number=number, _external=True),
        entries,
    )
