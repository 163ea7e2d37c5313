"""Every element id is unique on its page: a label, a skip link or an error summary that
points to an id reaches one element only (RGAA 8.2, valid HTML). The demo's pages are read as a
visitor, a citizen, a member, a facilitator and staff, following the links each is shown."""

from __future__ import annotations

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from convention.assembly.models import Convention
from convention.demo import loading as demo
from convention.extensions import db
from convention.recruitment.models import SortitionRun

#: Pages read per role, breadth first from the home pages: enough to reach every kind of page
#: the navigation offers, few enough for the test to stay quick.
PAGES_PER_ROLE = 35
SKIPPED = (".csv", ".json", ".pdf", ".odt", ".docx", ".html", ".atom", ".zip", ".txt")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[found["id"] or ""] += 1
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")


def duplicates(html: str) -> tuple[list[str], list[str]]:
    parser = _Ids()
    parser.feed(html)
    return [name for name, n in parser.ids.items() if n > 1], parser.links


def _crawl(client, starts: list[str], problems: dict[str, list[str]]) -> list[str]:
    """Read up to PAGES_PER_ROLE pages from `starts`; returns the pages read."""
    queue, seen = deque(starts), set(starts)
    read: list[str] = []
    while queue and len(read) < PAGES_PER_ROLE:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read.append(path)
        repeated, links = duplicates(response.text)
        if repeated:
            problems[path] = repeated
        for link in links:
            parts = urlsplit(link)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if (
                not parts.scheme
                and parts.path.startswith("/")
                and not parts.path.endswith(SKIPPED)
                and "page=" not in parts.query
                and target not in seen
            ):
                seen.add(target)
                queue.append(target)
    return read


def test_no_page_of_the_demo_repeats_an_element_id(client):
    demo.load_demo()
    # The draws' pages, with one answer form per invited person.
    runs = [
        f"/c/{slug}/gestion/tirage/{run_id}"
        for run_id, slug in db.session.execute(
            select(SortitionRun.id, Convention.slug).join(
                Convention, Convention.id == SortitionRun.convention_id
            )
        )
    ]
    db.session.commit()
    accounts = {
        role.split()[0]: (email, password) for role, email, password in demo.demo_accounts()
    }
    problems: dict[str, list[str]] = {}
    read: list[str] = []
    for role in ("anonymous", "citizen", "member", "facilitator", "staff"):
        client.delete_cookie("session")
        starts = ["/"]
        if role != "anonymous":
            email, password = accounts[role]
            signed = client.post("/connexion", data={"email": email, "password": password})
            assert signed.status_code == 302, role
        if role == "staff":
            starts += runs
        read += _crawl(client, starts, problems)
    assert set(runs) <= set(read) and len(read) > 4 * PAGES_PER_ROLE
    assert not problems, problems


@pytest.mark.parametrize(
    "html",
    ['<label for="a">A</label><input id="a"><input id="a">'],
)
def test_a_repeated_id_is_found(html):
    assert duplicates(html)[0] == ["a"]
