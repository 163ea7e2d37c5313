"""Rules for setting up and running a convention.

Every change is made by a staff member (or an administrator), given explicitly as `actor`, and is
written to the audit log in the same transaction.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from convention import scope
from convention.assembly.models import (
    Convention,
    GroupMembership,
    Phase,
    PhaseKind,
    Theme,
    WorkingGroup,
)
from convention.audit.services import record
from convention.auth import roles
from convention.auth.models import CONVENTION_ROLES, Role, User
from convention.clock import utcnow
from convention.errors import AlreadyExists, ConventionError, InvalidInput, NotAllowed
from convention.extensions import db


class NoConvention(ConventionError):
    """The site has no convention yet: every page that shows one says what to do instead."""

    message = _l("Aucune convention n'est encore configurée.")
    status = 404
    template = "assembly/empty.html"


class LastPhase(ConventionError):
    message = _l("La convention est déjà dans sa dernière phase.")


def require_manager(actor: User | None, convention_id: int) -> None:
    """Staff of that convention, or an administrator."""
    if actor is None or not actor.manages(convention_id):
        raise NotAllowed()


def require_administrator(actor: User | None) -> None:
    if actor is None or not actor.is_admin:
        raise NotAllowed()


SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "theme"


# --- reading -------------------------------------------------------------------------------


class UnknownConvention(ConventionError):
    message = _l("Aucune convention n'a cette adresse.")
    status = 404


def current_convention() -> Convention:
    """The convention whose address (`/c/<slug>/…`) is being served (read once per request)."""
    found = g.get("convention")
    if found is None:
        slug = scope.current_slug()
        if slug is None:
            raise NoConvention()
        found = serve(slug)
    return found


def serve(slug: str) -> Convention:
    """Serve the convention `slug` for the rest of the request: its pages, its roles. None has
    that address: 404, saying what to do on a site with no convention yet."""
    found = convention_by_slug(slug)
    if found is None:
        raise NoConvention() if oldest_convention() is None else UnknownConvention()
    enter_convention(found)
    return found


def convention_by_slug(slug: str) -> Convention | None:
    return db.session.scalar(select(Convention).where(Convention.slug == slug))


def enter_convention(convention: Convention) -> None:
    """Serve `convention` for the rest of the request (or command): its pages, its roles."""
    g.convention = convention
    scope.enter(convention.slug, convention.id)


def all_conventions() -> list[Convention]:
    """Every convention of the site: the current ones first (newest first), then the past ones
    (those in their follow-up), newest first."""
    found = list(db.session.scalars(select(Convention).order_by(Convention.id.desc())))
    return sorted(found, key=lambda c: c.is_past)


def oldest_convention() -> Convention | None:
    """The first convention created: until a site could host several, the only one, so the
    one the addresses published then belong to."""
    return db.session.scalar(select(Convention).order_by(Convention.id).limit(1))


def groups_with_members(convention: Convention) -> list[WorkingGroup]:
    """Working groups with their theme, facilitator and members, loaded in a fixed number of
    queries whatever the size of the convention."""
    return list(
        db.session.scalars(
            select(WorkingGroup)
            .where(WorkingGroup.convention_id == convention.id)
            .options(
                selectinload(WorkingGroup.theme),
                selectinload(WorkingGroup.facilitator),
                selectinload(WorkingGroup.memberships)
                .selectinload(GroupMembership.user)
                .selectinload(User.commune),
            )
            .order_by(WorkingGroup.name)
        )
    )


def members_without_group(convention: Convention) -> list[User]:
    in_group = select(GroupMembership.user_id).where(GroupMembership.convention_id == convention.id)
    return list(
        db.session.scalars(
            roles.holders(convention.id, Role.MEMBER)
            .where(User.id.not_in(in_group))
            .options(selectinload(User.commune))
        )
    )


def members_of(convention: Convention) -> list[User]:
    """The convention's members (people drawn who accepted), by name."""
    return roles.people_with_role(convention.id, Role.MEMBER)


def facilitators(convention: Convention) -> list[User]:
    return roles.people_with_role(convention.id, Role.FACILITATOR)


def guarantors(convention: Convention) -> list[User]:
    return roles.people_with_role(convention.id, Role.GUARANTOR)


def people_in_role(convention: Convention, role: Role) -> list[User]:
    return roles.people_with_role(convention.id, role)


def calendar(convention: Convention) -> list[tuple[PhaseKind, Phase | None]]:
    """Every phase in order, with its planned dates when set."""
    by_kind = {p.kind: p for p in convention.phases}
    return [(kind, by_kind.get(kind)) for kind in PhaseKind]


def next_phase(convention: Convention) -> tuple[PhaseKind, Phase | None] | None:
    kind = convention.current_phase.next
    return (kind, convention.phase(kind)) if kind else None


