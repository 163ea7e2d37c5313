"""Each format of the final report, rendered from the same plain data structure.

Formats never read the database: they only read the dictionary made by `build_report` (or
frozen in an edition), which is why they always agree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from docx import Document
from docx.shared import Pt
from flask import render_template
from odf.dc import Title
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P

from convention.config import PROJECT_ROOT
from convention.publication.pdf_tuning import tuned_for_the_report

# Open data: the columns of recommendations.csv, in this order, documented in README.md.
CSV_COLUMNS = [
    "reference",
    "number",
    "theme",
    "group",
    "title",
    "problem",
    "proposal",
    "impact",
    "carried_by",
    "cost",
    "risks",
    "evidence",
    "minority_opinion",
    "versions",
    "amendments",
    "members_vote_for",
    "members_vote_against",
    "members_vote_abstain",
    "members_vote_turnout",
    "members_vote_quorum_met",
    "members_vote_seal",
    "public_majority_grade",
    "public_judgments",
    "public_rank",
    "answer_kind",
    "answer_service",
    "answer_text",
    "answer_reasons",
    "answer_due_on",
    "answer_published_at",
    "answer_assessment_average",
    "answer_assessments",
    "follow_up_progress",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A spreadsheet must never read a cell as a formula (CSV injection): such cells get a
    leading apostrophe, which spreadsheets show as text and do not evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def flat_rows(report: dict) -> list[dict]:
    rows = []
    for theme in report["themes"]:
        for rec in theme["recommendations"]:
            vote = rec.get("members_vote") or {}
            judgment = rec.get("public_judgment") or {}
            answer = rec.get("answer") or {}
            assessment = answer.get("assessment") or {}
            rows.append(
                {
                    **{
                        k: rec[k]
                        for k in (
                            "reference",
                            "number",
                            "theme",
                            "group",
                            "title",
                            "problem",
                            "proposal",
                            "impact",
                            "carried_by",
                            "cost",
                            "risks",
                            "evidence",
                            "minority_opinion",
                        )
                    },
                    "versions": len(rec["versions"]),
                    "amendments": len(rec["amendments"]),
                    "members_vote_for": vote.get("for"),
                    "members_vote_against": vote.get("against"),
                    "members_vote_abstain": vote.get("abstain"),
                    "members_vote_turnout": vote.get("turnout"),
                    "members_vote_quorum_met": vote.get("quorum_met"),
                    "members_vote_seal": vote.get("seal"),
                    "public_majority_grade": judgment.get("majority_grade"),
                    "public_judgments": judgment.get("judgments"),
                    "public_rank": judgment.get("rank"),
                    "answer_kind": answer.get("kind"),
                    "answer_service": answer.get("service"),
                    "answer_text": answer.get("text"),
                    "answer_reasons": answer.get("reasons"),
                    "answer_due_on": answer.get("due_on"),
                    "answer_published_at": answer.get("published_at"),
                    "answer_assessment_average": assessment.get("average"),
                    "answer_assessments": assessment.get("count"),
                    "follow_up_progress": rec["follow_up"][-1]["progress"]
                    if rec["follow_up"]
                    else None,
                }
            )
    return rows


def render_csv(report: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in flat_rows(report):
        writer.writerow([neutralise(row[column]) for column in CSV_COLUMNS])
    # A BOM so that spreadsheets open the UTF-8 accents correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8")


def render_html(report: dict, *, edition: int | None = None, inline_css: bool = False) -> str:
    """The report as a standalone HTML page; the PDF renderer inlines the stylesheet."""
    css = (PROJECT_ROOT / "static/css/report.css").read_text() if inline_css else None
    return render_template(
        "publication/report_document.html", report=report, edition=edition, css=css
    )


def render_pdf(report: dict, *, edition: int | None = None) -> bytes:
    """A tagged PDF/UA document: structure tree, language, title, bookmarks from headings."""
    # Imported here on purpose: WeasyPrint needs the Pango system library, which a machine
    # that only serves pages does not need to have.
    from weasyprint import HTML

    html = render_html(report, edition=edition, inline_css=True)
    with tuned_for_the_report():
        return HTML(string=html, base_url=str(PROJECT_ROOT / "static")).write_pdf(
            pdf_variant="pdf/ua-1", pdf_identifier=b"convention-report", uncompressed_pdf=False
        )


def _text_blocks(report: dict):
    """The document's content as (kind, text) pairs, shared by the word-processor formats."""
    convention = report["convention"]
    yield "title", convention["title"]
    yield "p", convention["question"]
    if convention["authority"]:
        yield "p", convention["authority"]
    yield "h1", "Le processus"
    yield "p", f"{report['process']['members']['total']} membres tirés au sort."
    for commune in report["process"]["members"]["by_commune"]:
        yield "li", f"{commune['commune']} : {commune['count']}"
    for profile in report["process"]["members"]["by_profile"]:
        yield "p", f"Les membres tirés au sort par {profile['feature']} :"
        for row in profile["values"]:
            yield "li", f"{row['value']} : {row['count']}"
    for theme in report["themes"]:
        yield "h1", theme["name"]
        for rec in theme["recommendations"]:
            yield "h2", f"{rec['reference']} · {rec['title']}"
            for label, key in (
                ("Le problème", "problem"),
                ("La recommandation", "proposal"),
                ("Impact attendu", "impact"),
                ("Mise en œuvre", "carried_by"),
                ("Coût", "cost"),
                ("Risques et garde-fous", "risks"),
                ("Sources", "evidence"),
                ("Avis minoritaire", "minority_opinion"),
            ):
                if rec[key]:
                    yield "h3", label
                    yield "p", rec[key]
            vote = rec.get("members_vote")
            if vote:
                yield (
                    "table",
                    (
                        "Vote des membres",
                        ["Pour", "Contre", "Abstention", "Participation", "Quorum"],
                        [
                            vote.get("for"),
                            vote.get("against"),
                            vote.get("abstain"),
                            vote.get("turnout"),
                            "atteint" if vote.get("quorum_met") else "non atteint",
                        ],
                    ),
                )
            judgment = rec.get("public_judgment")
            if judgment:
                yield (
                    "p",
                    (
                        f"Jugement du public : {judgment.get('majority_grade')} "
                        f"({judgment.get('judgments')} avis, rang {judgment.get('rank')})."
                    ),
                )
            answer = rec.get("answer")
            if answer:
                yield "h3", f"Réponse de la collectivité : {answer['kind_label']}"
                yield "p", answer["text"]
                if answer["reasons"]:
                    yield "p", f"Raisons : {answer['reasons']}"
            yield (
                "p",
                (f"{len(rec['versions'])} version(s), {len(rec['amendments'])} amendement(s)."),
            )


