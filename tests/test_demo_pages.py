"""Every page of the demo, with every phase filled (a convention deliberating, a past one in
follow-up), read as a visitor, a citizen, a member, a facilitator, staff and the administrator,
following the links each is shown, in French and in English:

- every element id is unique on its page, so a label, a skip link or an error summary reaches
  one element only (RGAA 8.2, valid HTML);
- French is written as French is written: no « (s) », no decimal point in a number, no ISO date
  in running text, no English status word, a narrow no-break space before « ; ! ? : % » and
  between the groups of digits, « 1er juin »;
- English pages hold no French leftover: no interface sentence left in French, no number or
  date written the French way, no « (s) »."""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from convention.assembly.models import Convention
from convention.demo import loading as demo
from convention.extensions import db
from convention.recruitment.models import SortitionRun

#: Pages read per role and language, breadth first from the home pages and the pages below:
#: enough to reach every kind of page the navigation offers, few enough to stay quick.
PAGES_PER_ROLE = 45
ROLES = ("anonymous", "citizen", "member", "facilitator", "staff", "admin")
SKIPPED = (".csv", ".json", ".pdf", ".odt", ".docx", ".html", ".atom", ".zip", ".txt", ".py")
#: Pages every role starts from besides "/", per convention: those where numbers, dates and
#: outcomes are shown (the consultation's results, the answers and their follow-up).
STARTS = ("/", "/reponses", "/votes/consultation", "/recommandations", "/votes/idees")
#: Elements whose text is code or a form's value, not text of the page.
VERBATIM = {"script", "style", "textarea", "code", "pre", "kbd", "samp", "option"}
#: Elements that start a new line of text.
BLOCK = {"p", "div", "td", "th", "li", "dt", "dd", "h1", "h2", "h3", "h4", "br", "caption"}
BLOCK |= {"label", "legend", "summary", "nav", "footer", "figcaption", "button", "option"}
MONTHS_FR = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"

FRENCH_RULES = {
    "« (s) » instead of a plural": re.compile(r"\w\((?:e?s|x)\)"),
    "a decimal point in a number": re.compile(
        r"(?<!RGAA )(?<!Etalab )(?<![\w.,])\d+\.\d+(?![\w.])"
    ),
    "an ISO date in running text": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "an English status word": re.compile(
        r"\b(?:accepted|rejected|pending|draft|submitted|adopted|withdrawn|proposed|voting|"
        r"conflicting|open|closed|published|retained|under study)\b"
    ),
    "an ordinary space before « ; ! ? : % »": re.compile(r"[ \u00a0][;!?:%](?=\s|$)"),
    "digit groups split by an ordinary space": re.compile(r"\b\d{1,3}[ \u00a0]\d{3}\b"),
    "« 1 juin » instead of « 1er juin »": re.compile(rf"(?<![\d,])1 (?:{MONTHS_FR})\b"),
}
ENGLISH_RULES = {
    "« (s) » instead of a plural": re.compile(r"\w\((?:e?s)\)"),
    "a number written the French way": re.compile(r"\d,\d+[\u00a0\u202f]%|\d\u202f\d{3}\b"),
    "a date written the French way": re.compile(rf"\b\d{{1,2}}(?:er)? (?:{MONTHS_FR}) \d{{4}}\b"),
    "an ISO date in running text": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
}


class Page(HTMLParser):
    """A page's element ids, links and text as lines (one per block element)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()
        self.links: list[str] = []
        self._chunks: list[str] = []
        self._verbatim = 0
        self.feed(html)
        text = re.sub(r"[ \t\r]+", " ", "".join(self._chunks))
        self.lines = [line.strip() for line in text.split("\n") if line.strip()]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[found["id"] or ""] += 1
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        self._verbatim += tag in VERBATIM
        if tag in BLOCK:
            self._chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self._verbatim -= tag in VERBATIM
        if tag in BLOCK:
            self._chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._verbatim:
            self._chunks.append(data)

    def repeated_ids(self) -> list[str]:
        return [name for name, n in self.ids.items() if n > 1]


def breaks(rules: dict[str, re.Pattern[str]], lines: list[str]) -> list[str]:
    """Each rule broken, with the text around it."""
    found = []
    for line in lines:
        for name, rule in rules.items():
            for match in rule.finditer(line):
                found.append(f"{name}: …{line[max(0, match.start() - 40) : match.end() + 20]}…")
    return found


def french_interface() -> set[str]:
    """The interface's French sentences that English translates, as whole lines of a page."""
    po = Path(__file__).parent.parent / "convention/translations/en/LC_MESSAGES/messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    return {
        m.id
        for m in catalog
        if isinstance(m.id, str)
        and m.id != m.string
        and "%" not in m.id
        and " " in m.id.strip()
        and len(m.id) > 12
    }


