"""Reading a page as the person in front of it does: the error shown under a form field, the
values its form fields show, the text of an element, a form's CSRF token."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


def visible_text(fragment: str) -> str:
    """The words of an HTML fragment, tags dropped, spaces collapsed, entities decoded. The
    no-break spaces of French typography stay, as the reader sees them (« Phase\u202f: »)."""
    words = html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", fragment)))
    # A tag dropped before a no-break space leaves a space the reader never sees.
    return re.sub(r" (?=[\u202f\u00a0])", "", words).strip()


def field_error(page: str, field_id: str) -> str | None:
    """The error shown under a form field (read aloud with it), or None when there is none."""
    found = re.search(
        rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S
    )
    return visible_text(found.group(1)) if found else None


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


class _FormValues(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attributes:
                self.values[name] = attributes.get("value") or ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(page: str) -> dict[str, str]:
    """What the page's form fields show: each field's value, ticked boxes only."""
    reader = _FormValues()
    reader.feed(page)
    return reader.values


def at(convention, path: str = "/") -> str:
    """The address of a page of `convention`: each convention has its own address space,
    `/c/<slug>/…` (`at(world.convention, "/recommandations")`)."""
    return f"/c/{convention.slug}{path}"
