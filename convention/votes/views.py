"""Pages of the members' vote: rules, opening, voting (with confirmation when the vote is
secret and therefore final), paper totals, close, results and open data.

Each view validates its form, calls one service, commits once and redirects; a refused action
comes back next to the form or as a message.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

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
from flask_babel import format_percent, format_timedelta, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from convention.assembly import services as assembly
from convention.auth.access import current_viewer, is_manager, staff_required
from convention.clock import utcnow
from convention.errors import NotAllowed
from convention.extensions import db
from convention.forms import EmptyForm, SelectChoice, filled
from convention.proposals import lifecycle
from convention.proposals.models import Choice
from convention.transaction import attempt
from convention.votes import adoption, rules, secret_ballots, verify_views
from convention.votes.commands import verify_tally_command
from convention.votes.forms import (
    PARIS,
    OpenBallotsForm,
    PaperForm,
    RulesForm,
    VoteForm,
    paris_to_utc,
)
from convention.votes.models import AdoptionBallot

# cli_group=None: `flask verify-tally` rather than `flask votes verify-tally`.
bp = Blueprint("votes", __name__, url_prefix="/votes", cli_group=None)
verify_views.register(bp)
bp.cli.add_command(verify_tally_command)


def _ballot(ballot_id: int) -> AdoptionBallot:
    ballot = db.get_or_404(AdoptionBallot, ballot_id)
    if ballot.convention_id != assembly.current_convention().id:
        abort(404)
    return ballot


def _to_ballot(ballot: AdoptionBallot):
    return redirect(url_for("votes.ballot", ballot_id=ballot.id))


@bp.route("/")
def index():
    convention = assembly.current_convention()
    return render_template(
        "votes/index.html",
        convention=convention,
        ballots=adoption.ballots_for(convention),
        can_open=adoption.can_open(current_viewer(), convention),
        due_to_close=adoption.closable_due(current_user, convention)
        if adoption.runs_ballots(current_viewer(), convention)
        else [],
        is_voter=adoption.is_voter(current_viewer(), convention.id),
        vote_rules=rules.rules_for(convention),
        threshold=rules.threshold_label(*_threshold(rules.rules_for(convention))),
    )


def _threshold(source) -> tuple[int, int]:
    return source.threshold_numerator, source.threshold_denominator


@bp.route("/regles", methods=["GET", "POST"])
@staff_required
def edit_rules():
    convention = assembly.current_convention()
    current = rules.rules_for(convention)
    form = RulesForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.threshold.data = "{}/{}".format(*_threshold(current))
    if form.validate_on_submit():
        with attempt(form, "quorum_percent") as outcome:
            rules.update_rules(
                current_user,
                convention,
                quorum_percent=filled(form.quorum_percent),
                threshold=form.threshold.data,
                abstentions_count=form.abstentions_count.data,
                secret=form.secret.data,
                ungraded_as_reject=form.ungraded_as_reject.data,
                results_hidden_until_close=form.results_hidden_until_close.data,
                staff_may_judge=form.staff_may_judge.data,
            )
        if outcome.ok:
            flash(
                _(
                    "Les règles de vote sont enregistrées. Elles s'appliquent aux votes ouverts "
                    "à partir de maintenant."
                ),
                "success",
            )
            return redirect(url_for("votes.index"))
    return render_template("votes/rules.html", form=form)


def _example_close() -> str:
    """A week from today at 18:00, Paris time, in the format the field takes."""
    day = utcnow().astimezone(PARIS).date() + timedelta(days=7)
    return datetime.combine(day, time(18, 0)).strftime("%Y-%m-%d %H:%M")


@bp.route("/ouvrir", methods=["GET", "POST"])
@login_required
def open_ballots():
    convention = assembly.current_convention()
    if not adoption.runs_ballots(current_user, convention):
        abort(403)
    if not adoption.can_open(current_user, convention):
        # The right person at the wrong time: say when, rather than a form that then refuses.
        return render_template("votes/open.html", form=None, waiting=[], phase_closed=True), (
            200 if request.method == "GET" else 409
        )
    waiting = [
        r
        for r in adoption.submitted(convention)
        if lifecycle.allowed("adopt", current_user, r, convention)
    ]
    form = OpenBallotsForm()
    form.recommendations.choices = [
        SelectChoice(r.id, f"{r.reference} · {r.title}") for r in waiting
    ]
    form.closes_at.description = _(
        "Date et heure, par exemple %(example)s.", example=_example_close()
    )
    if form.validate_on_submit():
        # The second submit button, « toutes », needs no JavaScript to tick every box.
        every = "all" in request.form
        chosen = [r for r in waiting if every or r.id in (form.recommendations.data or [])]
        with attempt(form, "recommendations") as outcome:
            opened = adoption.open_ballots(
                current_user, convention, chosen, paris_to_utc(filled(form.closes_at))
            )
        if outcome.ok:
            flash(
                ngettext("%(num)d vote ouvert.", "%(num)d votes ouverts.", len(opened)),
                "success",
            )
            return redirect(url_for("votes.index"))
    return render_template("votes/open.html", form=form, waiting=waiting, phase_closed=False)


@bp.route("/scrutins/<int:ballot_id>")
def ballot(ballot_id: int):
    convention = assembly.current_convention()
    found = _ballot(ballot_id)
    me = current_viewer()
    voted, choice = adoption.my_vote(me, found)
    is_voter = adoption.is_voter(me, convention.id)
    is_open = adoption.is_open(found)
    form = VoteForm(data={"choice": choice.value if choice else None})
    searched = (request.args.get("code") or "").strip()[:100]
    counting = None
    if found.is_counting and found.packet is not None:
        counting = {
            "sent": len(secret_ballots.uploads(found.packet)),
            "needed": found.packet.ceremony.threshold,
        }
    return render_template(
        "votes/ballot.html",
        ballot=found,
        rec=found.recommendation,
        form=form,
        can_vote=is_voter and is_open and not (found.secret and voted),
        is_voter=is_voter,
        is_open=is_open,
        voted=voted,
        my_choice=choice,
        tally=adoption.tally(found) if found.is_closed else None,
        named_votes=adoption.export_ballots(found) if found.is_closed and not found.secret else [],
        roll=adoption.roll(found),
        can_close=not found.is_closed
        and not found.is_counting
        and lifecycle.allowed("adopt", me, found.recommendation, convention),
        can_record_paper=is_manager(me) and not found.is_closed and not found.is_counting,
        threshold=rules.threshold_label(*_threshold(found)),
        counting=counting,
        searched=searched,
        found_code=bool(searched)
        and found.is_closed
        and found.secret
        and secret_ballots.has_ballot(found, searched),
    )


@bp.route("/scrutins/<int:ballot_id>/voter", methods=["POST"])
@login_required
def vote(ballot_id: int):
    found = _ballot(ballot_id)
    form = VoteForm()
    if not form.validate_on_submit():
        flash(form.choice.errors[0] if form.choice.errors else _("Choix de vote inconnu."), "error")
        return _to_ballot(found)
    choice = Choice(form.choice.data)
    if found.secret and form.confirmed.data != "1":
        # A secret vote cannot be changed: show what will be recorded and ask first.
        form.confirmed.data = "1"
        return render_template(
            "votes/confirm_vote.html",
            ballot=found,
            rec=found.recommendation,
            form=form,
            choice=choice,
        )
    with attempt() as outcome:
        code = adoption.cast_vote(current_user, found, choice)
    if not outcome.ok:
        return _to_ballot(found)
    if found.secret:
        flash(
            _(
                "Votre vote secret est enregistré, chiffré : personne ne peut le lire. Il est "
                "définitif ; votre nom figure sur la liste des votants, pas votre choix. "
                "Votre code de suivi, à noter pour retrouver votre bulletin chiffré dans la "
                "liste publiée à la clôture : %(code)s",
                code=code,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Votre vote « %(choice)s » est enregistré. Vous pouvez le changer jusqu'à la "
                "clôture.",
                choice=choice.label,
            ),
            "success",
        )
    return _to_ballot(found)


@bp.route("/scrutins/<int:ballot_id>/papier", methods=["GET", "POST"])
@staff_required
def paper(ballot_id: int):
    found = _ballot(ballot_id)
    form = PaperForm(
        data={
            "votes_for": found.paper_for,
            "votes_against": found.paper_against,
            "votes_abstain": found.paper_abstain,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        with attempt(form, "votes_for") as outcome:
            adoption.record_paper(
                current_user,
                found,
                votes_for=filled(form.votes_for),
                votes_against=filled(form.votes_against),
                votes_abstain=filled(form.votes_abstain),
            )
        if outcome.ok:
            flash(
                _("Les totaux du vote papier sont enregistrés et inscrits au journal."), "success"
            )
            return _to_ballot(found)
    return render_template("votes/paper.html", form=form, ballot=found, rec=found.recommendation)


def turnout(ballot: AdoptionBallot, preview: adoption.ClosingPreview) -> str:
    """« 3 votes sur 6 membres ; quorum : 50 %, soit 3 », paper votes included."""
    return ngettext(
        "%(num)d vote sur %(eligible)d membres ; quorum : %(quorum)s, soit %(needed)d.",
        "%(num)d votes sur %(eligible)d membres ; quorum : %(quorum)s, soit %(needed)d.",
        preview.tally.participants,
        eligible=preview.tally.eligible,
        quorum=format_percent(ballot.quorum_percent / 100),
        needed=preview.quorum_count,
    )


def _closing(ballot: AdoptionBallot) -> dict:
    preview = adoption.closing_preview(ballot)
    return {
        "ballot": ballot,
        "rec": ballot.recommendation,
        "preview": preview,
        "turnout": turnout(ballot, preview),
        "time_left": format_timedelta(preview.time_left) if preview.early else "",
    }


@bp.route("/scrutins/<int:ballot_id>/clore", methods=["GET", "POST"])
@login_required
def close(ballot_id: int):
    """A GET only shows what closing would do (turnout, quorum, time left, the result it would
    apply); the POST from that page closes."""
    convention = assembly.current_convention()
    found = _ballot(ballot_id)
    if found.is_closed or found.is_counting:
        flash(_("Ce vote est déjà clos."), "info")
        return _to_ballot(found)
    if not lifecycle.allowed("adopt", current_user, found.recommendation, convention):
        abort(403)
    form = EmptyForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            adoption.close_ballot(current_user, found, convention)
        if outcome.ok and found.secret:
            flash(
                _(
                    "Le vote est clos : ses bulletins chiffrés attendent le dépouillement par "
                    "les garant·es. Le résultat sera publié dès qu'assez d'entre eux l'auront "
                    "déchiffré."
                ),
                "success",
            )
        elif outcome.ok:
            flash(_("Le vote est clos et scellé."), "success")
        return _to_ballot(found)
    return render_template("votes/confirm_close.html", form=form, **_closing(found))


@bp.route("/scrutins/echus", methods=["GET", "POST"])
@login_required
def close_due():
    """Close every ballot past its planned close, after a page listing them."""
    convention = assembly.current_convention()
    if not adoption.runs_ballots(current_user, convention):
        abort(403)
    due = adoption.closable_due(current_user, convention)
    form = EmptyForm()
    if due and form.validate_on_submit():
        with attempt() as outcome:
            closed = adoption.close_due(current_user, convention)
        if outcome.ok:
            named = sum(1 for b in closed if not b.secret)
            if named:
                flash(
                    ngettext(
                        "%(num)d vote est clos et scellé.",
                        "%(num)d votes sont clos et scellés.",
                        named,
                    ),
                    "success",
                )
            if len(closed) > named:
                flash(
                    ngettext(
                        "%(num)d vote secret est clos : ses bulletins chiffrés attendent le "
                        "dépouillement par les garant·es.",
                        "%(num)d votes secrets sont clos : leurs bulletins chiffrés attendent "
                        "le dépouillement par les garant·es.",
                        len(closed) - named,
                    ),
                    "success",
                )
        return redirect(url_for("votes.index"))
    return render_template(
        "votes/confirm_close_due.html", form=form, due=[_closing(ballot) for ballot in due]
    )


NOT_A_MEMBER = _l("La page « Mes votes » est réservée aux membres de la convention.")


# Its own blueprint, so that on this page the menu marks « Mes votes », not « Votes » too.
mine_bp = Blueprint("my_votes", __name__, url_prefix="/votes")


@mine_bp.route("/mes-votes")
@login_required
def mine():
    convention = assembly.current_convention()
    if not adoption.is_voter(current_user, convention.id):
        raise NotAllowed(NOT_A_MEMBER)
    return render_template("votes/mine.html", mine=adoption.my_ballots(current_user, convention))


@bp.route("/scrutins/<int:ballot_id>/export.json")
def export_json(ballot_id: int):
    found = _ballot(ballot_id)
    if not found.is_closed:
        abort(404)
    response = Response(adoption.published_export(found), mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename=vote-{found.id}.json"
    return response


@bp.route("/scrutins/<int:ballot_id>/export.csv")
def export_csv(ballot_id: int):
    found = _ballot(ballot_id)
    if not found.is_closed:
        abort(404)
    rows = adoption.export_ballots(found)
    out = io.StringIO()
    columns = ["tracking_code"] if found.secret else ["member_id", "member", "choice"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=vote-{found.id}.csv"
    return response
