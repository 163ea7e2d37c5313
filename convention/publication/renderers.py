"""Each format of the final report, rendered from the same plain data structure.

Formats never read the database: they only read the dictionary made by `build_report` (or
frozen in an edition), which is why they always agree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from types import SimpleNamespace

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from flask import render_template
from odf.dc import Title
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import A, H, P, Span

from convention.config import PROJECT_ROOT
from convention.i18n import number, paris_date, site_language
from convention.publication.pdf_tuning import tuned_for_the_report
from convention.publication.wordprocessing import markdown_blocks
from convention.typography import french_html, french_text

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
    """The report as a standalone HTML page, typeset in French; the PDF renderer inlines the
    stylesheet."""
    css = (PROJECT_ROOT / "static/css/report.css").read_text() if inline_css else None
    html = render_template(
        "publication/report_document.html",
        report=report,
        edition=edition,
        css=css,
        say=SimpleNamespace(
            vote=vote_sentence,
            judgment=judgment_sentence,
            amendments=amendments_sentence,
            history=history_sentence,
            service=service_sentence,
            follow_up=follow_up_sentence,
            date=_date,
        ),
    )
    return french_html(html)


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


def _plural(n: int, one: str, many: str) -> str:
    """French agreement: 0 and 1 take the singular."""
    return f"{n} {one if n < 2 else many}"


def _date(value: str | None) -> str:
    """A day of the report in words, as French writes it (« 1er juin 2027 »); the report's
    data keep ISO dates, for machines."""
    if not value:
        return "—"
    moment: date | datetime = (
        datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    )
    return paris_date(moment)


def vote_sentence(vote: dict) -> str:
    """The members' vote as every edition writes it."""
    return (
        f"Vote des membres : {vote.get('for')} pour, {vote.get('against')} contre, "
        f"{_plural(vote.get('abstain') or 0, 'abstention', 'abstentions')} ; "
        f"participation {vote.get('turnout')} ; "
        f"quorum {'atteint' if vote.get('quorum_met') else 'non atteint'}."
    )


def judgment_sentence(judgment: dict) -> str:
    distribution = " · ".join(
        f"{grade} {count}"
        for grade, count in zip(judgment["grades"], judgment["counts"], strict=True)
    )
    return (
        f"Jugement du public : mention majoritaire « {judgment.get('majority_grade')} » "
        f"({_plural(judgment.get('judgments') or 0, 'avis', 'avis')}, rang {judgment.get('rank')})."
        f" Répartition : {distribution}."
    )


def amendments_sentence(amendments: list[dict]) -> str:
    return (
        "Amendements : "
        + " ; ".join(
            f"n° {a['number']} {a['status_label']} ({a['for']} pour, {a['against']} contre, "
            f"{_plural(a['abstain'] or 0, 'abstention', 'abstentions')})"
            for a in amendments
        )
        + "."
    )


def history_sentence(versions: list[dict]) -> str:
    last = f", la dernière du {_date(versions[-1]['date'])}" if versions else ""
    return f"Historique : {_plural(len(versions), 'version', 'versions')}{last}."


def service_sentence(answer: dict) -> str:
    assessment = answer.get("assessment") or {}
    average = number(assessment.get("average") or 0, 1)
    graded = (
        f" · Évaluation par les membres : {average} sur 10 "
        f"({_plural(assessment['count'], 'note', 'notes')})"
        if assessment.get("count")
        else ""
    )
    return f"Service responsable : {answer['service']}{graded}"


def follow_up_sentence(update: dict) -> str:
    return f"Suivi au {_date(update['date'])} : {update['progress']} %."


SECTIONS = (
    ("Le problème auquel elle répond", "problem"),
    ("La recommandation", "proposal"),
    ("Impact attendu", "impact"),
    ("Qui la mettrait en œuvre", "carried_by"),
    ("Coût ou effort estimé", "cost"),
    ("Risques et garde-fous", "risks"),
    ("Auditions et documents", "evidence"),
    ("Avis minoritaire", "minority_opinion"),
)


