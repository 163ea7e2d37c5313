"""Pages of the public consultation (majority judgment) and of supports for citizen ideas."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from convention.assembly import services as assembly
from convention.assembly.lookup import here_or_404
from convention.auth.access import current_viewer, is_manager, signed_in_id, staff_required
from convention.forms import EmptyForm, filled
from convention.params import parse_int
from convention.proposals.models import Idea
from convention.scope import current_slug, resolved_by_the_view
from convention.transaction import attempt
from convention.votes import consultation, supports
from convention.votes.forms import OpenConsultationForm, grades_from, paris_to_utc

bp = Blueprint("consultation", __name__, url_prefix="/votes")


def _page_values(convention, found, errors=None, submitted=None):
    me = current_viewer()
    recommendations = consultation.adopted_in(convention.id)
    visible = consultation.results_visible(found, me)
    voters = consultation.participants(found) if found else 0
    mine = consultation.my_grades(me, found) if found else {}
    if submitted is not None:
        mine = {k: v for k, v in submitted.items() if v is not None}
    excluded = bool(found and me and not consultation.may_judge(me, found))
    return {
        "convention": convention,
        "consultation": found,
        "recommendations": recommendations,
        "grades": consultation.GRADE_LABELS,
        "my_grades": mine,
        "errors": errors or {},
        "can_judge": bool(
            found and consultation.is_open(found) and me and me.is_confirmed and not excluded
        ),
        # Staff who run the consultation see why they are given no form.
        "staff_excluded": excluded,
        "needs_confirmation": bool(me and not me.is_confirmed),
        "results": consultation.results(found, recommendations, voters=voters) if visible else None,
        "participants": voters,
        "is_manager": is_manager(me),
        "form": EmptyForm(),
        # Shown after a save (see _saved), to someone who has grades to show for it.
        "saved": bool(request.args.get("enregistre") == "1" and mine and submitted is None),
    }


def _saved():
    """Back to the page, which confirms the grades are saved. The confirmation travels in the
    address rather than as a flashed message: no session cookie to rewrite on every grade."""
    return redirect(url_for("consultation.page", enregistre=1))


@bp.route("/consultation", methods=["GET", "POST"])
@resolved_by_the_view
def page():
    if request.method == "GET":
        convention = assembly.current_convention()
        return render_template(
            "votes/consultation.html",
            **_page_values(convention, consultation.consultation_for(convention)),
        )
    # The CSRF token was checked before the view (CSRFProtect checks every POST). Only the
    # recommendations the form sent (the service checks they are adopted ones): a partial form
    # leaves the other grades as they are.
    named = [key[4:] for key in request.form if key.startswith("rec_")]
    ids = sorted(i for i in map(parse_int, named) if i is not None)
    if len(ids) != len(named):
        abort(400)  # a field no page of the site sends
    grades, errors = grades_from(request.form, ids)
    # The busiest write of a convention: the person signed in is not loaded, one statement
    # checks them and writes. Anything it cannot write goes the full way below, which says why.
    citizen_id = signed_in_id()
    slug = current_slug() or ""
    if (
        citizen_id is not None
        and not errors
        and consultation.judge_signed_in(citizen_id, slug, grades)
    ):
        return _saved()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("consultation.page")))
    if not errors:
        refusals: dict[str, str] = {}
        with attempt(refusals) as outcome:
            consultation.judge_current(current_user, slug, grades)
        if outcome.ok:
            return _saved()
        if not refusals:  # flashed: it concerns the whole form
            return redirect(url_for("consultation.page"))
        errors.update(
            {
                int(field[4:]): message
                for field, message in refusals.items()
                if field.startswith("rec_")
            }
        )
    convention = assembly.current_convention()
    return render_template(
        "votes/consultation.html",
        **_page_values(convention, consultation.consultation_for(convention), errors, grades),
    ), 400


@bp.route("/consultation/ouvrir", methods=["GET", "POST"])
@staff_required
def open_page():
    convention = assembly.current_convention()
    form = OpenConsultationForm()
    if form.validate_on_submit():
        with attempt(form, "closes_at") as outcome:
            consultation.open_consultation(
                current_user, convention, paris_to_utc(filled(form.closes_at))
            )
        if outcome.ok:
            flash(_("La consultation est ouverte."), "success")
            return redirect(url_for("consultation.page"))
    return render_template("votes/open_consultation.html", form=form)


@bp.route("/consultation/clore", methods=["GET", "POST"])
@staff_required
def close_page():
    convention = assembly.current_convention()
    found = consultation.consultation_for(convention)
    if found is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            consultation.close_consultation(current_user, found)
        if outcome.ok:
            flash(
                _("La consultation est close ; ses résultats sont publiés et scellés."), "success"
            )
        return redirect(url_for("consultation.page"))
    return render_template(
        "confirm.html",
        form=form,
        cancel_url=url_for("consultation.page"),
        title=_("Clore la consultation"),
        warning=_(
            "La clôture est définitive : plus aucune mention n'est acceptée et les "
            "résultats sont publiés."
        ),
        confirm_label=_("Clore la consultation"),
    )


@bp.route("/consultation/export.json")
def export_json():
    convention = assembly.current_convention()
    found = consultation.consultation_for(convention)
    if found is None or not found.is_closed:
        abort(404)
    return Response(consultation.published_export(found), mimetype="application/json")


# --- supports for citizen ideas -------------------------------------------------------------


@bp.route("/idees")
def ideas():
    convention = assembly.current_convention()
    me = current_viewer()
    return render_template(
        "votes/ideas.html",
        convention=convention,
        ideas=supports.ideas_with_supports(convention, me),
        can_support=bool(
            me and me.is_confirmed and convention.current_phase.value == "deliberation"
        ),
        form=EmptyForm(),
    )


@bp.route("/idees/<int:idea_id>/<any(soutenir, retirer):step>", methods=["POST"])
@login_required
def support(idea_id: int, step: str):
    convention = assembly.current_convention()
    idea = here_or_404(Idea, idea_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with attempt() as outcome:
        if step == "soutenir":
            supports.support(current_user, idea, convention)
        else:
            supports.withdraw_support(current_user, idea, convention)
    if outcome.ok:
        flash(
            _("Votre soutien est enregistré.")
            if step == "soutenir"
            else _("Votre soutien est retiré."),
            "success",
        )
    return redirect(url_for("consultation.ideas") + f"#idee-{idea.id}")
