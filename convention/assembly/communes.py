"""The territory's communes, one list for the whole site: residents say where they live when
they register, and the draw's pool is read against it. Only administrators change it.

A commune's name is unique whatever its case ("Grabels" and "GRABELS" are one commune); its
population is a whole number, zero or more. A file of communes is read whole before anything
is written: one bad line refuses it all, with every problem and its line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from convention.assembly.services import require_administrator
from convention.audit.services import record
from convention.auth.models import Commune, User
from convention.errors import AlreadyExists, ConventionError, InvalidInput
from convention.extensions import db
from convention.i18n import sorted_by_name
from convention.params import CONTROL_CHARACTERS, DB_INT_MAX

#: The longest name the database keeps (`commune.name`).
NAME_MAX = 80


class CommuneProblems(InvalidInput):
    """The file of communes cannot be used; `problems` lists every bad line."""

    def __init__(self, problems: list[str]):
        super().__init__(
            _l("Le fichier n'a pas été importé : corrigez les lignes ci-dessous."), field="file"
        )
        self.problems = problems


class CommuneInUse(ConventionError):
    """Accounts still live in the commune: deleting it would leave them nowhere."""


@dataclass(frozen=True)
class CommuneRow:
    """A commune as its list shows it: with how many accounts say they live there."""

    commune: Commune
    residents: int


# --- reading -------------------------------------------------------------------------------


def communes_with_residents() -> list[CommuneRow]:
    """Every commune in dictionary order, with its number of accounts, in one query."""
    residents = func.count(User.id)
    rows = db.session.execute(
        select(Commune, residents)
        .outerjoin(User, User.commune_id == Commune.id)
        .group_by(Commune.id)
        .order_by(Commune.name)
    )
    return sorted_by_name(
        (CommuneRow(commune, count) for commune, count in rows), lambda row: row.commune.name
    )


def residents_of(commune: Commune) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.commune_id == commune.id)) or 0


def _key(name: str) -> str:
    """What two names share when they name the same commune (case and outer spaces aside)."""
    return " ".join(name.split()).casefold()


def _existing_names() -> dict[str, str]:
    return {_key(name): name for name in db.session.scalars(select(Commune.name))}


# --- checking one commune ------------------------------------------------------------------


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_l("Donnez le nom de la commune."), field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(_l("Le nom compte %(n)d caractères au plus.", n=NAME_MAX), field="name")
    if CONTROL_CHARACTERS.search(name):
        raise InvalidInput(
            _l("Le nom contient un caractère de contrôle invisible : retirez-le."), field="name"
        )
    return name


def _checked_population(text: str) -> int:
    text = text.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not text.isascii() or not text.isdigit() or int(text) > DB_INT_MAX:
        raise InvalidInput(
            _l("La population est un nombre entier, zéro ou plus (par exemple 6 921)."),
            field="population",
        )
    return int(text)


# --- writing -------------------------------------------------------------------------------


def add_commune(actor: User, name: str, population: int) -> Commune:
    """A commune joins the territory. Its name is not one already there, whatever its case."""
    require_administrator(actor)
    name = _checked_name(name)
    if population < 0 or population > DB_INT_MAX:
        raise InvalidInput(
            _l("La population est un nombre entier, zéro ou plus (par exemple 6 921)."),
            field="population",
        )
    existing = _existing_names().get(_key(name))
    if existing is not None:
        raise AlreadyExists(_l("La commune « %(name)s » existe déjà.", name=existing), field="name")
    commune = Commune(name=name, population=population)
    try:
        with db.session.begin_nested():
            db.session.add(commune)
            db.session.flush()
    except IntegrityError:
        # Added meanwhile by someone else, with the very same spelling.
        raise AlreadyExists(
            _l("La commune « %(name)s » existe déjà.", name=name), field="name"
        ) from None
    record(actor, "commune.create", commune, name=name, population=population)
    return commune


def _rows(data: bytes) -> list[list[str]]:
    """The file's rows: UTF-8 with or without a byte order mark, cells separated by commas or
    by semicolons (what a French spreadsheet writes), as its header line shows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CommuneProblems(
            [str(_l("Ligne %(line)d : le fichier n'est pas en UTF-8.", line=line))]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def import_communes(actor: User, data: bytes) -> int:
    """Add the communes of a `name,population` file. Every line is checked first; a bad line, a
    name given twice in the file or a commune that already exists refuses the whole file, and
    nothing is written. Returns how many communes were added."""
    require_administrator(actor)
    rows = _rows(data)
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header != ["name", "population"]:
        raise CommuneProblems(
            [str(_l("Ligne 1 : l'en-tête doit être exactement « name,population »."))]
        )
    existing = _existing_names()
    problems: list[str] = []
    found: list[tuple[str, int]] = []
    seen_at: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            problems.append(
                str(_l("Ligne %(line)d : deux colonnes attendues, name et population.", line=line))
            )
            continue
        try:
            name = _checked_name(row[0])
            population = _checked_population(row[1])
        except InvalidInput as error:
            problems.append(
                str(_l("Ligne %(line)d : %(problem)s", line=line, problem=error.message))
            )
            continue
        key = _key(name)
        if key in seen_at:
            problems.append(
                str(
                    _l(
                        "Ligne %(line)d : « %(name)s » figure déjà à la ligne %(first)d.",
                        line=line,
                        name=name,
                        first=seen_at[key],
                    )
                )
            )
            continue
        seen_at[key] = line
        if key in existing:
            problems.append(
                str(
                    _l(
                        "Ligne %(line)d : la commune « %(name)s » existe déjà.",
                        line=line,
                        name=existing[key],
                    )
                )
            )
            continue
        found.append((name, population))
    if problems:
        raise CommuneProblems(problems)
    if not found:
        raise CommuneProblems([str(_l("Le fichier ne contient aucune commune."))])
    try:
        with db.session.begin_nested():
            db.session.add_all(Commune(name=name, population=n) for name, n in found)
            db.session.flush()
    except IntegrityError:
        raise CommuneProblems(
            [str(_l("Une de ces communes vient d'être ajoutée par quelqu'un d'autre."))]
        ) from None
    record(actor, "commune.import", None, count=len(found), names=[name for name, _n in found])
    return len(found)


def delete_commune(actor: User, commune: Commune) -> None:
    """A commune where accounts live cannot be deleted: they would be left with none."""
    require_administrator(actor)
    residents = residents_of(commune)
    if residents:
        raise CommuneInUse(
            lazy_ngettext(
                "La commune « %(name)s » ne peut pas être supprimée : %(num)d compte y "
                "habite. Elle reste dans la liste.",
                "La commune « %(name)s » ne peut pas être supprimée : %(num)d comptes y "
                "habitent. Elle reste dans la liste.",
                residents,
                name=commune.name,
            )
        )
    record(actor, "commune.delete", commune, name=commune.name, population=commune.population)
    try:
        with db.session.begin_nested():
            db.session.delete(commune)
            db.session.flush()
    except IntegrityError:
        # Someone registered there meanwhile: the foreign key keeps the commune.
        raise CommuneInUse(
            _l("La commune « %(name)s » vient d'être choisie par un compte.", name=commune.name)
        ) from None
