"""Language choice: French by default, English on request; dates in Europe/Paris."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import force_locale, format_date, format_datetime, format_decimal
from flask_babel import gettext as _

from convention.params import same_site_path

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


def paris_datetime(value: datetime | None, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


def paris_date(value: datetime | None, fmt: str = "long") -> str:
    # format_date on a datetime converts it to the configured time zone first.
    return format_date(value, fmt) if value else ""


def file_size(size: int) -> str:
    """A download's size as people read it: "1,2 Mo" in French, "1.2 MB" in English."""
    for unit, factor in ((_("Mo"), 1024**2), (_("ko"), 1024)):
        if size >= factor:
            return f"{format_decimal(round(size / factor, 1))} {unit}"
    return _("%(n)d octets", n=size)
