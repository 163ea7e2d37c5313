"""Writing recommendations: drafts, revisions, status changes, amendments and their votes.

Each view validates its form, calls one service, commits once and redirects; a refused action
comes back as a message next to the form or at the top of the page.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from convention.assembly import hearings as hearing_services
from convention.assembly import services as assembly
from convention.assembly.lookup import here_or_404
from convention.assembly.models import WorkingGroup
from convention.auth.access import current_viewer
from convention.auth.models import User
from convention.extensions import db
from convention.forms import EmptyForm, filled
from convention.params import parse_int
from convention.proposals import amendments, lifecycle, queries, services
from convention.proposals.forms import (
    AmendmentForm,
    InviteForm,
    MergeForm,
    MinorityOpinionForm,
    RecommendationForm,
    VoteForm,
    WithdrawForm,
)
from convention.proposals.models import AmendmentStatus, Choice, Idea, Recommendation
from convention.proposals.views import load_visible
from convention.transaction import attempt

bp = Blueprint("writing", __name__)


@bp.before_request
@login_required
def only_signed_in():
    """Every page here acts on someone's behalf."""


def _show(rec: Recommendation):
    return redirect(url_for("proposals.show", number=rec.number, slug=rec.slug))


def _preview(form) -> dict | None:
    """The submitted text, to be shown rendered, when the person asked for a preview."""
    if request.form.get("action") != "preview":
        return None
    return form.text_values()


def _hearing_choices(form, convention) -> None:
    form.hearings.choices = [
        (h.id, f"{h.title} ({h.expert})") for h in hearing_services.published_hearings(convention)
    ]


@bp.route("/groupes/<int:group_id>/recommandations/nouvelle", methods=["GET", "POST"])
def draft(group_id: int):
    convention = assembly.current_convention()
    group = here_or_404(WorkingGroup, group_id)
    idea_ids = [parse_int(i) for i in request.values.getlist("idee")]
    if None in idea_ids:
        abort(404)
    ideas = [here_or_404(Idea, i) for i in idea_ids]
    form = RecommendationForm()
    _hearing_choices(form, convention)
    if request.method == "GET" and ideas:
        form.title.data = ideas[0].title
        form.problem.data = "\n\n".join(i.body for i in ideas)
    preview = None
    if form.validate_on_submit():
        preview = _preview(form)
        if preview is None:
            with attempt(form, "title") as outcome:
                rec = services.draft_recommendation(
                    current_user,
                    convention,
                    group,
                    form.text_values(),
                    hearing_ids=form.hearings.data,
                    ideas=ideas,
                    note=form.note.data or "",
                )
            if outcome.ok:
                flash(
                    _(
                        "Le brouillon %(ref)s est enregistré. Il n'est visible que par votre "
                        "groupe jusqu'à sa publication.",
                        ref=rec.reference,
                    ),
                    "success",
                )
                return _show(rec)
    return render_template(
        "proposals/edit.html", form=form, group=group, rec=None, preview=preview, ideas=ideas
    )


@bp.route("/recommandations/<int:number>/modifier", methods=["GET", "POST"])
def revise(number: int):
    convention, rec = load_visible(number)
    form = RecommendationForm(obj=rec if request.method == "GET" else None)
    _hearing_choices(form, convention)
    if request.method == "GET":
        form.hearings.data = [h.id for h in rec.hearings]
        form.note.data = ""
    preview = None
    if form.validate_on_submit():
        preview = _preview(form)
        if preview is None:
            with attempt(form, "title") as outcome:
                services.revise(
                    current_user,
                    rec,
                    convention,
                    {**form.text_values(), "minority_opinion": rec.minority_opinion},
                    hearing_ids=form.hearings.data,
                    note=form.note.data or "",
                )
            if outcome.ok:
                flash(_("Version %(n)d enregistrée.", n=rec.version_count), "success")
                return _show(rec)
    return render_template(
        "proposals/edit.html", form=form, group=rec.group, rec=rec, preview=preview, ideas=rec.ideas
    )


# --- status changes, each confirmed on its own page ---------------------------------------

CONFIRMATIONS = {
    "publier": (
        "publish",
        lambda: _("Publier la recommandation ?"),
        lambda: _(
            "Elle deviendra visible par tout le monde et les membres du groupe "
            "pourront l'amender. Elle ne pourra plus revenir à l'état de "
            "brouillon."
        ),
        lambda: _("Publier"),
    ),
    "soumettre": (
        "submit",
        lambda: _("Soumettre au vote des membres ?"),
        lambda: _("Le texte sera figé : plus aucun amendement ne sera possible."),
        lambda: _("Soumettre au vote"),
    ),
}