def _crawl(client, starts: list[str], check) -> list[str]:
    """Read up to PAGES_PER_ROLE pages from `starts`, checking each; returns the pages read."""
    queue, seen = deque(starts), set(starts)
    read: list[str] = []
    while queue and len(read) < PAGES_PER_ROLE:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read.append(path)
        page = Page(response.text)
        check(path, page)
        for link in page.links:
            parts = urlsplit(link)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if (
                not parts.scheme
                and parts.path.startswith("/")
                and not parts.path.endswith(SKIPPED)
                and not parts.path.startswith(("/langue/", "/deconnexion"))
                and "page=" not in parts.query
                and target not in seen
            ):
                seen.add(target)
                queue.append(target)
    return read


def read_the_demo(client, language: str, check) -> list[str]:
    """Load the demo and read it as each role in `language`; returns the pages read."""
    demo.load_demo()
    slugs = list(db.session.scalars(select(Convention.slug).order_by(Convention.id)))
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
    read: list[str] = []
    for role in ROLES:
        client.delete_cookie("session")
        client.get(f"/langue/{language}")
        if role != "anonymous":
            email, password = accounts[role]
            signed = client.post("/connexion", data={"email": email, "password": password})
            assert signed.status_code == 302, role
        starts = ["/"] + [
            f"/c/{slug}{path}".rstrip("/") + "/" * (path == "/")
            for slug in slugs
            for path in STARTS
        ]
        if role == "staff":
            starts += runs + [f"/c/{slug}/gestion/journal" for slug in slugs]
        read += _crawl(client, starts, check)
    assert set(runs) <= set(read)
    return read


def test_the_demo_in_french_has_unique_ids_and_french_typography(client):
    problems: dict[str, list[str]] = {}

    def check(path: str, page: Page) -> None:
        found = [f"repeated id {name}" for name in page.repeated_ids()]
        found += breaks(FRENCH_RULES, page.lines)
        if found:
            problems[path] = found

    read = read_the_demo(client, "fr", check)
    assert len(read) > 4 * PAGES_PER_ROLE
    assert not problems, problems


def test_the_demo_in_english_has_no_french_leftovers(client):
    interface = french_interface()
    problems: dict[str, list[str]] = {}

    def check(path: str, page: Page) -> None:
        found = breaks(ENGLISH_RULES, page.lines)
        found += [f"French left: {line}" for line in page.lines if line in interface]
        if found:
            problems[path] = found

    read = read_the_demo(client, "en", check)
    assert len(read) > 4 * PAGES_PER_ROLE
    assert not problems, problems


@pytest.mark.parametrize(
    ("rules", "text", "broken"),
    [
        (FRENCH_RULES, "12 soutien(s)", "« (s) » instead of a plural"),
        (FRENCH_RULES, "Part\u202f: 33.3\u202f%", "a decimal point in a number"),
        (FRENCH_RULES, "échéance\u202f: 2027-09-30", "an ISO date in running text"),
        (FRENCH_RULES, "Amendement n° 1\u202f: accepted", "an English status word"),
        (FRENCH_RULES, "Pourquoi ?", "an ordinary space before « ; ! ? : % »"),
        (FRENCH_RULES, "plus de 500 000 habitants", "digit groups split by an ordinary space"),
        (FRENCH_RULES, "le 1 juin 2026", "« 1 juin » instead of « 1er juin »"),
        (ENGLISH_RULES, "3 vote(s)", "« (s) » instead of a plural"),
        (ENGLISH_RULES, "Share 33,3\u202f%", "a number written the French way"),
        (ENGLISH_RULES, "due on 30 septembre 2027", "a date written the French way"),
    ],
)
def test_each_rule_catches_what_it_names(rules, text, broken):
    assert [found.split(": …")[0] for found in breaks(rules, [text])] == [broken]


@pytest.mark.parametrize(
    "text",
    [
        "Phase\u202f: Délibération · 33,3\u202f% · 500\u202f000 habitants",
        "le 1er juin 2026 à 10:30 · conformité visée RGAA 4.1.",
        "3 soutiens · 0 commentaire · https://exemple.fr/a?b=1",
    ],
)
def test_french_as_it_is_written_passes(text):
    assert breaks(FRENCH_RULES, [text]) == []


def test_a_repeated_id_is_found():
    assert Page('<label for="a">A</label><input id="a"><input id="a">').repeated_ids() == ["a"]


def test_an_interface_sentence_left_in_french_is_found():
    interface = french_interface()
    page = Page("<main><p>Aucune recommandation adoptée pour l'instant.</p><p>R4 · Vélo</p></main>")
    assert [line for line in page.lines if line in interface] == [
        "Aucune recommandation adoptée pour l'instant."
    ]
