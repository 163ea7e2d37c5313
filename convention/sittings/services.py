"""Rules for the convention's sessions, their agenda, attendance and the daily allowance.

Staff of the convention (or an administrator), given explicitly as `actor`, make every change;
each is written to the audit log in the same transaction. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from convention.assembly.models import Convention, Hearing, WorkingGroup
from convention.assembly.services import members_of, require_manager
from convention.audit.services import record
from convention.auth.models import User
from convention.clock import utcnow
from convention.errors import ConventionError, InvalidInput
from convention.extensions import db
from convention.params import DB_INT_MAX
from convention.sittings import allowances
from convention.sittings.models import (
    AgendaItem,
    AllowanceRule,
    Attendance,
    AttendanceStatus,
    Sitting,
)


class AttendanceChanged(ConventionError):
    """Two people saved the same session's attendance at the same moment."""

    message = _l(
        "Quelqu'un d'autre vient d'enregistrer les présences de cette séance : "
        "rechargez la page et recommencez."
    )


# --- sessions ------------------------------------------------------------------------------


def _checked_session(title: str, starts_on: date | None, ends_on: date | None) -> str:
    title = title.strip()
    if not title:
        raise InvalidInput(_l("Donnez un titre à la séance."), field="title")
    if starts_on is None:
        raise InvalidInput(_l("Indiquez le premier jour de la séance."), field="starts_on")
    try:
        allowances.session_days(starts_on, ends_on)
    except allowances.AllowanceError:
        raise InvalidInput(
            _l("Le dernier jour ne peut pas précéder le premier."), field="ends_on"
        ) from None
    return title


def create_sitting(
    actor: User,
    convention: Convention,
    *,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    place: str = "",
) -> Sitting:
    """A session lasts from `starts_on` to `ends_on` included (the same day when empty)."""
    require_manager(actor, convention.id)
    title = _checked_session(title, starts_on, ends_on)
    sitting = Sitting(
        convention_id=convention.id,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on if ends_on != starts_on else None,
        place=place.strip(),
    )
    db.session.add(sitting)
    record(actor, "sitting.create", sitting, title=title, starts_on=starts_on, ends_on=ends_on)
    return sitting


def update_sitting(
    actor: User,
    sitting: Sitting,
    *,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    place: str = "",
) -> Sitting:
    """Changing a session's dates changes what every member present there is paid."""
    require_manager(actor, sitting.convention_id)
    title = _checked_session(title, starts_on, ends_on)
    before = {"title": sitting.title, "starts_on": sitting.starts_on, "ends_on": sitting.ends_on}
    sitting.title, sitting.place = title, place.strip()
    sitting.starts_on = starts_on
    sitting.ends_on = ends_on if ends_on != starts_on else None
    record(
        actor,
        "sitting.update",
        sitting,
        before={k: v.isoformat() if isinstance(v, date) else v for k, v in before.items()},
        title=title,
        starts_on=starts_on,
        ends_on=sitting.ends_on,
    )
    return sitting


def delete_sitting(actor: User, sitting: Sitting) -> None:
    """Deleting a session deletes its agenda and its attendance, so what its members present
    were owed for it."""
    require_manager(actor, sitting.convention_id)
    record(
        actor,
        "sitting.delete",
        sitting,
        title=sitting.title,
        starts_on=sitting.starts_on,
        agenda_items=len(sitting.agenda),
        attendances=len(sitting.attendances),
    )
    db.session.delete(sitting)


# --- agenda --------------------------------------------------------------------------------


def _linked(sitting: Sitting, model: type, found_id: int | None, field: str, message):
    """The hearing or working group `found_id` when it belongs to the session's convention."""
    if found_id is None:
        return None
    found = db.session.get(model, found_id)
    if found is None or found.convention_id != sitting.convention_id:
        raise InvalidInput(message, field=field)
    return found


def add_agenda_item(
    actor: User,
    sitting: Sitting,
    *,
    title: str,
    hearing_id: int | None = None,
    group_id: int | None = None,
) -> AgendaItem:
    """A point goes to the end of the agenda; the hearing or working group it is about must
    be one of the same convention."""
    require_manager(actor, sitting.convention_id)
    title = title.strip()
    if not title:
        raise InvalidInput(_l("Donnez un intitulé au point de l'ordre du jour."), field="title")
    hearing = _linked(
        sitting, Hearing, hearing_id, "hearing", _l("Cette audition n'existe pas ici.")
    )
    group = _linked(
        sitting, WorkingGroup, group_id, "group", _l("Ce groupe de travail n'existe pas ici.")
    )
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.sitting_id == sitting.id)
    )
    item = AgendaItem(
        title=title, position=0 if last is None else last + 1, hearing=hearing, group=group
    )
    sitting.agenda.append(item)
    record(actor, "sitting.agenda_add", sitting, title=title, hearing=hearing_id, group=group_id)
    return item


