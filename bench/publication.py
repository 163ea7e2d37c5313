"""The final report (issue 6): 150 adopted recommendations with their traces, in every format.

Seeds PostgreSQL with 150 adopted recommendations (5 versions and 2 decided amendments each,
a closed members' ballot with 40 votes, the public's grades from 30 residents in a closed
consultation, an official answer and follow-up updates), then times
building the report's data and rendering each format, and reports the process's peak memory.
The baseline, in the same run, is rendering the report with a single recommendation.
Then it publishes an edition (every format rendered once and kept, as the worker does) and
times a public download of its PDF, which reads the kept file instead of rendering.

    .venv/bin/python bench/publication.py [--quick] [--database-url URL]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bench.recommendations import bench_convention, fresh_database, sentence  # noqa: E402
from convention import create_app  # noqa: E402
from convention.assembly import services as assembly  # noqa: E402
from convention.assembly.models import PhaseKind  # noqa: E402
from convention.auth.models import (
    Role,  # noqa: E402
    User,  # noqa: E402
)
from convention.auth.services import create_account  # noqa: E402
from convention.config import PROJECT_ROOT  # noqa: E402
from convention.extensions import db  # noqa: E402
from convention.proposals.models import (  # noqa: E402
    Amendment,
    AmendmentStatus,
    Choice,
    Recommendation,
    RecommendationVersion,
    Status,
)
from convention.publication import jobs, services  # noqa: E402
from convention.publication.models import Answer, AnswerKind, FollowUpUpdate  # noqa: E402
from convention.publication.renderers import RENDERERS, render  # noqa: E402
from convention.publication.report import build_report  # noqa: E402
from convention.votes import adoption, consultation, rules  # noqa: E402


def seed(app, n_recs: int) -> int:
    rng = random.Random(5)
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        staff, convention, themes, groups, members = bench_convention(
            ["Santé", "Mobilités", "Transition écologique", "Justice sociale", "Services publics"],
            PhaseKind.MEMBERS_VOTE,
            slug="p",
            title="Convention citoyenne",
            question="Quelle IA ?",
            authority="Métropole",
        )
        now = datetime.now(UTC)
        recs, versions, amendments = [], [], []
        for n in range(1, n_recs + 1):
            text = {
                "title": sentence(rng, 8)[:200],
                "problem": sentence(rng, 120),
                "proposal": sentence(rng, 200),
                "impact": sentence(rng, 60),
                "carried_by": sentence(rng, 10),
                "cost": sentence(rng, 10),
                "risks": sentence(rng, 60),
                "evidence": sentence(rng, 30),
                "minority_opinion": sentence(rng, 40) if n % 4 == 0 else "",
            }
            g = n % 5
            recs.append(
                {
                    "id": n,
                    "convention_id": convention.id,
                    "group_id": groups[g].id,
                    "theme_id": themes[g].id,
                    "number": n,
                    "slug": f"r{n}",
                    "status": Status.SUBMITTED,
                    "author_id": members[g].id,
                    "version_count": 5,
                    "amendment_count": 2,
                    "comment_count": 0,
                    "created_at": now,
                    "updated_at": now,
                    "published_at": now,
                    **text,
                }
            )
            for v in range(1, 6):
                versions.append(
                    {
                        "recommendation_id": n,
                        "number": v,
                        "note": f"v{v}",
                        "author_id": members[g].id,
                        "created_at": now - timedelta(days=6 - v),
                        **text,
                    }
                )
        db.session.execute(insert(Recommendation), recs)
        db.session.execute(insert(RecommendationVersion), versions)
        first_versions = dict(
            db.session.execute(
                select(RecommendationVersion.recommendation_id, RecommendationVersion.id).where(
                    RecommendationVersion.number == 1
                )
            ).all()
        )
        for n in range(1, n_recs + 1):
            for a in (1, 2):
                amendments.append(
                    {
                        "recommendation_id": n,
                        "number": a,
                        "author_id": members[n % 5].id,
                        "base_version_id": first_versions[n],
                        "changes": {"impact": sentence(rng, 20)},
                        "justification": sentence(rng, 20),
                        "status": AmendmentStatus.ACCEPTED if a == 1 else AmendmentStatus.REJECTED,
                        "votes_for": rng.randrange(9),
                        "votes_against": rng.randrange(9),
                        "votes_abstain": rng.randrange(3),
                        "created_at": now,
                    }
                )
        db.session.execute(insert(Amendment), amendments)
        db.session.commit()
        rules.update_rules(
            staff,
            convention,
            quorum_percent=50,
            threshold="1/2",
            abstentions_count=False,
            secret=False,
            ungraded_as_reject=True,
            results_hidden_until_close=True,
        )
        all_recs = db.session.scalars(select(Recommendation)).all()
        ballots = adoption.open_ballots(staff, convention, all_recs, now + timedelta(hours=4))
        for ballot in ballots:
            for member in members:
                adoption.cast_vote(
                    member, ballot, Choice.FOR if rng.random() < 0.8 else Choice.AGAINST
                )
        db.session.commit()
        for ballot in ballots:
            adoption.close_ballot(staff, ballot, convention)
        assembly.open_next_phase(staff, convention, expected=PhaseKind.MEMBERS_VOTE)
        # The public's majority judgment is part of each recommendation's entry in the report.
        current = consultation.open_consultation(staff, convention, now + timedelta(days=7))
        for i in range(30):
            citizen = create_account(
                f"c{i}@bench.example",
                f"Habitant {i}",
                "bench password",
                role=Role.CITIZEN,
                confirmed=True,
            )
            consultation.judge(citizen, current, {rec.id: rng.randrange(7) for rec in all_recs})
        consultation.close_consultation(staff, current)
        db.session.commit()
        assembly.open_next_phase(staff, convention, expected=PhaseKind.CONSULTATION)
        for rec in all_recs:
            kind = rng.choice(list(AnswerKind))
            db.session.add(
                Answer(
                    recommendation=rec,
                    kind=kind,
                    service="Direction",
                    public_text=sentence(rng, 80),
                    reasons=sentence(rng, 30) if kind == AnswerKind.REJECTED else "",
                    due_on=date(2030, 1, 1) if kind == AnswerKind.UNDER_STUDY else None,
                    published_at=now,
                )
            )
            for p in (20, 50):
                db.session.add(
                    FollowUpUpdate(
                        recommendation=rec,
                        happened_on=date(2027, 6, 1),
                        progress=p,
                        text=sentence(rng, 30),
                    )
                )
        db.session.commit()
        return convention.id


def timed(action) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds: on a machine shared with other work the wall clock drifts
    with their load, the process's CPU time much less."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = action()
    return (
        round(time.perf_counter() - started, 3),
        round(time.process_time() - cpu_started, 3),
        result,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    n_recs = 40 if args.quick else 150
    url = fresh_database(args.database_url, "convention_bench_publication")
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-long-enough-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "MAIL_SERVER": None,
            "MAIL_DEFAULT_SENDER": "b@bench.example",
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
            "BASE_URL": "http://bench.example",
        }
    )
    seed_seconds, _cpu, convention_id = timed(lambda: seed(app, n_recs))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = {}
    with app.app_context(), app.test_request_context():
        from convention.assembly.models import Convention

        convention = db.session.get(Convention, convention_id)
        build_seconds, build_cpu, report = timed(lambda: build_report(convention))
        one = {
            **report,
            "themes": [
                {
                    **report["themes"][0],
                    "recommendations": report["themes"][0]["recommendations"][:1],
                }
            ],
        }
        render(one, "pdf")  # load fonts once, as a running server would have
        results["build the data (database reads)"] = {
            "seconds": build_seconds,
            "cpu_seconds": build_cpu,
            "bytes": None,
        }
        for fmt in RENDERERS:
            base_seconds, _cpu, _output = timed(lambda fmt=fmt: render(one, fmt))
            seconds, cpu, output = timed(lambda fmt=fmt: render(report, fmt))
            results[fmt] = {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "baseline_one_rec_seconds": base_seconds,
                "bytes": len(output),
            }
            if fmt == "pdf":
                pdf = output
        # Publication renders every format once and keeps the files (in the worker when
        # Redis is configured); a public download then only reads the kept file.
        staff = db.session.scalar(select(User).where(User.email == "staff@bench.example"))
        edition = services.publish_report(staff, convention)
        db.session.commit()
        number = edition.number
        files_seconds, files_cpu, _ = timed(lambda: jobs.render_edition(str(edition.id)))
        results["publication: all six files, once"] = {
            "seconds": files_seconds,
            "cpu_seconds": files_cpu,
            "bytes": None,
        }
    client = app.test_client()
    downloads = [timed(lambda: client.get(f"/c/p/rapport/editions/{number}.pdf")) for _ in range(5)]
    download = sorted(downloads, key=lambda measured: measured[0])[len(downloads) // 2]
    assert download[2].status_code == 200 and download[2].data.startswith(b"%PDF")
    results["public PDF download (kept file)"] = {
        "seconds": download[0],
        "cpu_seconds": download[1],
        "bytes": len(download[2].data),
    }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]  # other work on the machine slows the wall clock, not the CPU
    results["pdf"]["pages"] = len(PdfReader(io.BytesIO(pdf)).pages)  # after the measures
    recs = report["recommendation_count"]
    print(
        f"Publication benchmark: {recs} adopted recommendations with traces "
        f"(seeded in {seed_seconds} s; load average {load:.1f} on {os.cpu_count()} cores)"
    )
    print(f"{'step':34} {'seconds':>8} {'CPU s':>8} {'1 rec (s)':>10} {'size kB':>9}")
    for name, r in results.items():
        size = f"{r['bytes'] / 1024:.0f}" if r["bytes"] else "—"
        base = r.get("baseline_one_rec_seconds", "—")
        print(f"{name:34} {r['seconds']:>8} {r['cpu_seconds']:>8} {base:>10} {size:>9}")
    print(f"PDF pages: {results['pdf']['pages']}")
    print(f"peak memory of the process: {peak_mb:.0f} MB (before rendering: {rss_before:.0f} MB)")
    pdf_total = results["pdf"]["seconds"] + results["build the data (database reads)"]["seconds"]
    data_total = (
        max(results["csv"]["seconds"], results["json"]["seconds"])
        + results["build the data (database reads)"]["seconds"]
    )
    # The targets are for the full report of 150 recommendations; a quick run does not judge.
    met = (pdf_total < 10 and data_total < 1 and peak_mb < 500) if not args.quick else None
    verdict = {True: "met", False: "NOT met", None: "not judged (quick run, 40 recommendations)"}
    print(
        f"Targets for 150 recommendations (PDF < 10 s, CSV/JSON < 1 s, memory < 500 MB): "
        f"{verdict[met]}"
    )
    print(
        json.dumps(
            {
                "benchmark": "publication",
                "recommendations": recs,
                "pdf_seconds_with_data": round(pdf_total, 3),
                "csv_json_seconds_with_data": round(data_total, 3),
                "peak_memory_mb": round(peak_mb),
                "targets_met": met,
                "load_average": round(load, 1),
                "cores": os.cpu_count(),
                "steps": results,
            }
        )
    )


if __name__ == "__main__":
    main()
