"""The site's own pages, outside any convention: the list of its conventions, the creation of
a new one, and the addresses published before a site could host several conventions."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug import Response

from convention import scope
from convention.assembly import services
from convention.assembly.forms import NewConventionForm
from convention.auth.access import is_administrator
from convention.forms import filled
from convention.transaction import attempt

bp = Blueprint("site", __name__)


@bp.route("/")
def home():
    conventions = services.all_conventions()
    can_create = is_administrator(current_user)
    if not conventions:
        return render_template("assembly/empty.html", can_set_up=can_create)
    return render_template(
        "assembly/site_home.html",
        current=[c for c in conventions if not c.is_past],
        past=[c for c in conventions if c.is_past],
        can_create=can_create,
    )


@bp.route("/gestion/conventions/nouvelle", methods=["GET", "POST"])
@login_required
def create():
    """An administrator creates a convention; its set-up goes on in its own pages."""
    if not is_administrator(current_user):
        abort(403)
    form = NewConventionForm()
    if form.validate_on_submit():
        title = filled(form.title)
        slug = (form.slug.data or "").strip() or services.slugify(title)
        with attempt(form, "title") as outcome:
            services.create_convention(
                current_user,
                slug=slug,
                title=title,
                question=filled(form.question),
                description=form.description.data or "",
                authority=form.authority.data or "",
            )
        if outcome.ok:
            flash(_("La convention est créée. Poursuivez sa mise en place."), "success")
            return redirect(url_for("setup.index", convention=slug))
    return render_template("staff/setup_create.html", form=form)


def redirect_old_addresses(app: Flask) -> None:
    """Every page of a convention could be read, before, at the same address without
    `/c/<slug>`: those addresses (recommendations, report editions, feeds...) were published
    when the site served one convention, the first one created, and redirect permanently to
    its pages. Call once every feature has registered its pages."""
    site_rules = {rule.rule for rule in app.url_map.iter_rules() if scope.KEY not in rule.arguments}
    for n, rule in enumerate(list(app.url_map.iter_rules())):
        if not rule.rule.startswith(scope.PREFIX) or "GET" not in (rule.methods or ()):
            continue
        old = rule.rule[len(scope.PREFIX) :]
        if not old or old == "/" or old in site_rules:
            continue
        app.add_url_rule(
            old,
            endpoint=f"legacy_{n}",
            view_func=_redirect_to_first(rule.endpoint),
            methods=["GET"],
        )


def _redirect_to_first(endpoint: str):
    def view(**values) -> Response:
        first = services.oldest_convention()
        if first is None:
            abort(404)
        target = url_for(endpoint, convention=first.slug, **values)
        if request.query_string:
            target += "?" + request.query_string.decode("utf-8", "replace")
        return redirect(target, 301)

    return view