def remove_agenda_item(actor: User, item: AgendaItem) -> None:
    sitting = item.sitting
    require_manager(actor, sitting.convention_id)
    record(actor, "sitting.agenda_remove", sitting, title=item.title)
    sitting.agenda.remove(item)


def move_agenda_item(actor: User, item: AgendaItem, offset: int) -> AgendaItem:
    """Swap a point with the one before it (`offset` -1) or after it (+1); at either end of
    the agenda nothing moves."""
    sitting = item.sitting
    require_manager(actor, sitting.convention_id)
    if offset not in (-1, 1):
        raise InvalidInput(_l("Un point ne se déplace que d'un rang à la fois."))
    agenda = sorted(sitting.agenda, key=lambda found: found.position)
    index = agenda.index(item) + offset
    if not 0 <= index < len(agenda):
        return item
    other = agenda[index]
    mine, theirs = item.position, other.position
    # One position per session is a constraint checked row by row: park this point past the
    # end while the other one takes its place.
    item.position = agenda[-1].position + 1
    db.session.flush()
    other.position = mine
    db.session.flush()
    item.position = theirs
    sitting.agenda.sort(key=lambda found: found.position)  # the list as loaded, in its new order
    record(actor, "sitting.agenda_move", sitting, title=item.title, offset=offset)
    return item


# --- attendance ----------------------------------------------------------------------------


def record_attendance(
    actor: User, sitting: Sitting, statuses: Mapping[int, str]
) -> list[Attendance]:
    """Record at once, for members of the session's convention given by id, whether they were
    present, excused or absent. A member left out keeps what was recorded before; a person who
    is not a member of the convention is refused, and so is an unknown status. Returns the
    records that changed."""
    require_manager(actor, sitting.convention_id)
    convention = db.session.get(Convention, sitting.convention_id)
    assert convention is not None  # the foreign key says so
    member_ids = {member.id for member in members_of(convention)}
    if set(statuses) - member_ids:
        raise InvalidInput(_l("Seuls les membres de la convention ont une présence à enregistrer."))
    try:
        wanted = {user_id: AttendanceStatus(status) for user_id, status in statuses.items()}
    except ValueError:
        raise InvalidInput(
            _l("Choisissez présent·e, excusé·e ou absent·e pour chaque membre.")
        ) from None
    existing = {found.user_id: found for found in sitting.attendances}
    changed = []
    for user_id, status in sorted(wanted.items()):
        found = existing.get(user_id)
        if found is None:
            found = Attendance(user_id=user_id, status=status, recorded_by=actor)
            sitting.attendances.append(found)
        elif found.status == status:
            continue
        else:
            found.status, found.recorded_by = status, actor
            found.recorded_at = utcnow()
        changed.append(found)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise AttendanceChanged() from None
    if changed:
        record(
            actor,
            "sitting.attendance",
            sitting,
            changes={str(found.user_id): found.status.value for found in changed},
        )
    return changed


# --- allowance -----------------------------------------------------------------------------


def set_daily_allowance(actor: User, convention: Convention, daily_cents: int) -> AllowanceRule:
    """The convention pays `daily_cents` for every day of a session a member attended as
    present; the amount applies to every session, past ones included."""
    require_manager(actor, convention.id)
    try:
        allowances.allowance_cents(0, daily_cents)
    except allowances.AllowanceError:
        raise InvalidInput(
            _l("L'indemnité journalière ne peut pas être négative."), field="daily_amount"
        ) from None
    if daily_cents > DB_INT_MAX:
        raise InvalidInput(_l("Ce montant est bien trop grand."), field="daily_amount")
    rule = db.session.scalar(
        select(AllowanceRule).where(AllowanceRule.convention_id == convention.id)
    )
    before = rule.daily_cents if rule is not None else None
    if rule is None:
        rule = AllowanceRule(convention_id=convention.id, daily_cents=daily_cents)
        db.session.add(rule)
    rule.daily_cents = daily_cents
    record(actor, "sitting.allowance", convention, before=before, daily_cents=daily_cents)
    return rule
