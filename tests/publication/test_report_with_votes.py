"""The report carries the members' vote and the public judgment from the votes feature."""

import csv
import io

from pypdf import PdfReader

from convention.assembly.models import PhaseKind
from convention.publication.renderers import CSV_COLUMNS, render
from convention.publication.report import build_report
from convention.votes import consultation
from tests.proposals.conftest import open_phase
from tests.votes.conftest import build_vote_world, citizens, in_hours


def test_members_tally_seal_and_majority_grade_are_in_the_report_and_the_csv(app, pdf_renderer):
    world = build_vote_world(n_recs=2)
    current = world.to_consultation(adopted_count=2)
    for citizen in citizens(3):
        consultation.judge(citizen, current, {world.recs[0].id: 1, world.recs[1].id: 4})
    consultation.close_consultation(world.staff, current, now=in_hours(24 * 8))
    open_phase(world.staff, world.convention, PhaseKind.PUBLICATION)
    with app.test_request_context():
        report = build_report(world.convention)
        rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
        html = render(report, "html").decode()
        pdf_text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(render(report, "pdf"))).pages
        ).replace("\n", " ")
    recs = [r for theme in report["themes"] for r in theme["recommendations"]]
    first = recs[0]
    assert first["members_vote"]["for"] == len(world.voters)
    assert first["members_vote"]["quorum_met"] and len(first["members_vote"]["seal"]) == 64
    assert first["public_judgment"]["majority_grade"] == "Très bien"
    assert first["public_judgment"]["rank"] == 1 and recs[1]["public_judgment"]["rank"] == 2
    assert rows[0]["members_vote_for"] == str(len(world.voters))
    assert rows[0]["public_majority_grade"] == "Très bien"
    assert set(CSV_COLUMNS) == set(rows[0])
    assert first["members_vote"]["seal"] in html and "Très bien" in html
    voters = len(world.voters)
    for text in (html, pdf_text):
        assert f"{voters} pour, 0 contre, 0 abstention\u202f; participation {voters}" in text
        assert "mention majoritaire «\u202fTrès bien\u202f» (3 avis, rang 1)" in text
        assert "Excellent 0 · Très bien 3 · Bien 0" in text
    assert first["members_vote"]["seal"] in pdf_text.replace(" ", "")