# --- the convention ------------------------------------------------------------------------


def create_convention(
    actor: User | None,
    *,
    slug: str,
    title: str,
    question: str,
    description: str = "",
    authority: str = "",
) -> Convention:
    """A new convention starts in recruitment, with every phase of the calendar undated. Only
    an administrator creates one; its slug (its address) is unique on the site."""
    if actor is not None:
        require_administrator(actor)
    convention = Convention(
        slug=slug,
        title=title.strip(),
        question=question.strip(),
        description=description.strip(),
        authority=authority.strip(),
        current_phase=PhaseKind.RECRUITMENT,
    )
    opened_at = utcnow()
    convention.phases = [
        Phase(kind=kind, opened_at=opened_at if kind == PhaseKind.RECRUITMENT else None)
        for kind in PhaseKind
    ]
    if not SLUG_PATTERN.fullmatch(slug):
        raise InvalidInput(
            _l(
                "L'adresse ne peut contenir que des lettres minuscules, des chiffres et des tirets."
            ),
            field="slug",
        )
    try:
        with db.session.begin_nested():
            db.session.add(convention)
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(
            _l("Une convention a déjà l'adresse « %(slug)s ».", slug=slug), field="slug"
        ) from None
    record(actor, "convention.create", convention, title=title)
    return convention


def update_convention(
    actor: User,
    convention: Convention,
    *,
    title: str,
    question: str,
    description: str,
    authority: str,
) -> Convention:
    require_manager(actor, convention.id)
    if not question.strip():
        raise InvalidInput(_l("La question ne peut pas être vide."), field="question")
    before = {"title": convention.title, "question": convention.question}
    convention.title = title.strip()
    convention.question = question.strip()
    convention.description = description.strip()
    convention.authority = authority.strip()
    record(
        actor,
        "convention.update",
        convention,
        before=before,
        after={"title": convention.title, "question": convention.question},
    )
    return convention


def set_phase_dates(
    actor: User,
    convention: Convention,
    kind: PhaseKind,
    starts_on: datetime | None,
    ends_on: datetime | None,
) -> Phase:
    """Plan a phase; it may not end before it starts."""
    require_manager(actor, convention.id)
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(
            _l("La phase « %(phase)s » ne peut pas finir avant de commencer.", phase=kind.label),
            field="ends_on",
        )
    phase = convention.phase(kind)
    if phase is None:
        phase = Phase(kind=kind)
        convention.phases.append(phase)
    phase.starts_on, phase.ends_on = starts_on, ends_on
    record(actor, "phase.plan", phase, kind=kind, starts_on=starts_on, ends_on=ends_on)
    return phase


def open_next_phase(actor: User, convention: Convention, *, expected: PhaseKind) -> Phase:
    """Move the convention to the phase after `expected`.

    `expected` is the phase the staff member saw when confirming; if someone else has moved the
    convention on meanwhile, nothing happens, so a double submit cannot skip a phase.
    """
    require_manager(actor, convention.id)
    if convention.current_phase != expected:
        raise ConventionError(
            _l(
                "La convention n'est plus dans la phase « %(phase)s » : la page était périmée.",
                phase=expected.label,
            )
        )
    following = convention.current_phase.next
    if following is None:
        raise LastPhase()
    phase = convention.phase(following)
    if phase is None:
        phase = Phase(kind=following)
        convention.phases.append(phase)
    phase.opened_at = utcnow()
    convention.current_phase = following
    record(actor, "phase.open", phase, previous=expected, opened=following)
    return phase


# --- themes --------------------------------------------------------------------------------


def add_theme(
    actor: User | None, convention: Convention, name: str, description: str = ""
) -> Theme:
    if actor is not None:
        require_manager(actor, convention.id)
    name = name.strip()
    if not name:
        raise InvalidInput(_l("Donnez un nom au thème."), field="name")
    position = len(convention.themes)
    theme = Theme(name=name, slug=slugify(name), description=description.strip(), position=position)
    try:
        with db.session.begin_nested():
            convention.themes.append(theme)
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(_l("Un thème porte déjà ce nom."), field="name") from None
    record(actor, "theme.create", theme, name=name)
    return theme


def update_theme(actor: User, theme: Theme, name: str, description: str) -> Theme:
    require_manager(actor, theme.convention_id)
    name = name.strip()
    if not name:
        raise InvalidInput(_l("Donnez un nom au thème."), field="name")
    before = theme.name
    theme.name, theme.description = name, description.strip()
    record(actor, "theme.update", theme, before=before, after=name)
    return theme


def delete_theme(actor: User, theme: Theme) -> None:
    """A theme still used by a working group cannot be deleted."""
    require_manager(actor, theme.convention_id)
    if theme.working_groups:
        raise ConventionError(
            _l(
                "Le thème « %(name)s » est utilisé par un groupe de travail ; "
                "changez d'abord le thème de ce groupe.",
                name=theme.name,
            )
        )
    record(actor, "theme.delete", theme, name=theme.name)
    db.session.delete(theme)


