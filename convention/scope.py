"""Each convention has its own address space, `/c/<slug>/…`.

The features' blueprints are registered under that prefix (`register_scoped`); the slug is
taken out of the address before the view runs and kept for the request (`current_slug`), and
`url_for` puts it back in every address of the same convention, so views and templates name
endpoints as if there were one convention. An address of another convention passes
`convention=<slug>` explicitly, as code that builds addresses outside a request (a digest, a
job) does.

Which convention a slug names is the assembly feature's question (it owns the conventions):
this module only carries the slug and, once resolved, the convention's id.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, g, has_app_context

PREFIX = "/c/<convention>"
KEY = "convention"


def register_scoped(app: Flask, blueprint: Blueprint) -> None:
    """Register a feature's blueprint inside each convention's address space."""
    app.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))


def resolved_by_the_view(view: Callable) -> Callable:
    """Mark a view that finds its convention itself, when it needs it: the convention its
    address names is then not read before it (the consultation form's fast path writes a
    judgment in one statement, which finds the convention by its slug)."""
    view.convention_resolved_by_the_view = True  # type: ignore[attr-defined]
    return view


def is_resolved_by_the_view(view: Callable | None) -> bool:
    return bool(getattr(view, "convention_resolved_by_the_view", False))


def address(slug: str, path: str) -> str:
    """The address of `path` ("/commentaires/3") in the convention `slug`, for links kept in
    the database (notifications) and built where no request is served."""
    return f"/c/{slug}{path}"


def current_slug() -> str | None:
    return g.get("convention_slug") if has_app_context() else None


def current_id() -> int | None:
    """The id of the convention whose address is being served, once resolved."""
    return g.get("convention_id") if has_app_context() else None


def enter(slug: str, convention_id: int | None = None) -> None:
    g.convention_slug = slug
    g.convention_id = convention_id


def _leave() -> None:
    g.convention_slug = g.convention_id = None


def init_app(app: Flask) -> None:
    @app.url_value_preprocessor
    def take_slug(endpoint: str | None, values: dict | None) -> None:
        # A request serves no convention until its address names one (an application context
        # can outlive a request: tests, commands).
        g.pop("convention", None)
        if values and KEY in values:
            enter(values.pop(KEY))
        else:
            _leave()

    @app.url_defaults
    def put_slug(endpoint: str, values: dict) -> None:
        if KEY in values:
            return
        slug = current_slug()
        if slug is not None and app.url_map.is_endpoint_expecting(endpoint, KEY):
            values[KEY] = slug
