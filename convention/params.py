"""What a person can put in an address, checked in one place.

An id in a path (`<int:…>`) is ASCII digits within the database's integer range, or the route
does not match (404). A number in a query string (`?page=`, `?theme=`) is read the same way, or
counts as absent. Text in a path or a query string carries no control character: PostgreSQL
cannot even compare a NUL byte. A `next` address is a path on this site.
"""

from __future__ import annotations

import re
from typing import overload
from urllib.parse import urlsplit

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, UnicodeConverter
from werkzeug.routing.map import Map

#: The largest value of PostgreSQL's `integer`, the type of every id and number column.
DB_INT_MAX = 2**31 - 1
#: What no text typed by a person contains: C0 controls except tab, line feed and carriage
#: return, DEL, and C1 controls.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: In an address, even tab, line feed and carriage return are out (a header cannot hold them).
_ADDRESS_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def parse_int(text: str | None, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int | None:
    """`text` as a whole number when it is ASCII digits between `minimum` and `maximum`,
    else None. `str.isdigit` alone lets through "²" (which `int` refuses) and "١" (which it
    reads as 1), and `int` refuses more than 4300 digits."""
    if not text or not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(maximum)):
        return None
    value = int(digits)
    return value if minimum <= value <= maximum else None


@overload
def int_arg(name: str, default: int, *, minimum: int = 1, maximum: int = DB_INT_MAX) -> int: ...
@overload
def int_arg(
    name: str, default: None = None, *, minimum: int = 1, maximum: int = DB_INT_MAX
) -> int | None: ...
def int_arg(
    name: str, default: int | None = None, *, minimum: int = 1, maximum: int = DB_INT_MAX
) -> int | None:
    """The query argument `name` as a whole number (see `parse_int`); `default` when it is
    absent or not such a number, as if the address did not carry it."""
    value = parse_int(request.args.get(name), minimum=minimum, maximum=maximum)
    return default if value is None else value


def page_arg() -> int:
    """The page of a paginated list (`?page=`); the first page for anything else. Pass it to
    `db.paginate(page=…)`, which otherwise reads `page` itself and accepts any size."""
    return int_arg("page", 1) or 1


def same_site_path(target: str | None) -> str | None:
    """`target` when it is a path on this site ("/recommandations?page=2"), else None: never
    another host ("//host", "/\\host", which browsers read as "//host", "https://…"), never a
    control character (CR and LF would split the Location header)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or _ADDRESS_CONTROLS.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


class DatabaseIntConverter(IntegerConverter):
    """`<int:…>`: ASCII digits only (`\\d` would match "١"), from 1 to `DB_INT_MAX` unless the
    route says otherwise; a value outside does not match, so the answer is 404."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 1,  # noqa: A002
        max: int | None = DB_INT_MAX,
        signed: bool = False,
    ) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<name>`: one path segment without control characters."""

    def __init__(
        self, map: Map, minlength: int = 1, maxlength: int | None = None, length: int | None = None
    ) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f-\x9f]", 1)


def _refuse_control_characters_in_query() -> None:
    for key, value in request.args.items(multi=True):
        if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
            abort(400)


def init_app(app: Flask) -> None:
    """Install the converters; call it before any route is registered (a rule keeps the
    converter it was bound with)."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.before_request(_refuse_control_characters_in_query)
