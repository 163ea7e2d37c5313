"""Stored XSS, the most frequent vulnerability of Decidim: every field shown to others is fed
the known payload families, and the HTML served must contain nothing a browser would run.
The same payloads are run in a real browser by tests/browser/test_xss.py."""

import re
from html.parser import HTMLParser

import pytest

from convention.assembly import hearings
from convention.assembly import services as assembly
from convention.auth.models import Role
from convention.discussion import services
from convention.discussion.models import TargetKind
from convention.extensions import db
from convention.proposals import services as proposals
from tests import factories

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=1"></svg>',
    "<svg><script>window.__xss=1</script></svg>",
    "[clic](javascript:window.__xss=1)",
    "[clic](JaVaScRiPt:window.__xss=1)",
    "[clic]( javascript:window.__xss=1 )",
    '<a href="javascript:window.__xss=1">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '"><img src=x onerror=window.__xss=1>',
    '<details open ontoggle="window.__xss=1">',
    '![x](x" onerror="window.__xss=1)',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
]
FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "svg",
    "math",
    "object",
    "embed",
    "style",
    "img",
    "base",
    "form",
    "link",
    "meta",
}


class ActiveContent(HTMLParser):
    """Collects what a browser could run: script-like elements that are not the page's own,
    event handler attributes, and javascript:/data: addresses."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in FORBIDDEN_TAGS and not self._own(tag, attributes):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if (
                name in {"href", "src", "action", "formaction"}
                and value
                and re.match(r"\s*(javascript|data|vbscript):", value, re.IGNORECASE)
            ):
                self.found.append(f"{tag} {name}={value[:30]}")

    @staticmethod
    def _own(tag, attributes) -> bool:
        """The layout's own stylesheet, icon, feed link, script and POST forms."""
        if tag == "script":
            return attributes.get("src", "").startswith("/static/")
        if tag == "link":  # the stylesheet, the icon and the Atom feed of the page
            href = attributes.get("href", "")
            return href.startswith("/") and not href.startswith("//")
        return tag in {"meta", "form"}


def dangerous(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def seed_payloads(world, payload: str):
    """Put the payload in every field people write that others read."""
    evil = factories.user(
        Role.MEMBER, name=payload[:80], first_name=payload[:80], convention=world.convention
    )
    assembly.add_member(world.staff, world.group, evil)
    rec = proposals.draft_recommendation(
        evil,
        world.convention,
        world.group,
        {
            "title": payload[:200],
            "problem": payload,
            "proposal": payload,
            "impact": payload,
            "carried_by": payload,
            "cost": payload,
            "risks": payload,
            "evidence": payload,
        },
    )
    proposals.publish(evil, rec, world.convention)
    proposals.set_minority_opinion(world.members[0], rec, world.convention, payload)
    idea = proposals.post_idea(world.citizen, world.convention, world.theme, payload[:200], payload)
    hearing = hearings.publish_hearing(
        world.staff,
        world.convention,
        title=payload[:200],
        expert=payload[:200],
        expert_role=payload[:300],
        held_on=world.hearing().held_on,
        summary=payload,
        declared_interests=payload,
        documents="",
    )
    for kind, target in (
        (TargetKind.RECOMMENDATION, rec.id),
        (TargetKind.IDEA, idea.id),
        (TargetKind.HEARING, hearing.id),
    ):
        thread = services.thread_for(world.convention, kind, target)
        services.post_comment(evil, thread, payload)
    db.session.commit()
    return rec, idea, hearing


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_in_any_page(client, world, payload):
    rec, idea, hearing = seed_payloads(world, payload)
    pages = [
        "/",
        "/c/test/recommandations",
        f"/c/test/recommandations/{rec.number}-{rec.slug}",
        f"/c/test/recommandations/{rec.number}/historique",
        f"/c/test/recommandations/{rec.number}/trace",
        "/c/test/idees",
        f"/c/test/idees/{idea.id}",
        "/c/test/auditions",
        f"/c/test/auditions/{hearing.slug}",
    ]
    for url in pages:
        html = client.get(url, follow_redirects=True).text
        assert dangerous(html) == [], (url, payload)
