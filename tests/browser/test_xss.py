"""The stored-XSS payloads of tests/discussion/test_xss.py, in a real browser: none runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from convention.assembly import services as assembly
from convention.assembly.models import PhaseKind, WorkingGroup
from convention.auth.models import Role, User
from convention.discussion import services as discussion
from convention.discussion.models import TargetKind
from convention.extensions import db
from convention.proposals.models import Recommendation
from tests.discussion.test_xss import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.no_db]


def test_no_payload_runs_in_the_browser(page, live_server):
    from sqlalchemy import select

    from tests.discussion.test_xss import seed_payloads
    from tests.factories import World

    app = live_server.app
    urls = []
    with app.app_context():
        convention = assembly.oldest_convention()
        group = db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.id)).first()
        staff = assembly.people_in_role(convention, Role.STAFF)[0]
        members = [m.user for m in group.memberships]
        citizen = db.session.scalars(
            select(User).where(User.site_role == Role.CITIZEN, ~User.convention_roles.any())
        ).first()
        world = World(
            convention, staff, group.facilitator, group, None, members, None, citizen, group.theme
        )
        assert convention.current_phase == PhaseKind.DELIBERATION
        for payload in PAYLOADS:
            rec, idea, hearing = seed_payloads(world, payload)
            urls += [
                f"/c/ia-montpellier/recommandations/{rec.number}-{rec.slug}",
                f"/c/ia-montpellier/recommandations/{rec.number}/trace",
                f"/c/ia-montpellier/idees/{idea.id}",
                f"/c/ia-montpellier/auditions/{hearing.slug}",
            ]
    urls += [
        "/",
        "/c/ia-montpellier/recommandations",
        "/c/ia-montpellier/idees",
        "/c/ia-montpellier/auditions",
    ]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in urls:
        page.goto(live_server.url + url)
        assert page.evaluate("typeof window.__xss") == "undefined", url
    assert dialogs == []


def test_new_comments_appear_without_reloading(page, live_server):
    with live_server.app.app_context():
        rec = db.session.scalars(
            db.select(Recommendation).where(
                Recommendation.convention_id == assembly.oldest_convention().id,
                Recommendation.number == 1,
            )
        ).one()
        address = f"/c/ia-montpellier/recommandations/{rec.number}-{rec.slug}"
    page.goto(live_server.url + address)
    with live_server.app.app_context():
        rec = db.session.get(Recommendation, rec.id)
        member = rec.group.memberships[2].user
        thread = discussion.thread_for(
            assembly.oldest_convention(), TargetKind.RECOMMENDATION, rec.id
        )
        discussion.post_comment(member, thread, "Arrivé pendant la lecture")
        db.session.commit()
    page.evaluate("document.dispatchEvent(new Event('discussion:poll'))")
    page.get_by_text("Arrivé pendant la lecture").wait_for(timeout=5000)
    expect(page.locator("#live-status")).to_have_text("1 nouveau commentaire")
