"""Language choice: French by default, English on request; dates in Europe/Paris; numbers,
dates and sorted names as each language writes them, from the locale's own data (CLDR through
Babel, collation through ICU) rather than string tricks."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from typing import Literal, TypeVar, cast

from babel import Locale, dates
from flask import (
    Blueprint,
    Response,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    get_locale,
    to_user_timezone,
)
from flask_babel import gettext as _
from icu import Collator
from icu import Locale as IcuLocale

from convention.params import same_site_path
from convention.typography import french_html

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if has_request_context() else None
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def site_language() -> Iterator[None]:
    """For what one person writes for others (the report, emails and notifications to other
    people): the site's language, French, rather than the language the author reads the site
    in. People have no stored language, so what reaches them is in the site's."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


@bp.route("/langue/<code>")
def set_language(code: str):
    """A plain link switches the language, so it works without JavaScript."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(same_site_path(request.args.get("next")) or url_for("site.home"))


T = TypeVar("T")
_Named = Literal["short", "medium", "long", "full"]
_NAMED = ("short", "medium", "long", "full")


def _locale() -> Locale:
    return get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])


def _date_pattern(value: date | datetime, fmt: str) -> str:
    locale = _locale()
    pattern = dates.get_date_format(cast(_Named, fmt), locale).pattern if fmt in _NAMED else fmt
    day = to_user_timezone(value).day if isinstance(value, datetime) else value.day
    if locale.language == "fr" and day == 1 and fmt not in ("short", "medium"):
        # French writes the first of the month as an ordinal, « 1er juin »; CLDR has no pattern
        # for it, so the day field of the locale's own pattern gets the suffix.
        pattern = re.sub(r"(?<![d'])d(?![d'])", "d'er'", pattern, count=1)
    return pattern


@bp.after_app_request
def typeset_french_pages(response: Response) -> Response:
    """Pages served in French get French spacing (convention/typography.py)."""
    if (
        response.mimetype == "text/html"
        and not response.direct_passthrough
        and not response.is_streamed
        and _locale().language == "fr"
    ):
        response.set_data(french_html(response.get_data(as_text=True)))
    return response


def paris_datetime(value: datetime | None, fmt: str = "long") -> str:
    """A moment in Paris time: the date in words and the time to the minute
    (« 1er juin 2026, 10:00 », "June 1, 2026, 10:00 AM"); "short" for tables."""
    if not value:
        return ""
    if fmt not in ("medium", "long", "full"):
        return format_datetime(value, fmt)
    locale = _locale()
    combined = str(dates.get_datetime_format(cast(_Named, fmt), locale))
    time_pattern = dates.get_time_format("short", locale).pattern
    pattern = combined.replace("{1}", _date_pattern(value, fmt)).replace("{0}", time_pattern)
    return format_datetime(value, pattern)


def paris_date(value: date | datetime | None, fmt: str = "long") -> str:
    """A day in words (« 1er juin 2026 », « 30 septembre 2027 »); a datetime is converted to
    Paris time first (format_date does that)."""
    return format_date(value, _date_pattern(value, fmt)) if value else ""


def _with_places(pattern, places: int | None):
    if places is None:
        return pattern
    fixed = copy.copy(pattern)
    fixed.frac_prec = (places, places)
    return fixed


def number(value: float, places: int | None = None) -> str:
    """A number as the language writes it: « 0,0800 », « 500 000 », "500,000"."""
    locale = _locale()
    return str(_with_places(locale.decimal_formats[None], places).apply(value, locale))


def percent(ratio: float, places: int = 0) -> str:
    """A ratio (0 to 1) as a percentage: « 33,3 % » in French, "33.3%" in English."""
    locale = _locale()
    return str(_with_places(locale.percent_formats[None], places).apply(ratio, locale))


@cache
def _collator(language: str) -> Collator:
    return Collator.createInstance(IcuLocale(language))


def sort_key(text: str) -> bytes:
    """Sort names as the language's dictionary does (Pérols before Pignan before
    Prades-le-Lez), through ICU's collation for the current language."""
    return bytes(_collator(str(_locale())).getSortKey(text))


def sorted_by_name(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    return sorted(items, key=lambda item: sort_key(name(item)))


def file_size(size: int) -> str:
    """A download's size as people read it: "1,2 Mo" in French, "1.2 MB" in English."""
    for unit, factor in ((_("Mo"), 1024**2), (_("ko"), 1024)):
        if size >= factor:
            return f"{number(round(size / factor, 1))} {unit}"
    return _("%(n)d octets", n=size)