@bp.route("/recommandations/<int:number>/<any(publier, soumettre):step>", methods=["GET", "POST"])
def change_status(number: int, step: str):
    convention, rec = load_visible(number)
    action, title, warning, label = CONFIRMATIONS[step]
    form = EmptyForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            if action == "publish":
                services.publish(current_user, rec, convention)
            else:
                services.submit_to_vote(current_user, rec, convention)
        if outcome.ok:
            flash(
                _(
                    "La recommandation %(ref)s est maintenant « %(status)s ».",
                    ref=rec.reference,
                    status=rec.status.label,
                ),
                "success",
            )
        return _show(rec)
    return render_template(
        "confirm.html",
        form=form,
        title=title(),
        warning=warning(),
        confirm_label=label(),
        cancel_url=url_for("proposals.show", number=rec.number, slug=rec.slug),
    )


@bp.route("/recommandations/<int:number>/retirer", methods=["GET", "POST"])
def withdraw(number: int):
    convention, rec = load_visible(number)
    form = WithdrawForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.withdraw(current_user, rec, convention, form.reason.data or "")
        if outcome.ok:
            flash(_("La recommandation %(ref)s est retirée.", ref=rec.reference), "success")
        return _show(rec)
    return render_template("proposals/withdraw.html", form=form, rec=rec)


@bp.route("/recommandations/<int:number>/fusionner", methods=["GET", "POST"])
def merge(number: int):
    convention, source = load_visible(number)
    form = MergeForm(obj=source if request.method == "GET" else None)
    form.target.choices = [(0, _("— Choisissez —"))] + [
        (r.id, f"{r.reference} · {r.title}")
        for r in queries.published_in(convention)
        if r.id != source.id
    ]
    if form.validate_on_submit():
        target = here_or_404(Recommendation, form.target.data)
        with attempt(form, "target") as outcome:
            services.merge(
                current_user, source, target, convention, form.text_values(), form.note.data or ""
            )
        if outcome.ok:
            flash(
                _(
                    "%(source)s est fusionnée dans %(target)s.",
                    source=source.reference,
                    target=target.reference,
                ),
                "success",
            )
            return _show(target)
    return render_template("proposals/merge.html", form=form, rec=source)


@bp.route("/recommandations/<int:number>/avis-minoritaire", methods=["GET", "POST"])
def minority_opinion(number: int):
    convention, rec = load_visible(number)
    form = MinorityOpinionForm(obj=rec if request.method == "GET" else None)
    if form.validate_on_submit():
        with attempt(form, "minority_opinion") as outcome:
            services.set_minority_opinion(
                current_user, rec, convention, form.minority_opinion.data or ""
            )
        if outcome.ok:
            flash(_("L'avis minoritaire est enregistré."), "success")
            return _show(rec)
    return render_template("proposals/minority.html", form=form, rec=rec)


# --- co-authors -------------------------------------------------------------------------


@bp.post("/recommandations/<int:number>/co-auteurs")
def invite(number: int):
    convention, rec = load_visible(number)
    form = InviteForm()
    form.user.choices = [(m.user_id, "") for m in rec.group.memberships]
    if form.validate_on_submit():
        with attempt() as outcome:
            services.invite_coauthor(
                current_user, rec, convention, db.get_or_404(User, form.user.data)
            )
        if outcome.ok:
            flash(_("L'invitation est envoyée."), "success")
    else:
        flash(_("Choisissez un membre du groupe."), "error")
    return _show(rec)


@bp.post("/recommandations/<int:number>/rejoindre")
def accept(number: int):
    # Not `_, rec = ...`: that would make `_` a local name here and hide gettext.
    rec = load_visible(number)[1]
    if EmptyForm().validate_on_submit():
        with attempt() as outcome:
            services.accept_coauthorship(current_user, rec)
        if outcome.ok:
            flash(_("Vous êtes co-autrice ou co-auteur de %(ref)s.", ref=rec.reference), "success")
    return _show(rec)


# --- amendments --------------------------------------------------------------------------


def _amendment_or_404(rec: Recommendation, amendment_number: int):
    found = next((a for a in rec.amendments if a.number == amendment_number), None)
    if found is None:
        abort(404)
    return found


