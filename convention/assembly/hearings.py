"""Publishing hearings: staff record who was heard, when, what they said and their interests."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from convention.assembly.models import Convention, Hearing
from convention.assembly.services import require_manager, slugify
from convention.audit.services import record
from convention.auth.models import User
from convention.clock import utcnow
from convention.errors import InvalidInput
from convention.extensions import db


def _validate(title: str, expert: str, held_on: datetime | None, documents: str) -> None:
    if not title.strip():
        raise InvalidInput(_l("Donnez un titre à l'audition."), field="title")
    if not expert.strip():
        raise InvalidInput(_l("Indiquez la personne auditionnée."), field="expert")
    if held_on is None:
        raise InvalidInput(_l("Indiquez la date de l'audition."), field="held_on")
    for line in documents.splitlines():
        url = line.rpartition("|")[2].strip()
        if url and not url.startswith(("https://", "http://", "/")):
            raise InvalidInput(
                _l(
                    "Chaque document doit être une adresse web (http:// ou https://) : "
                    "« %(line)s ».",
                    line=line.strip(),
                ),
                field="documents",
            )


def publish_hearing(
    actor: User,
    convention: Convention,
    *,
    title: str,
    expert: str,
    expert_role: str,
    held_on: datetime,
    summary: str,
    declared_interests: str,
    documents: str,
) -> Hearing:
    require_manager(actor, convention.id)
    _validate(title, expert, held_on, documents)
    base = slugify(title)[:70]
    taken = set(
        db.session.scalars(
            select(Hearing.slug).where(
                Hearing.convention_id == convention.id, Hearing.slug.like(f"{base}%")
            )
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    hearing = Hearing(
        convention_id=convention.id,
        slug=slug,
        title=title.strip(),
        expert=expert.strip(),
        expert_role=expert_role.strip(),
        held_on=held_on,
        summary=summary.strip(),
        declared_interests=declared_interests.strip(),
        documents=documents.strip(),
        published_at=utcnow(),
    )
    db.session.add(hearing)
    record(actor, "hearing.publish", hearing, title=hearing.title)
    return hearing


def update_hearing(actor: User, hearing: Hearing, **values) -> Hearing:
    require_manager(actor, hearing.convention_id)
    _validate(values["title"], values["expert"], values["held_on"], values["documents"])
    for name, value in values.items():
        setattr(hearing, name, value.strip() if isinstance(value, str) else value)
    record(actor, "hearing.update", hearing, title=hearing.title)
    return hearing


def published_hearings(convention: Convention) -> list[Hearing]:
    return list(
        db.session.scalars(
            select(Hearing)
            .where(Hearing.convention_id == convention.id, Hearing.published_at.is_not(None))
            .order_by(Hearing.held_on)
        )
    )


def published_by_slug(convention: Convention, slug: str) -> Hearing | None:
    return db.session.scalar(
        select(Hearing).where(
            Hearing.convention_id == convention.id,
            Hearing.slug == slug,
            Hearing.published_at.is_not(None),
        )
    )