def render_docx(report: dict, *, edition: int | None = None) -> bytes:
    document = Document()
    document.core_properties.title = report["convention"]["title"]
    document.core_properties.language = "fr-FR"
    document.styles["Normal"].font.size = Pt(11)
    for kind, content in _text_blocks(report):
        if kind == "title":
            document.add_heading(content, level=0)
        elif kind in ("h1", "h2", "h3"):
            document.add_heading(content, level=int(kind[1]))
        elif kind == "li":
            document.add_paragraph(content, style="List Bullet")
        elif kind == "table":
            caption, headers, values = content
            document.add_paragraph(caption)
            table = document.add_table(rows=2, cols=len(headers))
            table.style = "Table Grid"
            for i, (header, value) in enumerate(zip(headers, values, strict=True)):
                table.rows[0].cells[i].text = str(header)
                table.rows[1].cells[i].text = "" if value is None else str(value)
        else:
            document.add_paragraph(content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_odt(report: dict, *, edition: int | None = None) -> bytes:
    document = OpenDocumentText()
    document.meta.addElement(Title(text=report["convention"]["title"]))
    heading_styles = {}
    for level, size in ((1, "18pt"), (2, "14pt"), (3, "12pt")):
        style = Style(name=f"Heading {level}", family="paragraph")
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
        document.styles.addElement(style)
        heading_styles[level] = style
    for kind, content in _text_blocks(report):
        if kind == "title":
            document.text.addElement(H(outlinelevel=1, stylename=heading_styles[1], text=content))
        elif kind in ("h1", "h2", "h3"):
            level = int(kind[1])
            document.text.addElement(
                H(
                    outlinelevel=min(level + 1, 3) if kind != "h1" else 1,
                    stylename=heading_styles[level],
                    text=content,
                )
            )
        elif kind == "table":
            caption, headers, values = content
            document.text.addElement(P(text=caption))
            table = Table(name=caption)
            table.addElement(TableColumn(numbercolumnsrepeated=len(headers)))
            for row_values in (headers, values):
                row = TableRow()
                for value in row_values:
                    cell = TableCell()
                    cell.addElement(P(text="" if value is None else str(value)))
                    row.addElement(cell)
                table.addElement(row)
            document.text.addElement(table)
        else:
            document.text.addElement(P(text=("• " if kind == "li" else "") + content))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


RENDERERS: dict[str, tuple[Callable[..., bytes | str], str]] = {
    "pdf": (render_pdf, "application/pdf"),
    "html": (render_html, "text/html; charset=utf-8"),
    "csv": (lambda report, edition=None: render_csv(report), "text/csv; charset=utf-8"),
    "json": (lambda report, edition=None: render_json(report), "application/json"),
    "odt": (render_odt, "application/vnd.oasis.opendocument.text"),
    "docx": (
        render_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}


def render(report: dict, fmt: str, edition: int | None = None) -> bytes:
    renderer, _mimetype = RENDERERS[fmt]
    output = renderer(report, edition=edition)
    return output.encode("utf-8") if isinstance(output, str) else output