def _text_blocks(report: dict, edition: int | None):
    """The document's content as (kind, content) pairs, shared by the word-processor formats,
    typeset in French like the HTML and PDF editions."""
    for kind, content in _blocks(report, edition):
        if kind == "table":
            caption, headers, rows = content
            yield (
                kind,
                (
                    french_text(caption),
                    [french_text(h) for h in headers],
                    [[french_text(str(v)) if v is not None else None for v in row] for row in rows],
                ),
            )
        else:
            yield kind, french_text(content)


def _blocks(report: dict, edition: int | None):
    """The document's content as (kind, content) pairs: the same facts, in the same
    sentences, as the HTML and PDF editions (templates/publication/report_document.html).
    `md` holds Markdown, rendered as formatting; `table` holds (caption, headers, rows)."""
    convention = report["convention"]
    yield "title", convention["title"]
    yield "p", convention["question"]
    if convention["authority"]:
        yield "p", convention["authority"]
    which = f"édition {edition}" if edition else "brouillon"
    yield "p", f"Rapport final ({which}) · {_date(report['generated_at'])}"
    yield "p", f"{report['recommendation_count']} recommandations adoptées · {report['licence']}"
    process = report["process"]
    yield "h1", "Le processus"
    if convention.get("description"):
        yield "md", convention["description"]
    yield (
        "table",
        (
            "Calendrier",
            ["Phase", "Début", "Fin"],
            [[p["label"], _date(p["starts_on"]), _date(p["ends_on"])] for p in process["phases"]],
        ),
    )
    yield (
        "table",
        (
            f"Les {process['members']['total']} membres par commune",
            ["Commune", "Membres"],
            [[row["commune"], row["count"]] for row in process["members"]["by_commune"]],
        ),
    )
    for profile in process["members"]["by_profile"]:
        yield (
            "table",
            (
                f"Les membres tirés au sort par {profile['feature']}",
                [profile["feature"], "Membres"],
                [[row["value"], row["count"]] for row in profile["values"]],
            ),
        )
    if process.get("hearings"):
        yield "h2", "Les auditions"
        for h in process["hearings"]:
            role = f", {h['role']}" if h.get("role") else ""
            yield (
                "li",
                f"{_date(h['held_on'])} — {h['title']} ({h['expert']}{role}). "
                f"Liens d'intérêts : {h.get('declared_interests') or 'aucun'}",
            )
    for theme in report["themes"]:
        yield "h1", theme["name"]
        for rec in theme["recommendations"]:
            yield "h2", f"{rec['reference']} · {rec['title']}"
            yield "p", rec["group"]
            for label, key in SECTIONS:
                if rec[key]:
                    yield "h3", label
                    yield "md", rec[key]
            yield "h3", "Votes et historique"
            vote = rec.get("members_vote")
            if vote:
                yield "p", vote_sentence(vote)
                if vote.get("seal"):
                    yield "p", f"Scellé SHA-256 : {vote['seal']}"
            if rec.get("public_judgment"):
                yield "p", judgment_sentence(rec["public_judgment"])
            if rec["amendments"]:
                yield "p", amendments_sentence(rec["amendments"])
            yield "p", history_sentence(rec["versions"])
            answer = rec.get("answer")
            if answer:
                yield "h3", f"Réponse de la collectivité : {answer['kind_label']}"
                yield "md", answer["text"]
                if answer["reasons"]:
                    yield "p", f"Raisons : {answer['reasons']}"
                if answer.get("due_on"):
                    yield "p", f"Échéance : {_date(answer['due_on'])}"
                yield "p", service_sentence(answer)
            for update in rec.get("follow_up") or []:
                yield "p", follow_up_sentence(update)
                if update.get("text"):
                    yield "md", update["text"]


def _docx_hyperlink(paragraph, text: str, href: str, bold: bool, italic: bool) -> None:
    """A real hyperlink in a DOCX paragraph (python-docx has no API for it: the relationship
    and the <w:hyperlink> element are written as the format describes them)."""
    relation = paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for flag, tag in ((bold, "w:b"), (italic, "w:i")):
        if flag:
            properties.append(OxmlElement(tag))
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    content = OxmlElement("w:t")
    content.text = text
    content.set(qn("xml:space"), "preserve")
    run.append(content)
    link.append(run)
    paragraph._p.append(link)


