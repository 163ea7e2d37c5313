"""What the features plug into: navigation entries, trace sources, report contributions and
page panels, kept per application.

Each feature's `init_app(app)` registers what it brings here; the layout, the trace page and
the report read it back. A feature lower in the layers never imports a higher one to show its
part: the higher one registers it (the members' vote adds its tally to a recommendation's page
and to the report; the discussion adds its thread to the pages it is attached to).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel.speaklater import LazyString

from convention import scope

EXTENSION_KEY = "convention.registry"

#: The slot of the report's process section for the drawn members' profile, which the
#: recruitment feature fills: a list of {"feature", "values": [{"value", "count"}]}, empty when
#: the members were not drawn on the platform.
MEMBERS_BY_PROFILE = "members_by_profile"

Viewer = Any  # the signed-in User, or None for a visitor (no import of auth here: core infra)


# A navigation entry's condition: given the viewer and their role in the convention served.
def everyone(viewer: Viewer, role: Any) -> bool:
    return True


def signed_in(viewer: Viewer, role: Any) -> bool:
    return viewer is not None


def managers(viewer: Viewer, role: Any) -> bool:
    return viewer is not None and getattr(role, "value", None) in ("staff", "admin")


def administrators(viewer: Viewer, role: Any) -> bool:
    """The site's administrators (their role is the same in every convention)."""
    return viewer is not None and getattr(role, "value", None) == "admin"


@dataclass(frozen=True)
class NavEntry:
    """A link in one of the navigations: `public` (the site's header), `footer` (the site's
    footer) or `staff` (the staff area's menu). `current_for` names the blueprints or
    endpoints on which the link is marked as the current page (its own endpoint always is)."""

    area: str
    endpoint: str
    label: LazyString | str
    order: int
    current_for: tuple[str, ...] = ()
    shown_to: Callable[[Viewer, Any], bool] = everyone


# A page panel: given the page's convention, its object and the viewer, the values the page's
# template needs for the part a feature adds (e.g. {"d": thread context}).
PagePanel = Callable[[Any, Any, Viewer], dict[str, Any]]


# An audit entry told as a sentence: given the entry and who acted (a name, or "the
# platform"), the sentence in the request's language.
AuditDescriber = Callable[[Any, str], str]


@dataclass(frozen=True)
class AuditKind:
    family: str  # one of audit.describe.FAMILIES
    describe: AuditDescriber


@dataclass(frozen=True)
class ListFilter:
    """A filter a feature adds to another's list page, as a query argument `arg`: its label,
    its choices as (value, label), and `keep(convention, value)`, a select() of the ids of
    the objects to keep for a chosen value (only values among the choices are passed), and
    `describe(objects)`, what each listed object shows of it ({id: text}, in one query), so
    a reader sees why an item is kept."""

    arg: str
    label: LazyString | str
    choices: Callable[[], list[tuple[str, Any]]]
    keep: Callable[[Any, str], Any]
    describe: Callable[[list[Any]], dict[int, str]] | None = None


@dataclass
class Registry:
    navigation: list[NavEntry] = field(default_factory=list)
    #: Functions returning a recommendation's trace events (see proposals.trace).
    trace_sources: list[Callable[[Any], list[Any]]] = field(default_factory=list)
    #: Titles of recorded recommendation events by kind: `describe(details) -> str`.
    event_titles: dict[str, Callable[[dict], str]] = field(default_factory=dict)
    #: Report contributions by name: `contribute(recommendations) -> {recommendation id: dict}`.
    report_contributions: dict[str, Callable[[list[Any]], dict[int, dict]]] = field(
        default_factory=dict
    )
    #: Parts of the report's "process" section by slot: `provide(convention) -> plain data`.
    report_process: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    #: Page panels by page kind ("recommendation", "idea", "hearing").
    page_panels: dict[str, list[PagePanel]] = field(default_factory=dict)
    #: Filters on list pages by list ("recommendations").
    list_filters: dict[str, list[ListFilter]] = field(default_factory=dict)
    #: How the audit log tells each recorded action, by action code (see audit.describe).
    audit_describers: dict[str, AuditKind] = field(default_factory=dict)

    def add_audit_describers(self, family: str, describers: dict[str, AuditDescriber]) -> None:
        """Say, for each action code a feature records, which family of the journal's filter
        it belongs to and how it reads as a sentence."""
        for action, describe in describers.items():
            self.audit_describers[action] = AuditKind(family, describe)

    def add_navigation(self, *entries: NavEntry) -> None:
        self.navigation.extend(entries)
        self.navigation.sort(key=lambda entry: (entry.area, entry.order))

    def add_page_panel(self, page: str, panel: PagePanel) -> None:
        self.page_panels.setdefault(page, []).append(panel)

    def add_list_filter(self, page: str, list_filter: ListFilter) -> None:
        self.list_filters.setdefault(page, []).append(list_filter)

    def panels_for(self, page: str, convention: Any, target: Any, viewer: Viewer) -> dict[str, Any]:
        """The values every feature's panel on `page` needs, merged."""
        values: dict[str, Any] = {}
        for panel in self.page_panels.get(page, []):
            values.update(panel(convention, target, viewer))
        return values

    def links(self, area: str, viewer: Viewer, role: Any) -> list[dict[str, Any]]:
        """The navigation `area` as the layout shows it to `viewer`, whose role in the
        convention served is `role`. Outside a convention (the site's own pages), the entries
        of a convention's pages are left out."""
        endpoint, blueprint = request.endpoint, request.blueprint
        url_map, outside = current_app.url_map, scope.current_slug() is None
        return [
            {
                "url": url_for(entry.endpoint),
                "label": entry.label,
                "current": endpoint == entry.endpoint
                or endpoint in entry.current_for
                or (blueprint is not None and blueprint in entry.current_for),
            }
            for entry in self.navigation
            if entry.area == area
            and entry.shown_to(viewer, role)
            and not (outside and url_map.is_endpoint_expecting(entry.endpoint, scope.KEY))
        ]


def registry(app: Flask | None = None) -> Registry:
    found: Registry = (app or current_app).extensions[EXTENSION_KEY]
    return found


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = Registry()
