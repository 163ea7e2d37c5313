"""Recommendation pages under a large convention (issue 3).

Seeds PostgreSQL with 10,000 recommendations, 100,000 versions and 1,000 amendments, then
measures the server time of the list page (20 a page, with each filter) and of recommendation
pages, with the number of SQL queries each makes. The baseline, measured in the same run, is a
bare Flask endpoint doing one `SELECT 1` on the same database.

    .venv/bin/python bench/recommendations.py [--quick] [--database-url URL]

Prints a table, then one line of JSON with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from convention import create_app  # noqa: E402
from convention.assembly import services as assembly  # noqa: E402
from convention.assembly.models import PhaseKind  # noqa: E402
from convention.auth.models import Role  # noqa: E402
from convention.auth.services import create_account  # noqa: E402
from convention.config import PROJECT_ROOT, database_url  # noqa: E402
from convention.extensions import db  # noqa: E402
from convention.proposals.models import (  # noqa: E402
    Amendment,
    AmendmentStatus,
    Recommendation,
    RecommendationVersion,
    Status,
)

WORDS = [
    "algorithme",
    "transparence",
    "santé",
    "mobilité",
    "transport",
    "données",
    "énergie",
    "école",
    "hôpital",
    "registre",
    "public",
    "habitants",
    "commune",
    "service",
    "usager",
    "numérique",
    "formation",
    "contrôle",
    "évaluation",
    "emploi",
    "climat",
    "eau",
    "déchets",
    "sobriété",
    "accès",
    "droits",
    "égalité",
]


def fresh_database(base_url: str, name: str) -> str:
    url = make_url(database_url(base_url))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "ca",
    "ce",
    "ci",
    "co",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "pi",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    """Pseudo-words used with a Zipf-like frequency, so that a search is about as selective
    as it would be on real texts."""
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)]


VOCABULARY = vocabulary(random.Random(1))


def sentence(rng: random.Random, n: int) -> str:
    words = []
    for _ in range(n):
        if rng.random() < 0.02:  # the real words of the searches, each in a few % of texts
            words.append(rng.choice(WORDS))
        else:
            rank = min(int(rng.paretovariate(1.1)) - 1, len(VOCABULARY) - 1)
            words.append(VOCABULARY[rank])
    return " ".join(words).capitalize() + "."


def bench_convention(theme_names: list[str], until: PhaseKind, **fields):
    """Staff, a convention with one theme and working group per name, a facilitator and 40
    members spread over the groups, its phases opened up to `until`. The other benchmarks use
    it too; call it in an app context with the schema migrated."""
    # Accounts are site-wide, roles are given per convention (the platform gives them here).
    staff = create_account("staff@bench.example", "Staff", "bench password", confirmed=True)
    convention = assembly.create_convention(None, **fields)
    assembly.appoint(None, convention, staff, Role.STAFF)
    themes = [assembly.add_theme(staff, convention, name) for name in theme_names]
    facilitator = create_account("f@bench.example", "F", "bench password", confirmed=True)
    assembly.appoint(None, convention, facilitator, Role.FACILITATOR)
    groups = [
        assembly.add_group(staff, convention, f"Groupe {t.name}", t, facilitator) for t in themes
    ]
    members = []
    for i in range(40):
        member = create_account(
            f"m{i}@bench.example",
            f"Membre {i}",
            "bench password",
            first_name=f"M{i}",
            confirmed=True,
        )
        assembly.appoint(None, convention, member, Role.MEMBER)
        assembly.add_member(staff, groups[i % len(groups)], member)
        members.append(member)
    while convention.current_phase != until:
        assembly.open_next_phase(staff, convention, expected=convention.current_phase)
    return staff, convention, themes, groups, members


def seed(app: Flask, n_recs: int, versions_per_rec: int, n_amendments: int) -> dict:
    rng = random.Random(42)
    started = time.perf_counter()
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        staff, convention, themes, groups, members = bench_convention(
            [f"Thème {i}" for i in range(5)],
            PhaseKind.DELIBERATION,
            slug="bench",
            title="Bench",
            question="Question ?",
        )
        db.session.commit()

        statuses = [Status.PUBLISHED] * 6 + [
            Status.DRAFT,
            Status.SUBMITTED,
            Status.ADOPTED,
            Status.WITHDRAWN,
        ]
        now = datetime.now(UTC)
        recs, versions = [], []
        for number in range(1, n_recs + 1):
            g = number % 5
            fields = {
                "title": sentence(rng, 6)[:200],
                "problem": sentence(rng, 40),
                "proposal": sentence(rng, 60),
                "impact": sentence(rng, 20),
                "carried_by": "",
                "cost": "",
                "risks": sentence(rng, 15),
                "evidence": "",
                "minority_opinion": "",
            }
            at = now - timedelta(minutes=number)
            recs.append(
                {
                    "id": number,
                    "convention_id": convention.id,
                    "group_id": groups[g].id,
                    "theme_id": themes[g].id,
                    "number": number,
                    "slug": f"recommandation-{number}",
                    "status": rng.choice(statuses),
                    "author_id": members[g].id,
                    "version_count": versions_per_rec,
                    "amendment_count": 0,
                    "comment_count": rng.randrange(50),
                    "created_at": at,
                    "updated_at": at,
                    "published_at": at,
                    **fields,
                }
            )
            for v in range(1, versions_per_rec + 1):
                versions.append(
                    {
                        "recommendation_id": number,
                        "number": v,
                        "author_id": members[g].id,
                        "note": "",
                        "created_at": at,
                        **fields,
                    }
                )
        for chunk in range(0, len(recs), 2000):
            db.session.execute(insert(Recommendation), recs[chunk : chunk + 2000])
        for chunk in range(0, len(versions), 5000):
            db.session.execute(insert(RecommendationVersion), versions[chunk : chunk + 5000])
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('recommendation', 'id'), :n)"), {"n": n_recs}
        )
        last_version = dict(
            db.session.execute(
                text(
                    "SELECT recommendation_id, max(id) FROM recommendation_version "
                    "GROUP BY recommendation_id"
                )
            ).all()
        )
        amendments, per_rec = [], {}
        for _ in range(n_amendments):
            rec_id = rng.randrange(1, n_recs + 1)
            per_rec[rec_id] = per_rec.get(rec_id, 0) + 1
            amendments.append(
                {
                    "recommendation_id": rec_id,
                    "number": per_rec[rec_id],
                    "author_id": members[rec_id % 5].id,
                    "base_version_id": last_version[rec_id],
                    "changes": {"impact": sentence(rng, 10)},
                    "justification": sentence(rng, 12),
                    "status": rng.choice(list(AmendmentStatus)),
                    "votes_for": 0,
                    "votes_against": 0,
                    "votes_abstain": 0,
                    "created_at": now,
                }
            )
        db.session.execute(insert(Amendment), amendments)
        for rec_id, count in per_rec.items():
            db.session.execute(
                text("UPDATE recommendation SET amendment_count = :c WHERE id = :id"),
                {"c": count, "id": rec_id},
            )
        db.session.execute(
            text(
                "INSERT INTO recommendation_search (recommendation_id, document) "
                "SELECT id, setweight(to_tsvector('french', title), 'A') || to_tsvector('french', "
                "problem || ' ' || proposal || ' ' || impact || ' ' || risks) FROM recommendation"
            )
        )
        db.session.commit()
        ids = {"theme": themes[2].id, "group": groups[3].id}
    # What autovacuum does on a live server: statistics and the visibility map.
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return {**ids, "seconds": round(time.perf_counter() - started, 1)}


def measure(client, urls: list[str], rounds: int, engine) -> dict:
    """Server time (median, p99) and SQL queries of GET requests cycling through `urls`, after
    a warm-up; also the size of the last page. The other benchmarks use it too."""
    queries = []

    def count(*_args):
        if queries:
            queries[-1] += 1

    event.listen(engine, "before_cursor_execute", count)
    times = []
    try:
        for url in urls[:3]:
            client.get(url)  # warm the caches and the connection pool
        for i in range(rounds):
            url = urls[i % len(urls)]
            queries.append(0)
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "requests": len(times),
        "html_kb": round(len(response.data) / 1024, 1),
    }


def bare_app(url: str) -> Flask:
    app = Flask("bare")
    engine = create_engine(url, pool_pre_ping=True)

    @app.get("/")
    def one_query():
        with engine.connect() as connection:
            return str(connection.execute(text("SELECT 1")).scalar())

    app.config["engine"] = engine
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    n_recs, per_rec, n_amend, rounds = (
        (2000, 10, 200, 100) if args.quick else (10000, 10, 1000, 400)
    )
    url = fresh_database(args.database_url, "convention_bench_recommendations")
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-long-enough-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_SERVER": None,
            "MAIL_DEFAULT_SENDER": "b@bench.example",
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    seeded = seed(app, n_recs, per_rec, n_amend)
    rng = random.Random(7)
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    pages = {
        "list, no filter": ["/recommandations"],
        "list, theme": [f"/recommandations?theme={seeded['theme']}"],
        "list, group + status": [f"/recommandations?groupe={seeded['group']}&statut=adopted"],
        "list, search": ["/recommandations?q=transparence+registre", "/recommandations?q=eau"],
        "list, most discussed": ["/recommandations?tri=discussed"],
        "list, random order": ["/recommandations?tri=random&graine=12345"],
        "list, page 100": ["/recommandations?page=100"],
        "recommendation page": [
            f"/recommandations/{rng.randrange(1, n_recs)}-recommandation" for _ in range(50)
        ],
    }
    # A recommendation page redirects to its slug: measure the final address.
    pages["recommendation page"] = [
        u.split("-")[0] + "-recommandation-" + u.split("/")[2].split("-")[0]
        for u in pages["recommendation page"]
    ]
    # The convention's pages live under its address.
    pages = {name: ["/c/bench" + u for u in addresses] for name, addresses in pages.items()}
    bare = bare_app(url)
    results = {
        "bare endpoint (SELECT 1)": measure(
            bare.test_client(), ["/"], rounds, bare.config["engine"]
        )
    }
    for name, urls in pages.items():
        visible = [u for u in urls if client.get(u).status_code == 200] or urls
        results[name] = measure(client, visible, rounds, engine)

    print(
        f"Recommendations benchmark: {n_recs} recommendations, {n_recs * per_rec} versions, "
        f"{n_amend} amendments in PostgreSQL (seeded in {seeded['seconds']} s)"
    )
    print(f"{'page':32} {'median ms':>10} {'p99 ms':>9} {'queries':>9} {'requests':>9}")
    for name, r in results.items():
        queries = (
            str(r["queries_min"])
            if r["queries_min"] == r["queries_max"]
            else f"{r['queries_min']}-{r['queries_max']}"
        )
        print(f"{name:32} {r['median_ms']:>10} {r['p99_ms']:>9} {queries:>9} {r['requests']:>9}")
    targets_met = all(
        r["median_ms"] < 30 and r["p99_ms"] < 100
        for name, r in results.items()
        if not name.startswith("bare")
    )
    print(
        f"Target (median < 30 ms, p99 < 100 ms on every page): "
        f"{'met' if targets_met else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "benchmark": "recommendations",
                "recommendations": n_recs,
                "versions": n_recs * per_rec,
                "amendments": n_amend,
                "seed_seconds": seeded["seconds"],
                "targets_met": targets_met,
                "pages": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
