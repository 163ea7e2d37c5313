"""The final report: frozen editions, formats that agree, a tagged PDF, safe CSV."""

import csv
import gc
import io
import json
import re
import zipfile

import pytest
from docx import Document
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from convention.extensions import db
from convention.publication import services
from convention.publication.models import AnswerKind
from convention.publication.renderers import CSV_COLUMNS, render
from convention.publication.report import build_report


@pytest.fixture
def report(app, adopted):
    first, second = adopted.adopted
    answer = services.record_answer(
        adopted.staff,
        first,
        kind=AnswerKind.ADAPTED,
        service="Direction du numérique",
        public_text="Retenue avec un registre trimestriel.",
    )
    services.publish_answers(adopted.staff, [answer])
    with app.test_request_context():
        yield build_report(adopted.convention)


def test_the_report_holds_the_adopted_recommendations_by_theme(report):
    recs = [r for theme in report["themes"] for r in theme["recommendations"]]
    assert [r["reference"] for r in recs] == ["R1", "R2"]
    assert report["themes"][0]["name"] == "Services publics"
    first = recs[0]
    assert first["proposal"] == "Publier la liste des algorithmes et leurs critères."
    assert [(a["number"], a["status"], a["for"]) for a in first["amendments"]] == [
        (1, "accepted", 3)
    ]
    assert first["answer"]["kind"] == "adapted" and len(first["versions"]) == 2
    assert report["process"]["members"]["total"] == 6


def test_every_format_agrees_on_recommendations_amendments_and_answers(app, report, pdf_renderer):
    with app.test_request_context():
        pdf_text = "\n".join(
            p.extract_text() for p in PdfReader(io.BytesIO(render(report, "pdf"))).pages
        )
        html = render(report, "html").decode()
        rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
        data = json.loads(render(report, "json"))
        docx_text = "\n".join(
            p.text for p in Document(io.BytesIO(render(report, "docx"))).paragraphs
        )
        odt_xml = zipfile.ZipFile(io.BytesIO(render(report, "odt"))).read("content.xml").decode()
    assert data == report
    assert [row["reference"] for row in rows] == ["R1", "R2"]
    for rec in (r for theme in report["themes"] for r in theme["recommendations"]):
        title_words = (
            "Un registre public des algorithmes" if rec["number"] == 1 else "Former les agents"
        )
        for text in (pdf_text, html, docx_text, odt_xml):
            assert rec["reference"] in text and title_words in text
    assert "Retenue avec un registre trimestriel." in pdf_text.replace("\n", " ")
    assert "Retenue avec un registre trimestriel." in html
    assert rows[0]["answer_text"] == "Retenue avec un registre trimestriel."
    assert rows[0]["answer_kind"] == "adapted" and rows[0]["amendments"] == "1"
    assert "retenue avec des modifications" in docx_text


def bookmark_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += bookmark_titles(item) if isinstance(item, list) else [item.title]
    return titles


def structure_tags(element, tags=None) -> list[str]:
    """The structure types of the tagged PDF's tree, depth first."""
    tags = [] if tags is None else tags
    element = element.get_object()
    if isinstance(element, ArrayObject):
        for kid in element:
            structure_tags(kid, tags)
    elif isinstance(element, DictionaryObject):
        if "/S" in element:
            tags.append(element["/S"])
        if "/K" in element:
            structure_tags(element["/K"], tags)
    return tags


def test_the_pdf_is_tagged_with_title_language_and_bookmarks(app, report, pdf_renderer):
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(render(report, "pdf", edition=1)))
    assert gc.isenabled()  # paused for the render only (publication/pdf_tuning.py)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "fr"
    assert reader.metadata.title.startswith("Convention test")
    bookmarks = bookmark_titles(reader.outline)
    assert {"Convention test", "Sommaire", "Le processus", "Services publics"} <= set(bookmarks)
    # Down to each recommendation, without the sections repeated under every one of them.
    first = report["themes"][0]["recommendations"][0]
    assert f"{first['reference']} · {first['title']}" in bookmarks
    assert "La recommandation" not in bookmarks and "Votes et historique" not in bookmarks
    assert "Sommaire" in reader.pages[1].extract_text()
    tags = structure_tags(root["/StructTreeRoot"])
    # Headings down to each recommendation's sections, and tables with header cells.
    assert {
        "/H1",
        "/H2",
        "/H3",
        "/H4",
        "/Table",
        "/TH",
        "/TD",
        "/Caption",
        "/L",
        "/LI",
        "/Link",
    } <= set(tags)
    assert tags.count("/H3") == 2 + bool(report["process"]["hearings"])  # and "Les auditions"


