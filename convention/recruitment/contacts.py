"""The private emails of the people drawn, given by staff after the draw one by one or as a
`person_id,email` file. They serve the invitations only: no public page and no published file
(panels list, pseudonyms) ever shows them."""

from __future__ import annotations

import csv
import io

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from convention.assembly.services import require_manager
from convention.audit.services import record
from convention.auth.models import User
from convention.auth.services import normalise_email
from convention.errors import AlreadyExists, ConventionError, InvalidInput
from convention.extensions import db
from convention.params import CONTROL_CHARACTERS
from convention.recruitment.models import Invitation, InvitationStatus, SortitionRun


class ContactProblems(InvalidInput):
    """The contact file cannot be used; `problems` lists every bad line."""

    def __init__(self, problems: list[str]):
        super().__init__(
            _l("Le fichier n'a pas été importé : corrigez les lignes ci-dessous."), field="file"
        )
        self.problems = problems


def _checked_email(text: str) -> str | None:
    """The address in its stored form, or None when it is not one."""
    text = text.strip()
    if not text or len(text) > 254 or CONTROL_CHARACTERS.search(text):
        return None
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None
    return normalise_email(text)


def set_email(actor: User, invitation: Invitation, email: str) -> Invitation:
    """Give (or correct) the email of a person drawn, before they answer. One address per
    person of a run: the database decides."""
    require_manager(actor, invitation.run.convention_id)
    if invitation.status != InvitationStatus.INVITED:
        raise ConventionError(_l("Cette personne a déjà répondu."))
    checked = _checked_email(email)
    if checked is None:
        raise InvalidInput(_l("Saisissez une adresse électronique valide."), field="email")
    try:
        with db.session.begin_nested():
            invitation.email = checked
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(
            _l("Cette adresse est déjà celle d'une autre personne tirée."), field="email"
        ) from None
    record(actor, "sortition.contact", invitation.run, person=invitation.person_id)
    return invitation


def import_contacts(actor: User, run: SortitionRun, data: bytes) -> int:
    """Read a `person_id,email` file for the people drawn in `run`. Every line is checked
    before anything is written: one bad line refuses the whole file, with every problem and its
    line number. People not in the file keep the email they had. Returns how many were set."""
    require_manager(actor, run.convention_id)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContactProblems(
            [str(_l("Ligne %(line)d : le fichier n'est pas en UTF-8.", line=line))]
        ) from None
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header != ["person_id", "email"]:
        raise ContactProblems(
            [str(_l("Ligne 1 : l'en-tête doit être exactement « person_id,email »."))]
        )
    by_person = {i.person_id: i for i in run.invitations}
    problems: list[str] = []
    chosen: dict[str, str] = {}
    seen_at: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            problems.append(
                str(_l("Ligne %(line)d : deux colonnes attendues, person_id et email.", line=line))
            )
            continue
        person, address = row[0].strip(), row[1]
        invitation = by_person.get(person)
        email = _checked_email(address)
        if invitation is None:
            problems.append(
                str(
                    _l(
                        "Ligne %(line)d : « %(person)s » n'est pas une personne tirée dans "
                        "cette sélection.",
                        line=line,
                        person=person[:100],
                    )
                )
            )
        elif person in chosen:
            problems.append(
                str(
                    _l(
                        "Ligne %(line)d : « %(person)s » apparaît deux fois.",
                        line=line,
                        person=person,
                    )
                )
            )
        elif invitation.status != InvitationStatus.INVITED:
            problems.append(
                str(
                    _l(
                        "Ligne %(line)d : « %(person)s » a déjà répondu.",
                        line=line,
                        person=person,
                    )
                )
            )
        if email is None:
            problems.append(
                str(_l("Ligne %(line)d : l'adresse électronique n'est pas valide.", line=line))
            )
        elif email in seen_at:
            problems.append(
                str(
                    _l(
                        "Ligne %(line)d : cette adresse figure déjà à la ligne %(first)d.",
                        line=line,
                        first=seen_at[email],
                    )
                )
            )
        if email is not None:
            seen_at.setdefault(email, line)
        if invitation is not None and email is not None:
            chosen.setdefault(person, email)
    if not problems:
        kept = {
            i.email: i.person_id for i in run.invitations if i.email and i.person_id not in chosen
        }
        for email in chosen.values():
            if email in kept:
                problems.append(
                    str(
                        _l(
                            "Ligne %(line)d : cette adresse est déjà celle de « %(other)s ».",
                            line=seen_at[email],
                            other=kept[email],
                        )
                    )
                )
    if not chosen and not problems:
        problems.append(str(_l("Le fichier ne contient aucune ligne après l'en-tête.")))
    if problems:
        raise ContactProblems(problems)
    # Addresses may move from one person to another: clear them first, so the database's
    # uniqueness holds at every step.
    for person in chosen:
        by_person[person].email = None
    db.session.flush()
    for person, email in chosen.items():
        by_person[person].email = email
    db.session.flush()
    record(actor, "sortition.contacts_import", run, people=len(chosen))
    return len(chosen)
