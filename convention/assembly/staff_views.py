"""The staff area: set up the convention, its themes, working groups and calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

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
from flask_login import current_user

from convention.assembly import hearings, services
from convention.assembly.forms import (
    AddMemberForm,
    ConventionForm,
    GroupForm,
    HearingForm,
    PhaseDatesForm,
    ThemeForm,
)
from convention.assembly.lookup import here_or_404
from convention.assembly.models import Hearing, PhaseKind, Theme, WorkingGroup
from convention.audit import describe, journal
from convention.audit.forms import JournalFilterForm
from convention.audit.journal import JournalFilter
from convention.auth.access import staff_required
from convention.auth.models import User
from convention.extensions import db
from convention.forms import EmptyForm, filled
from convention.params import page_arg
from convention.transaction import attempt

bp = Blueprint("staff", __name__, url_prefix="/gestion")
PARIS = ZoneInfo("Europe/Paris")


@bp.before_request
@staff_required
def only_staff():
    """Every page of this blueprint is for staff and administrators."""


def _paris_day(day: date | None) -> datetime | None:
    """A calendar day is midnight in Paris, stored as UTC."""
    if day is None:
        return None
    return datetime.combine(day, time(0, 0), tzinfo=PARIS).astimezone(UTC)


def _paris_date(moment: datetime | None) -> date | None:
    return moment.astimezone(PARIS).date() if moment else None


@bp.route("/")
def dashboard():
    convention = services.current_convention()
    return render_template(
        "staff/dashboard.html",
        convention=convention,
        calendar=services.calendar(convention),
        member_count=services.count_members(convention),
    )


@bp.route("/convention", methods=["GET", "POST"])
def edit_convention():
    convention = services.current_convention()
    form = ConventionForm(obj=convention)
    if form.validate_on_submit():
        with attempt(form, "question") as outcome:
            services.update_convention(
                current_user,
                convention,
                title=filled(form.title),
                question=filled(form.question),
                description=form.description.data or "",
                authority=form.authority.data or "",
            )
        if outcome.ok:
            flash(_("La présentation de la convention est enregistrée."), "success")
            return redirect(url_for("staff.dashboard"))
    return render_template("staff/convention.html", form=form)


# --- calendar ------------------------------------------------------------------------------


@bp.route("/calendrier", methods=["GET", "POST"])
def edit_calendar():
    convention = services.current_convention()
    forms = {}
    for kind, phase in services.calendar(convention):
        data = (
            None
            if request.method == "POST"
            else {
                "starts_on": _paris_date(phase.starts_on if phase else None),
                "ends_on": _paris_date(phase.ends_on if phase else None),
            }
        )
        forms[kind] = PhaseDatesForm(prefix=kind.value, data=data, meta={"csrf": False})
    csrf_form = EmptyForm()
    if request.method == "POST" and csrf_form.validate_on_submit():
        if all(form.validate() for form in forms.values()):
            with attempt() as outcome:
                for kind, form in forms.items():
                    services.set_phase_dates(
                        current_user,
                        convention,
                        kind,
                        _paris_day(form.starts_on.data),
                        _paris_day(form.ends_on.data),
                    )
            if outcome.ok:
                flash(_("Le calendrier est enregistré."), "success")
                return redirect(url_for("staff.edit_calendar"))
        else:
            flash(
                _("Le calendrier n'a pas été enregistré : corrigez les dates signalées."), "error"
            )
    return render_template(
        "staff/calendar.html", forms=forms, csrf_form=csrf_form, convention=convention
    )


@bp.route("/phase-suivante", methods=["GET", "POST"])
def open_next_phase():
    """Opening a phase cannot be undone, so it has its own confirmation page."""
    convention = services.current_convention()
    upcoming = services.next_phase(convention)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            expected = PhaseKind(request.form.get("expected", ""))
        except ValueError:
            abort(400)
        with attempt() as outcome:
            phase = services.open_next_phase(current_user, convention, expected=expected)
        if outcome.ok:
            flash(_("La phase « %(phase)s » est ouverte.", phase=phase.kind.label), "success")
        return redirect(url_for("staff.dashboard"))
    return render_template(
        "staff/open_phase.html", convention=convention, upcoming=upcoming, form=form
    )


# --- themes --------------------------------------------------------------------------------


@bp.route("/themes", methods=["GET", "POST"])
def themes():
    convention = services.current_convention()
    form = ThemeForm()
    if form.validate_on_submit():
        with attempt(form, "name") as outcome:
            services.add_theme(
                current_user, convention, filled(form.name), form.description.data or ""
            )
        if outcome.ok:
            flash(_("Le thème « %(name)s » est ajouté.", name=filled(form.name).strip()), "success")
            return redirect(url_for("staff.themes"))
    return render_template(
        "staff/themes.html", convention=convention, form=form, delete_form=EmptyForm()
    )


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
def edit_theme(theme_id: int):
    theme = here_or_404(Theme, theme_id)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        with attempt(form, "name") as outcome:
            services.update_theme(
                current_user, theme, filled(form.name), form.description.data or ""
            )
        if outcome.ok:
            flash(_("Le thème est enregistré."), "success")
            return redirect(url_for("staff.themes"))
    return render_template("staff/theme_edit.html", theme=theme, form=form)


@bp.route("/themes/<int:theme_id>/supprimer", methods=["GET", "POST"])
def delete_theme(theme_id: int):
    theme = here_or_404(Theme, theme_id)
    form = EmptyForm()
    if form.validate_on_submit():
        name = theme.name
        with attempt() as outcome:
            services.delete_theme(current_user, theme)
        if outcome.ok:
            flash(_("Le thème « %(name)s » est supprimé.", name=name), "success")
        return redirect(url_for("staff.themes"))
    return render_template(
        "confirm.html",
        form=form,
        title=_("Supprimer le thème « %(name)s » ?", name=theme.name),
        warning=_("Cette suppression est définitive."),
        confirm_label=_("Supprimer définitivement"),
        cancel_url=url_for("staff.themes"),
    )


# --- working groups ------------------------------------------------------------------------


def _group_choices(form: GroupForm, convention) -> None:
    form.theme.choices = [(0, _("— Aucun —"))] + [(t.id, t.name) for t in convention.themes]
    form.facilitator.choices = [(0, _("— Aucun·e —"))] + [
        (u.id, u.display_name) for u in services.facilitators(convention)
    ]


def _group_form_values(form: GroupForm):
    theme = db.session.get(Theme, form.theme.data) if form.theme.data else None
    facilitator = db.session.get(User, form.facilitator.data) if form.facilitator.data else None
    return form.name.data, theme, facilitator


@bp.route("/groupes", methods=["GET", "POST"])
def groups():
    convention = services.current_convention()
    form = GroupForm()
    _group_choices(form, convention)
    if form.validate_on_submit():
        with attempt(form, "name") as outcome:
            services.add_group(current_user, convention, *_group_form_values(form))
        if outcome.ok:
            flash(_("Le groupe « %(name)s » est créé.", name=filled(form.name).strip()), "success")
            return redirect(url_for("staff.groups"))
    return render_template(
        "staff/groups.html", groups=services.groups_with_members(convention), form=form
    )


def _add_member_form(convention) -> AddMemberForm:
    form = AddMemberForm(prefix="add")
    form.user.choices = [(0, _("— Choisissez —"))] + [
        (u.id, f"{u.display_name} ({u.commune.name if u.commune else '—'})")
        for u in services.members_without_group(convention)
    ]
    return form


@bp.route("/groupes/<int:group_id>", methods=["GET", "POST"])
def edit_group(group_id: int):
    group = here_or_404(WorkingGroup, group_id)
    form = GroupForm(
        data={
            "name": group.name,
            "theme": group.theme_id or 0,
            "facilitator": group.facilitator_id or 0,
        }
    )
    _group_choices(form, group.convention)
    if form.validate_on_submit():
        with attempt(form, "name") as outcome:
            services.update_group(current_user, group, *_group_form_values(form))
        if outcome.ok:
            flash(_("Le groupe est enregistré."), "success")
            return redirect(url_for("staff.edit_group", group_id=group.id))
    return render_template(
        "staff/group_edit.html",
        group=group,
        form=form,
        add_form=_add_member_form(group.convention),
        remove_form=EmptyForm(),
    )


@bp.post("/groupes/<int:group_id>/ajouter")
def add_member(group_id: int):
    group = here_or_404(WorkingGroup, group_id)
    form = _add_member_form(group.convention)
    if form.validate_on_submit():
        user = db.get_or_404(User, form.user.data)
        with attempt() as outcome:
            services.add_member(current_user, group, user)
        if outcome.ok:
            flash(_("%(name)s rejoint le groupe.", name=user.display_name), "success")
    else:
        for message in form.user.errors:
            flash(message, "error")
    return redirect(url_for("staff.edit_group", group_id=group.id))


@bp.post("/groupes/<int:group_id>/retirer/<int:user_id>")
def remove_member(group_id: int, user_id: int):
    group = here_or_404(WorkingGroup, group_id)
    user = db.get_or_404(User, user_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.remove_member(current_user, group, user)
        if outcome.ok:
            flash(_("%(name)s a quitté le groupe.", name=user.display_name), "success")
    return redirect(url_for("staff.edit_group", group_id=group.id))


# --- hearings ------------------------------------------------------------------------------


def _hearing_values(form: HearingForm) -> dict:
    return {
        "title": form.title.data,
        "expert": form.expert.data,
        "expert_role": form.expert_role.data or "",
        "held_on": _paris_day(form.held_on.data),
        "summary": form.summary.data or "",
        "declared_interests": form.declared_interests.data or "",
        "documents": form.documents.data or "",
    }


@bp.route("/auditions", methods=["GET", "POST"])
@bp.route("/auditions/<int:hearing_id>", methods=["GET", "POST"])
def edit_hearing(hearing_id: int | None = None):
    convention = services.current_convention()
    hearing = here_or_404(Hearing, hearing_id) if hearing_id else None
    form = HearingForm(obj=hearing if request.method == "GET" else None)
    if request.method == "GET" and hearing:
        form.held_on.data = _paris_date(hearing.held_on)
    if form.validate_on_submit():
        with attempt(form, "title") as outcome:
            if hearing:
                hearings.update_hearing(current_user, hearing, **_hearing_values(form))
            else:
                hearing = hearings.publish_hearing(
                    current_user, convention, **_hearing_values(form)
                )
        if outcome.ok:
            flash(_("L'audition « %(title)s » est publiée.", title=hearing.title), "success")
            return redirect(url_for("staff.edit_hearing"))
    return render_template(
        "staff/hearings.html",
        form=form,
        hearing=hearing,
        hearings=hearings.published_hearings(convention),
    )


# --- audit log -----------------------------------------------------------------------------


def _journal_filter(convention_id: int) -> tuple[JournalFilterForm, JournalFilter]:
    """The filter the address asks for; a value that is not valid is shown with its error and
    left out, so a bad address still shows the journal."""
    form = JournalFilterForm(formdata=request.args, meta={"csrf": False})
    form.family.choices = [("", _("Toutes les actions")), *describe.families()]
    form.actor.choices = [("", _("Tout le monde"))] + [
        (str(user.id), user.display_name) for user in journal.actors(convention_id)
    ]
    if request.args:
        form.validate()

    def valid(field):
        return field.data if field.data and not field.errors else None

    actor = valid(form.actor)
    return form, JournalFilter(
        family=valid(form.family),
        actor_id=int(actor) if actor else None,
        since=valid(form.since),
        until=valid(form.until),
    )


@bp.route("/journal")
def audit_log():
    convention = services.current_convention()
    form, chosen = _journal_filter(convention.id)
    page = db.paginate(
        journal.entries(convention.id, chosen), page=page_arg(), per_page=50, error_out=False
    )
    rows = [(entry, describe.describe(entry)) for entry in page.items]
    # The filter as the address carries it, for the pagination and the export links.
    kept = {name: value for name, value in request.args.items() if name in form.data}
    return render_template("staff/audit_log.html", page=page, rows=rows, form=form, kept=kept)


@bp.route("/journal.csv")
def audit_log_csv():
    convention = services.current_convention()
    _form, chosen = _journal_filter(convention.id)
    found = list(db.session.scalars(journal.entries(convention.id, chosen)))
    return Response(
        journal.csv_text(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="journal-{convention.slug}.csv"'},
    )