def _docx_markdown(document, source: str) -> None:
    for block in markdown_blocks(source):
        style = {"bullet": "List Bullet", "number": "List Number"}.get(block.kind)
        paragraph = document.add_paragraph(style=style)
        for piece in block.runs:
            if piece.href:
                _docx_hyperlink(paragraph, piece.text, piece.href, piece.bold, piece.italic)
            else:
                run = paragraph.add_run(piece.text)
                run.bold, run.italic = piece.bold or None, piece.italic or None


def render_docx(report: dict, *, edition: int | None = None) -> bytes:
    document = Document()
    document.core_properties.title = report["convention"]["title"]
    document.core_properties.language = "fr-FR"
    document.styles["Normal"].font.size = Pt(11)
    for kind, content in _text_blocks(report, edition):
        if kind == "title":
            document.add_heading(content, level=0)
        elif kind in ("h1", "h2", "h3"):
            document.add_heading(content, level=int(kind[1]))
        elif kind == "li":
            document.add_paragraph(content, style="List Bullet")
        elif kind == "md":
            _docx_markdown(document, content)
        elif kind == "table":
            caption, headers, rows = content
            document.add_paragraph(caption)
            table = document.add_table(rows=1 + len(rows), cols=len(headers))
            table.style = "Table Grid"
            for r, values in enumerate([headers, *rows]):
                for i, value in enumerate(values):
                    table.rows[r].cells[i].text = "" if value is None else str(value)
        else:
            document.add_paragraph(content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _odt_styles(document) -> dict[str, Style]:
    styles = {}
    for level, size in ((1, "18pt"), (2, "14pt"), (3, "12pt")):
        style = Style(name=f"Heading {level}", family="paragraph")
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
        document.styles.addElement(style)
        styles[f"h{level}"] = style
    for name, properties in (
        ("Gras", {"fontweight": "bold"}),
        ("Italique", {"fontstyle": "italic"}),
        ("Gras italique", {"fontweight": "bold", "fontstyle": "italic"}),
    ):
        style = Style(name=name, family="text")
        style.addElement(TextProperties(**properties))
        document.automaticstyles.addElement(style)
        styles[name] = style
    return styles


def _odt_markdown(document, styles: dict[str, Style], source: str) -> None:
    for block in markdown_blocks(source):
        paragraph = P()
        if block.kind == "bullet":
            paragraph.addText("• ")
        elif block.kind == "number":
            paragraph.addText(f"{block.number}. ")
        for piece in block.runs:
            name = {(True, False): "Gras", (False, True): "Italique", (True, True): "Gras italique"}
            style = name.get((piece.bold, piece.italic))
            inner = Span(stylename=styles[style], text=piece.text) if style else None
            if piece.href:
                link = A(type="simple", href=piece.href)
                if inner is not None:
                    link.addElement(inner)
                else:
                    link.addText(piece.text)
                paragraph.addElement(link)
            elif inner is not None:
                paragraph.addElement(inner)
            else:
                paragraph.addText(piece.text)
        document.text.addElement(paragraph)


def render_odt(report: dict, *, edition: int | None = None) -> bytes:
    document = OpenDocumentText()
    document.meta.addElement(Title(text=report["convention"]["title"]))
    styles = _odt_styles(document)
    for kind, content in _text_blocks(report, edition):
        if kind == "title":
            document.text.addElement(H(outlinelevel=1, stylename=styles["h1"], text=content))
        elif kind in ("h1", "h2", "h3"):
            level = int(kind[1])
            document.text.addElement(
                H(outlinelevel=level + 1, stylename=styles[kind], text=content)
            )
        elif kind == "md":
            _odt_markdown(document, styles, content)
        elif kind == "table":
            caption, headers, rows = content
            document.text.addElement(P(text=caption))
            table = Table(name=caption)
            table.addElement(TableColumn(numbercolumnsrepeated=len(headers)))
            for values in [headers, *rows]:
                row = TableRow()
                for value in values:
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
    """The report in one format, written in the site's language (French) whoever asks for
    it: its sentences are French, so are its dates and numbers."""
    renderer, _mimetype = RENDERERS[fmt]
    with site_language():
        output = renderer(report, edition=edition)
    return output.encode("utf-8") if isinstance(output, str) else output
