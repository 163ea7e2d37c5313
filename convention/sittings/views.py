"""The staff pages of the sessions: the list, a session's agenda, its attendance sheet, the
daily allowance and the finance department's export."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency, format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from convention.assembly.services import current_convention, members_of
from convention.auth.access import staff_required
from convention.forms import EmptyForm, filled
from convention.sittings import allowances, queries, services
from convention.sittings.forms import AgendaItemForm, AllowanceForm, SittingForm
from convention.sittings.models import AttendanceStatus, Sitting
from convention.transaction import attempt

bp = Blueprint("sittings_staff", __name__, url_prefix="/gestion/seances")


@bp.before_request
@staff_required
def only_staff():
    """Every page of this blueprint is for staff and administrators."""


def _sitting(sitting_id: int) -> Sitting:
    found = queries.sitting_in(current_convention(), sitting_id)
    if found is None:
        abort(404)
    return found


@bp.route("/")
def index():
    convention = current_convention()
    sittings = queries.sittings_of(convention)
    return render_template(
        "sittings/staff_index.html",
        sittings=sittings,
        recorded=queries.recorded_counts(convention),
        member_count=len(members_of(convention)),
        daily_cents=queries.daily_allowance_cents(convention),
    )


def _sitting_values(form: SittingForm) -> dict:
    return {
        "title": filled(form.title),
        "starts_on": filled(form.starts_on),
        "ends_on": form.ends_on.data,
        "place": form.place.data or "",
    }


@bp.route("/nouvelle", methods=["GET", "POST"])
def create():
    form = SittingForm()
    if form.validate_on_submit():
        with attempt(form, "title") as outcome:
            sitting = services.create_sitting(
                current_user, current_convention(), **_sitting_values(form)
            )
        if outcome.ok:
            flash(_("La séance « %(title)s » est créée.", title=sitting.title), "success")
            return redirect(url_for("sittings_staff.agenda", sitting_id=sitting.id))
    return render_template("sittings/edit.html", form=form, sitting=None)


@bp.route("/<int:sitting_id>/modifier", methods=["GET", "POST"])
def edit(sitting_id: int):
    sitting = _sitting(sitting_id)
    form = SittingForm(obj=sitting)
    if form.validate_on_submit():
        with attempt(form, "title") as outcome:
            services.update_sitting(current_user, sitting, **_sitting_values(form))
        if outcome.ok:
            flash(_("La séance est enregistrée."), "success")
            return redirect(url_for("sittings_staff.index"))
    return render_template("sittings/edit.html", form=form, sitting=sitting)


@bp.route("/<int:sitting_id>/supprimer", methods=["GET", "POST"])
def delete(sitting_id: int):
    """Deleting a session loses its agenda and its attendance: its own confirmation page."""
    sitting = _sitting(sitting_id)
    form = EmptyForm()
    if form.validate_on_submit():
        title = sitting.title
        with attempt() as outcome:
            services.delete_sitting(current_user, sitting)
        if outcome.ok:
            flash(_("La séance « %(title)s » est supprimée.", title=title), "success")
        return redirect(url_for("sittings_staff.index"))
    return render_template(
        "confirm.html",
        form=form,
        title=_("Supprimer la séance « %(title)s » ?", title=sitting.title),
        warning=" ".join([_("Cette suppression est définitive.")] + _what_is_lost(sitting)),
        confirm_label=_("Supprimer définitivement"),
        cancel_url=url_for("sittings_staff.index"),
    )


def _what_is_lost(sitting: Sitting) -> list[str]:
    present = sum(1 for a in sitting.attendances if a.status == AttendanceStatus.PRESENT)
    lost = []
    if sitting.agenda:
        lost.append(
            ngettext(
                "Son ordre du jour (%(num)d point) sera perdu.",
                "Son ordre du jour (%(num)d points) sera perdu.",
                len(sitting.agenda),
            )
        )
    if sitting.attendances:
        lost.append(
            ngettext(
                "Les présences enregistrées (%(num)d membre) seront perdues.",
                "Les présences enregistrées (%(num)d membres) seront perdues.",
                len(sitting.attendances),
            )
        )
    if present:
        lost.append(
            ngettext(
                "%(num)d membre présent·e ne sera plus indemnisé·e pour cette séance.",
                "%(num)d membres présent·es ne seront plus indemnisé·es pour cette séance.",
                present,
            )
        )
    return lost or [_("Elle n'a ni ordre du jour ni présences enregistrées.")]


# --- agenda --------------------------------------------------------------------------------


def _agenda_form(formdata=None) -> AgendaItemForm:
    convention = current_convention()
    form = AgendaItemForm(formdata=formdata) if formdata is not None else AgendaItemForm()
    none = [(0, _("Aucune"))]
    form.hearing.choices = none + [(h.id, h.title) for h in queries.linkable_hearings(convention)]
    form.group.choices = [(0, _("Aucun"))] + [
        (g.id, g.name) for g in queries.linkable_groups(convention)
    ]
    return form


@bp.route("/<int:sitting_id>", methods=["GET", "POST"])
def agenda(sitting_id: int):
    sitting = _sitting(sitting_id)
    form = _agenda_form()
    if form.validate_on_submit():
        with attempt(form, "title") as outcome:
            services.add_agenda_item(
                current_user,
                sitting,
                title=filled(form.title),
                hearing_id=form.hearing.data or None,
                group_id=form.group.data or None,
            )
        if outcome.ok:
            flash(_("Le point est ajouté à l'ordre du jour."), "success")
            return redirect(url_for("sittings_staff.agenda", sitting_id=sitting.id))
    return render_template(
        "sittings/agenda.html", sitting=sitting, form=form, button_form=EmptyForm()
    )


MOVES = {"monter": -1, "descendre": 1}


@bp.route(
    "/<int:sitting_id>/points/<int:item_id>/<any(monter, descendre, retirer):action>",
    methods=["POST"],
)
def agenda_item(sitting_id: int, item_id: int, action: str):
    sitting = _sitting(sitting_id)
    item = queries.agenda_item_in(sitting, item_id)
    if item is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        title = item.title
        with attempt() as outcome:
            if action == "retirer":
                services.remove_agenda_item(current_user, item)
            else:
                services.move_agenda_item(current_user, item, MOVES[action])
        if outcome.ok and action == "retirer":
            flash(_("Le point « %(title)s » est retiré.", title=title), "success")
    return redirect(url_for("sittings_staff.agenda", sitting_id=sitting.id))


# --- attendance ----------------------------------------------------------------------------


@bp.route("/<int:sitting_id>/presences", methods=["GET", "POST"])
def attendance(sitting_id: int):
    """One radio group per member of the convention, saved at once. A member left without a
    choice keeps what was recorded for them (nothing, at first)."""
    sitting = _sitting(sitting_id)
    members = members_of(current_convention())
    form = EmptyForm()
    errors: dict[str, str] = {}
    chosen: dict[int, str] = {}
    if form.validate_on_submit():
        for member in members:
            value = request.form.get(f"member-{member.id}")
            if value is None:
                continue
            if value not in allowances.ATTENDANCE_STATUSES:
                errors[str(member.id)] = _("Choisissez présent·e, excusé·e ou absent·e.")
            else:
                chosen[member.id] = value
        if not errors:
            with attempt(errors) as outcome:
                changed = services.record_attendance(current_user, sitting, chosen)
            if outcome.ok:
                flash(
                    ngettext(
                        "Les présences sont enregistrées (%(num)d changement).",
                        "Les présences sont enregistrées (%(num)d changements).",
                        len(changed),
                    ),
                    "success",
                )
                return redirect(url_for("sittings_staff.index"))
    recorded = {user_id: status.value for user_id, status in queries.statuses_of(sitting).items()}
    return render_template(
        "sittings/attendance.html",
        sitting=sitting,
        members=members,
        form=form,
        errors=errors,
        checked={**recorded, **chosen},
        statuses=list(AttendanceStatus),
    )


# --- allowance -----------------------------------------------------------------------------


@bp.route("/indemnites", methods=["GET", "POST"])
def allowance():
    convention = current_convention()
    daily = queries.daily_allowance_cents(convention)
    form = AllowanceForm(
        data=None
        if request.method == "POST" or daily is None
        else {"daily_amount": euro_amount(daily, symbol=False)}
    )
    if form.validate_on_submit():
        with attempt(form, "daily_amount") as outcome:
            services.set_daily_allowance(current_user, convention, form.daily_cents)
        if outcome.ok:
            flash(_("L'indemnité journalière est enregistrée."), "success")
            return redirect(url_for("sittings_staff.allowance"))
    return render_template(
        "sittings/allowance.html",
        form=form,
        daily_cents=daily,
        lines=queries.allowance_lines(convention),
    )


@bp.route("/indemnites.csv")
def allowance_export():
    """The finance department's file: one row per member, days present and amount due."""
    convention = current_convention()
    return Response(
        allowances.export_csv(queries.allowance_lines(convention)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="indemnites-{convention.slug}.csv"'},
    )


def euro_amount(cents: int | None, symbol: bool = True) -> str:
    """An amount in cents as people read it: "1 234,50 €" in French, "€1,234.50" in English."""
    if cents is None:
        return ""
    amount = Decimal(cents).scaleb(-2)
    if symbol:
        return format_currency(amount, "EUR")
    return format_decimal(amount, format="0.00")
