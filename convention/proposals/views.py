"""Reading recommendations: the list, one recommendation, its history, diffs and trace."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for

from convention.assembly import services as assembly
from convention.assembly.models import Theme
from convention.auth.access import current_viewer
from convention.forms import EmptyForm
from convention.params import int_arg, page_arg
from convention.proposals import amendments, diff, lifecycle, queries
from convention.proposals.models import PENDING_AMENDMENT, AmendmentStatus, Status
from convention.proposals.trace import trace
from convention.registry import registry

bp = Blueprint("proposals", __name__)


def load_visible(number: int):
    """The recommendation numbered `number` if the viewer may see it, else 404."""
    convention = assembly.current_convention()
    recommendation = queries.by_number(convention, number)
    if recommendation is None or not queries.can_see(current_viewer(), recommendation):
        abort(404)
    return convention, recommendation


@bp.route("/recommandations")
def index(theme: Theme | None = None):
    convention = assembly.current_convention()
    status_value = request.args.get("statut", "")
    sort = request.args.get("tri", "recent")
    if sort not in queries.SORTS:
        sort = "recent"
    seed = int_arg("graine", minimum=0)
    if sort == "random" and seed is None:
        # A new shuffle per visit, kept in the links so the pages stay consistent.
        # Only views call this one, so the request has matched an endpoint and its arguments.
        args = {**(request.view_args or {}), **request.args, "graine": secrets.randbelow(10**6)}
        return redirect(url_for(request.endpoint or "proposals.index", **args))
    # The filters the features above add (the kind of answer...): only a value among their
    # choices is applied; any other is ignored, as an unknown status is.
    extra_filters = registry().list_filters.get("recommendations", [])
    chosen = {
        f.arg: request.args[f.arg]
        for f in extra_filters
        if request.args.get(f.arg) in {value for value, _ in f.choices()}
    }
    filters = queries.Filters(
        theme_id=theme.id if theme else int_arg("theme"),
        group_id=int_arg("groupe"),
        status=next((s for s in Status if s.value == status_value), None),
        query=request.args.get("q", "")[:200],
        sort=sort,
        seed=seed or 0,
        kept=[f.keep(convention, chosen[f.arg]) for f in extra_filters if f.arg in chosen],
    )
    page = queries.list_page(convention, current_viewer(), filters, page_arg())
    notes: dict[int, list[str]] = {}
    for f in extra_filters:
        if f.describe is not None:
            for rec_id, text in f.describe(page.items).items():
                notes.setdefault(rec_id, []).append(text)
    return render_template(
        "proposals/index.html",
        page=page,
        notes=notes,
        filters=filters,
        theme=theme,
        themes=convention.themes,
        groups=queries.groups_of(convention),
        statuses=list(Status),
        sorts=queries.SORTS,
        extra_filters=extra_filters,
        chosen=chosen,
        args=request.args,
    )


@bp.route("/themes/<slug>")
def theme_index(slug: str):
    theme = queries.theme_by_slug(assembly.current_convention(), slug)
    if theme is None:
        abort(404)
    return index(theme=theme)


@bp.route("/recommandations/<int:number>")
@bp.route("/recommandations/<int:number>-<slug>")
def show(number: int, slug: str | None = None):
    convention, rec = load_visible(number)
    if slug != rec.slug:
        return redirect(url_for("proposals.show", number=number, slug=rec.slug), 301)
    me = current_viewer()
    relations = lifecycle.relations(me, rec)
    can = {action: lifecycle.allowed(action, me, rec, convention) for action in lifecycle.RULES}
    invitation = next(
        (c for c in rec.coauthors if me and c.user_id == me.id and c.accepted_at is None), None
    )
    panels = registry().panels_for("recommendation", convention, rec, me)
    # The parts of its story the features above add (members' vote, public judgment, answer,
    # follow-up), each a {"template", "order", ...} under a "story_" key, shown in order.
    story = sorted(
        (part for key, part in panels.items() if key.startswith("story_")),
        key=lambda part: part["order"],
    )
    return render_template(
        "proposals/show.html",
        rec=rec,
        convention=convention,
        can=can,
        relations=relations,
        story=story,
        **panels,
        pending=[a for a in rec.amendments if a.status in PENDING_AMENDMENT],
        decided=[a for a in rec.amendments if a.status not in PENDING_AMENDMENT],
        invitation=invitation,
        post_button=EmptyForm(),
    )


@bp.route("/recommandations/<int:number>/historique")
def history(number: int):
    _, rec = load_visible(number)
    return render_template("proposals/history.html", rec=rec)


@bp.route("/recommandations/<int:number>/comparer")
def compare(number: int):
    _, rec = load_visible(number)
    by_number = {v.number: v for v in rec.versions}
    last = rec.versions[-1].number
    old = by_number.get(int_arg("de") or max(last - 1, 1))
    new = by_number.get(int_arg("a") or last)
    if old is None or new is None:
        abort(404)
    view = "cote" if request.args.get("vue") == "cote" else "inline"
    return render_template(
        "proposals/compare.html",
        rec=rec,
        old=old,
        new=new,
        view=view,
        fields=diff.compare(old, new),
    )


@bp.route("/recommandations/<int:number>/trace")
def trace_page(number: int):
    _, rec = load_visible(number)
    return render_template("proposals/trace.html", rec=rec, events=trace(rec))


@bp.route("/recommandations/<int:number>/amendements/<int:amendment_number>")
def amendment(number: int, amendment_number: int):
    convention, rec = load_visible(number)
    found = next((a for a in rec.amendments if a.number == amendment_number), None)
    if found is None:
        abort(404)
    me = current_viewer()
    relations = lifecycle.relations(me, rec)
    my_vote = next((v.choice for v in found.votes if me and v.user_id == me.id), None)
    can_decide = lifecycle.allowed("decide_amendment", me, rec, convention)
    voting = found.status == AmendmentStatus.VOTING
    proposed = found.status == AmendmentStatus.PROPOSED
    is_author = bool(me and me.id == found.author_id)
    return render_template(
        "proposals/amendment.html",
        rec=rec,
        amendment=found,
        convention=convention,
        fields=diff.compare_changes(found.base_version, found.changes),
        can_decide=can_decide,
        can_vote="member" in relations and voting,
        is_author=is_author,
        # The facilitator's actions, offered only when they can be taken now, or with why not.
        can_open=can_decide and proposed,
        not_yet=amendments.why_not_open_yet(found) if can_decide and proposed else None,
        can_close=can_decide and voting,
        can_withdraw=is_author and found.status.value in ("proposed", "conflicting"),
        # How many of the group have voted so far (not how): the facilitator's turnout.
        votes_cast=sum(amendments.tally(found).values()) if can_decide and voting else None,
        group_size=len(rec.group.memberships),
        my_vote=my_vote,
        post_button=EmptyForm(),
    )