# --- working groups ------------------------------------------------------------------------


def add_group(
    actor: User | None,
    convention: Convention,
    name: str,
    theme: Theme | None,
    facilitator: User | None = None,
) -> WorkingGroup:
    if actor is not None:
        require_manager(actor, convention.id)
    name = name.strip()
    if not name:
        raise InvalidInput(_l("Donnez un nom au groupe."), field="name")
    _check_facilitator(facilitator, convention.id)
    group = WorkingGroup(name=name, facilitator=facilitator)
    try:
        with db.session.begin_nested():
            convention.working_groups.append(group)
            group.theme = theme
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(_l("Un groupe porte déjà ce nom."), field="name") from None
    record(actor, "group.create", group, name=name)
    return group


def update_group(
    actor: User, group: WorkingGroup, name: str, theme: Theme | None, facilitator: User | None
) -> WorkingGroup:
    require_manager(actor, group.convention_id)
    if not name.strip():
        raise InvalidInput(_l("Donnez un nom au groupe."), field="name")
    _check_facilitator(facilitator, group.convention_id)
    group.name, group.theme, group.facilitator = name.strip(), theme, facilitator
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(_l("Un groupe porte déjà ce nom."), field="name") from None
    record(
        actor,
        "group.update",
        group,
        name=group.name,
        theme=theme.name if theme else None,
        facilitator=facilitator.id if facilitator else None,
    )
    return group


def _check_facilitator(user: User | None, convention_id: int) -> None:
    if user is not None and user.role_in(convention_id) != Role.FACILITATOR:
        raise InvalidInput(_l("Cette personne n'est pas animatrice."), field="facilitator")


def add_member(actor: User | None, group: WorkingGroup, user: User) -> GroupMembership:
    """A member sits in one working group only (a database constraint)."""
    if actor is not None:
        require_manager(actor, group.convention_id)
    if user.role_in(group.convention_id) != Role.MEMBER:
        raise InvalidInput(
            _l("Seuls les membres tirés au sort peuvent rejoindre un groupe."), field="user"
        )
    membership = GroupMembership(convention_id=group.convention_id, user=user)
    try:
        with db.session.begin_nested():
            group.memberships.append(membership)
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(
            _l("%(name)s fait déjà partie d'un groupe de travail.", name=user.display_name),
            field="user",
        ) from None
    record(actor, "group.add_member", group, user_id=user.id)
    return membership


def remove_member(actor: User, group: WorkingGroup, user: User) -> None:
    require_manager(actor, group.convention_id)
    membership = next((m for m in group.memberships if m.user_id == user.id), None)
    if membership is None:
        raise InvalidInput(_l("Cette personne ne fait pas partie du groupe."), field="user")
    group.memberships.remove(membership)
    record(actor, "group.remove_member", group, user_id=user.id)


def appoint(actor: User | None, convention: Convention, user: User, role: Role) -> None:
    """Give `user` a role in the convention (member, facilitator, guarantor, staff), replacing
    the one they had there. Staff of the convention and administrators appoint; `actor` None is
    the platform itself (the demo, an accepted invitation)."""
    if actor is not None:
        require_manager(actor, convention.id)
    if role not in CONVENTION_ROLES:
        raise InvalidInput(_l("Ce rôle ne se donne pas dans une convention."), field="role")
    before = user.role_in(convention.id)
    roles.grant_role(user, convention.id, role)
    record(
        actor,
        "convention.appoint",
        convention,
        user_id=user.id,
        role=role.value,
        before=before.value,
    )


def dismiss(actor: User, convention: Convention, user: User) -> None:
    """`user` is a citizen again in the convention (a member also leaves their group)."""
    require_manager(actor, convention.id)
    if user.id == actor.id:
        raise InvalidInput(
            _l("Vous ne pouvez pas retirer votre propre rôle : demandez-le à une autre personne."),
            field="user",
        )
    before = user.role_in(convention.id)
    if before not in CONVENTION_ROLES:
        raise InvalidInput(_l("Cette personne n'a pas de rôle dans la convention."), field="user")
    for membership in db.session.scalars(
        select(GroupMembership).where(
            GroupMembership.convention_id == convention.id, GroupMembership.user_id == user.id
        )
    ):
        db.session.delete(membership)
    roles.revoke_role(user, convention.id)
    record(actor, "convention.dismiss", convention, user_id=user.id, before=before.value)


def count_members(convention: Convention) -> int:
    return (
        db.session.scalar(
            select(func.count(GroupMembership.id)).where(
                GroupMembership.convention_id == convention.id
            )
        )
        or 0
    )
