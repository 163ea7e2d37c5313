"""One report, the same in every format: the text of the PDF, HTML, CSV, JSON, DOCX and ODT
editions holds the same facts (titles, tallies, seals, grade distributions, answers, due
dates, follow-up), and the word-processor editions show Markdown as formatting, never its
markers."""

from __future__ import annotations

import csv
import html as html_module
import io
import json
import re
import zipfile
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from docx import Document
from pypdf import PdfReader

from convention.assembly.models import PhaseKind
from convention.proposals import services as proposals
from convention.publication import services as publication
from convention.publication.models import AnswerKind
from convention.publication.renderers import render
from convention.publication.report import build_report
from convention.typography import french_text
from convention.votes import adoption, consultation, rules
from tests import factories
from tests.test_demo_pages import FRENCH_RULES, breaks

PROPOSAL = (
    "Créer un **registre public** des *algorithmes*, comme le demande "
    "[la CNIL](https://www.cnil.fr/).\n\n- publier chaque algorithme\n- expliquer ses critères"
)
ODT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@pytest.fixture
def report(app):
    world = factories.build_world()
    first = world.published(title="Un registre public des algorithmes", proposal=PROPOSAL)
    second = world.published(title="Former les agents au numérique")
    for rec in (first, second):
        proposals.submit_to_vote(world.facilitator, rec, world.convention)
    factories.open_phase(world.staff, world.convention, PhaseKind.MEMBERS_VOTE)
    rules.update_rules(
        world.staff,
        world.convention,
        quorum_percent=50,
        threshold="1/2",
        abstentions_count=False,
        secret=False,
        ungraded_as_reject=True,
        results_hidden_until_close=True,
    )
    voters = [*world.members, world.outsider]
    for rec in (first, second):
        ballot = adoption.open_ballots(
            world.facilitator, world.convention, [rec], factories.in_hours(8)
        )[0]
        for n, voter in enumerate(voters):
            choice = adoption.Choice.AGAINST if n == 0 else adoption.Choice.FOR
            adoption.cast_vote(voter, ballot, choice)
        adoption.close_ballot(world.facilitator, ballot, world.convention)
    factories.open_phase(world.staff, world.convention, PhaseKind.CONSULTATION)
    opened = consultation.open_consultation(
        world.staff, world.convention, factories.in_hours(24 * 7)
    )
    for n, person in enumerate(factories.citizens(4)):
        consultation.judge(person, opened, {first.id: n % 3, second.id: 4})
    consultation.close_consultation(world.staff, opened)
    factories.open_phase(world.staff, world.convention, PhaseKind.PUBLICATION)
    due = date.today() + timedelta(days=400)
    answers = [
        publication.record_answer(
            world.staff,
            first,
            kind=AnswerKind.UNDER_STUDY,
            service="Direction du numérique",
            public_text="Étude d'un **registre** trimestriel.",
            due_on=due,
        ),
        publication.record_answer(
            world.staff,
            second,
            kind=AnswerKind.REJECTED,
            service="Ressources humaines",
            public_text="Non retenue pour 2027.",
            reasons="Le plan de formation est déjà voté.",
        ),
    ]
    publication.publish_answers(world.staff, answers)
    publication.post_follow_up(
        world.staff,
        first,
        happened_on=date.today(),
        progress=40,
        text="Premier lot *publié* en ligne.",
    )
    with app.test_request_context():
        yield build_report(world.convention)


def _texts(report) -> dict[str, str]:
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render(report, "pdf"))).pages)
    page = render(report, "html").decode()
    inline = re.sub(r"</?(?:strong|em|a|code|span|b|i)\b[^>]*>", "", page)
    html_text = html_module.unescape(re.sub(r"<[^>]+>", " ", inline))
    document = Document(io.BytesIO(render(report, "docx")))
    docx = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    content = zipfile.ZipFile(io.BytesIO(render(report, "odt"))).read("content.xml")
    odt = "\n".join(
        "".join(element.itertext())
        for element in ElementTree.fromstring(content).iter()
        if element.tag in (f"{ODT}p", f"{ODT}h")
    )
    # Spaces collapsed, the no-break spaces of French typography kept.
    return {
        fmt: re.sub(r"[ \t\r\n]+", " ", text)
        for fmt, text in (("pdf", pdf), ("html", html_text), ("docx", docx), ("odt", odt))
    }


MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


def in_words(iso: str) -> str:
    """A day as French writes it in running text: « 7 janvier 2028 », « 1er juin 2027 »."""
    day = date.fromisoformat(iso[:10])
    first = "er" if day.day == 1 else ""
    return f"{day.day}{first} {MONTHS.split()[day.month - 1]} {day.year}"


def _facts(report) -> list[str]:
    """What every edition must say, in the words the editions share."""
    facts = [report["convention"]["title"], "Calendrier", "Délibération"]
    for theme in report["themes"]:
        facts.append(theme["name"])
        for rec in theme["recommendations"]:
            facts.append(f"{rec['reference']} · {rec['title']}")
            vote = rec["members_vote"]
            facts += [f"{vote['for']} pour, {vote['against']} contre", vote["seal"]]
            judgment = rec["public_judgment"]
            facts += [
                f"mention majoritaire « {judgment['majority_grade']} »",
                " · ".join(
                    f"{g} {c}" for g, c in zip(judgment["grades"], judgment["counts"], strict=True)
                ),
            ]
            answer = rec["answer"]
            facts += [answer["kind_label"], f"Service responsable : {answer['service']}"]
            if answer["reasons"]:
                facts.append(answer["reasons"])
            if answer["due_on"]:
                facts.append(f"Échéance : {in_words(answer['due_on'])}")
            for update in rec["follow_up"]:
                facts.append(f"{update['progress']} %")
    facts += [
        "registre public des algorithmes, comme le demande la CNIL",
        "publier chaque algorithme",
        "Premier lot publié en ligne.",
        "Étude d'un registre trimestriel.",
    ]
    # Written as French is written, like every edition (convention/typography.py).
    return [french_text(fact) for fact in facts]


def test_every_edition_holds_the_same_facts_and_no_markdown_marker(app, report, pdf_renderer):
    with app.test_request_context():
        texts = _texts(report)
        rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
        data = json.loads(render(report, "json"))
    assert data == report
    assert [row["reference"] for row in rows] == ["R1", "R2"]
    missing = {
        fmt: [fact for fact in _facts(report) if fact not in text] for fmt, text in texts.items()
    }
    assert missing == {"pdf": [], "html": [], "docx": [], "odt": []}
    for fmt, text in texts.items():
        assert "**" not in text and "](" not in text and " *publié*" not in text, fmt
        # French as it is written, in every edition: the same rules as the site's pages.
        assert breaks(FRENCH_RULES, [text]) == [], fmt


def test_word_processor_editions_show_markdown_as_formatting(app, report):
    with app.test_request_context():
        document = Document(io.BytesIO(render(report, "docx")))
        odt = zipfile.ZipFile(io.BytesIO(render(report, "odt"))).read("content.xml").decode()
    runs = [run for p in document.paragraphs for run in p.runs]
    assert any(run.text == "registre public" and run.bold for run in runs)
    assert any(run.text == "algorithmes" and run.italic for run in runs)
    items = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "publier chaque algorithme" in [p.text for p in items]
    assert "https://www.cnil.fr/" in [rel.target_ref for rel in document.part.rels.values()]
    assert 'xlink:href="https://www.cnil.fr/"' in odt
    assert re.search(r'<text:span text:style-name="Gras">registre public</text:span>', odt)