@bp.route("/recommandations/<int:number>/amendements/<int:amendment_number>/clore")
def confirm_decide(number: int, amendment_number: int):
    """Before closing a group's vote: the votes so far and what the close will do."""
    convention, rec = load_visible(number)
    amendment = _amendment_or_404(rec, amendment_number)
    if not lifecycle.allowed("decide_amendment", current_viewer(), rec, convention):
        abort(403)
    if amendment.status != AmendmentStatus.VOTING:
        return _amendment_page(rec, amendment)
    counts = amendments.tally(amendment)
    return render_template(
        "proposals/confirm_decide.html",
        rec=rec,
        amendment=amendment,
        counts=counts,
        accepted=counts[Choice.FOR] > counts[Choice.AGAINST],
        group_size=len(rec.group.memberships),
        post_button=EmptyForm(),
    )


def _amendment_page(rec, amendment):
    return redirect(
        url_for("proposals.amendment", number=rec.number, amendment_number=amendment.number)
    )


@bp.route("/recommandations/<int:number>/amender", methods=["GET", "POST"])
@bp.route(
    "/recommandations/<int:number>/amendements/<int:amendment_number>/mettre-a-jour",
    methods=["GET", "POST"],
)
def amend(number: int, amendment_number: int | None = None):
    convention, rec = load_visible(number)
    existing = _amendment_or_404(rec, amendment_number) if amendment_number else None
    # No form for someone who could not file it (outside the group, out of its phase): the
    # refusal comes now, with its reason, not after the text is written.
    lifecycle.check("amend", current_user, rec, convention)
    form = AmendmentForm(obj=rec if request.method == "GET" else None)
    if request.method == "GET" and existing:
        for name, value in existing.changes.items():
            getattr(form, name).data = value
        form.justification.data = existing.justification
    preview = None
    if form.validate_on_submit() and request.form.get("action") == "preview":
        with attempt(form, "justification"):
            preview = amendments.preview_amendment(
                current_user, rec, convention, form.text_values(), filled(form.justification)
            )
    elif form.validate_on_submit():
        with attempt(form, "justification") as outcome:
            if existing:
                amendment = amendments.rebase_amendment(
                    current_user,
                    existing,
                    convention,
                    form.text_values(),
                    filled(form.justification),
                )
            else:
                amendment = amendments.propose_amendment(
                    current_user, rec, convention, form.text_values(), filled(form.justification)
                )
        if outcome.ok:
            flash(_("L'amendement n° %(n)d est déposé.", n=amendment.number), "success")
            return _amendment_page(rec, amendment)
    return render_template(
        "proposals/amend.html", form=form, rec=rec, existing=existing, preview=preview
    )


@bp.post(
    "/recommandations/<int:number>/amendements/<int:amendment_number>/"
    "<any(ouvrir, decider, retirer):step>"
)
def amendment_step(number: int, amendment_number: int, step: str):
    convention, rec = load_visible(number)
    amendment = _amendment_or_404(rec, amendment_number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with attempt() as outcome:
        if step == "ouvrir":
            amendments.open_vote(current_user, amendment, convention)
            message = _("Le vote sur l'amendement n° %(n)d est ouvert.", n=amendment.number)
        elif step == "decider":
            amendments.decide(current_user, amendment, convention)
            message = _(
                "Amendement n° %(n)d : %(status)s.",
                n=amendment.number,
                status=amendment.status.label,
            )
        else:
            amendments.withdraw_amendment(current_user, amendment)
            message = _("L'amendement n° %(n)d est retiré.", n=amendment.number)
    if outcome.ok:
        flash(message, "success")
    return _amendment_page(rec, amendment)


@bp.post("/recommandations/<int:number>/amendements/<int:amendment_number>/voter")
def vote(number: int, amendment_number: int):
    convention, rec = load_visible(number)
    amendment = _amendment_or_404(rec, amendment_number)
    form = VoteForm()
    if not form.validate_on_submit():
        flash(_("Choisissez pour, contre ou abstention."), "error")
        return _amendment_page(rec, amendment)
    with attempt() as outcome:
        amendments.cast_vote(current_user, amendment, convention, Choice(form.choice.data))
    if outcome.ok:
        flash(
            _(
                "Votre vote « %(choice)s » est enregistré. Vous pouvez le changer jusqu'à la "
                "clôture.",
                choice=Choice(form.choice.data).label,
            ),
            "success",
        )
    return _amendment_page(rec, amendment)