def test_the_table_of_contents_gives_the_page_of_each_recommendation(app, report, pdf_renderer):
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(render(report, "pdf")))
    pages = [page.extract_text() for page in reader.pages]
    for rec in (r for theme in report["themes"] for r in theme["recommendations"]):
        heading = f"{rec['reference']} · "
        listed = re.search(rf"^{heading}.*?(?:\. ?){{3,}}(\d+)$", pages[1], re.MULTILINE)
        shown_on = next(
            n
            for n, text in enumerate(pages[2:], start=3)
            if re.search(rf"^{heading}", text, re.MULTILINE)
        )
        assert int(listed.group(1)) == shown_on
        assert f"Page {shown_on} / {len(pages)}" in pages[shown_on - 1]
        assert "Rapport final de la convention citoyenne" in pages[shown_on - 1]
    assert "Page 1 /" not in pages[0]  # the cover has no footer


def test_csv_has_the_documented_columns_and_neutralises_formulas(app, report):
    with app.test_request_context():
        text = render(report, "csv").decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == CSV_COLUMNS
    rows = list(reader)
    title = rows[1][CSV_COLUMNS.index("title")]
    assert title.startswith("'=HYPERLINK(")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_publishing_freezes_an_edition_and_republishing_adds_one(adopted, client):
    first, _second = adopted.adopted
    edition = services.publish_report(adopted.staff, adopted.convention)
    db.session.commit()
    first.title = "Titre changé après publication"
    services.publish_report(adopted.staff, adopted.convention)
    db.session.commit()
    old = client.get("/c/test/rapport/editions/1.json").get_json()
    new = client.get("/c/test/rapport/editions/2.json").get_json()
    assert old["themes"][0]["recommendations"][0]["title"] == "Un registre public des algorithmes"
    assert new["themes"][0]["recommendations"][0]["title"] == "Titre changé après publication"
    page = client.get("/c/test/rapport").text
    assert "Édition 2" in page and "Édition 1" in page and edition.sha256 in page
    assert client.get("/c/test/rapport/editions/3.pdf").status_code == 404


def test_the_report_gives_the_drawn_members_profile_as_aggregates(app, adopted):
    from convention.recruitment import services as recruitment
    from tests.recruitment.test_recruitment import QUOTAS, pool_csv

    with app.test_request_context():
        assert build_report(adopted.convention)["process"]["members"]["by_profile"] == []
    run = recruitment.import_run(
        adopted.staff, adopted.convention, pool_file=pool_csv(), quotas_file=QUOTAS, k=6, panels=100
    )
    recruitment.compute(str(run.id))
    invitations = recruitment.draw(adopted.staff, run, "42")
    for index, invitation in enumerate(invitations[:5]):
        recruitment.answer(
            adopted.staff,
            invitation,
            accepted=True,
            email=f"tire{index}@test.example",
            name=f"Tiré {index}",
            group=adopted.group,
        )
    recruitment.answer(adopted.staff, invitations[5], accepted=False)
    with app.test_request_context():
        report = build_report(adopted.convention)
        profile = {
            p["feature"]: {v["value"]: v["count"] for v in p["values"]}
            for p in report["process"]["members"]["by_profile"]
        }
        html = render(report, "html").decode()
    assert list(profile) == ["gender", "age"]  # the pool file's order, no address
    assert sum(profile["gender"].values()) == 5 and sum(profile["age"].values()) == 5
    assert set(profile["age"]) <= {"18-34", "35-59", "60+"}
    assert "Les membres tirés au sort par gender" in html
    for value, count in profile["age"].items():
        assert f'<th scope="row">{value}</th><td>{count}</td>' in html
