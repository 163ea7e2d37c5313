"""A long discussion (issue 4): a thread of 2,000 comments rendered on its page.

Seeds PostgreSQL with one recommendation whose thread holds 2,000 comments (top-level comments
with replies on three levels, upvotes, edits, hidden and deleted ones), then measures the server
time of its page: first and last page, both sorts, the "for and against" view, and the live
update, with the number of SQL queries. The baseline, in the same run, is the page of a
recommendation with no comment.

    .venv/bin/python bench/discussion.py [--quick] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from bench.recommendations import fresh_database, measure  # noqa: E402
from convention import create_app  # noqa: E402
from convention.assembly import services as assembly  # noqa: E402
from convention.assembly.models import PhaseKind  # noqa: E402
from convention.auth.models import Role  # noqa: E402
from convention.auth.services import create_account  # noqa: E402
from convention.config import PROJECT_ROOT  # noqa: E402
from convention.discussion.models import Comment, Stance, TargetKind, Thread  # noqa: E402
from convention.discussion.queries import PER_PAGE  # noqa: E402
from convention.extensions import db  # noqa: E402
from convention.markdown import render_markdown  # noqa: E402
from convention.proposals import services as proposals  # noqa: E402


def seed(app, n_comments: int) -> dict:
    rng = random.Random(3)
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        # Accounts are site-wide, roles are given per convention (the platform gives them).
        staff = create_account("staff@bench.example", "Staff", "bench password", confirmed=True)
        convention = assembly.create_convention(None, slug="b", title="B", question="Q ?")
        assembly.appoint(None, convention, staff, Role.STAFF)
        group = assembly.add_group(staff, convention, "Groupe", None)
        people = []
        for i in range(300):
            role = Role.MEMBER if i < 40 else Role.CITIZEN
            person = create_account(
                f"p{i}@bench.example",
                f"Personne {i}",
                "bench password",
                first_name=f"P{i}",
                confirmed=True,
            )
            if role == Role.MEMBER:
                assembly.appoint(None, convention, person, role)
                assembly.add_member(staff, group, person)
            people.append(person)
        while convention.current_phase != PhaseKind.DELIBERATION:
            assembly.open_next_phase(staff, convention, expected=convention.current_phase)
        fields = {"title": "Une recommandation très discutée", "problem": "P", "proposal": "R"}
        busy = proposals.draft_recommendation(people[0], convention, group, fields)
        quiet = proposals.draft_recommendation(
            people[1], convention, group, {**fields, "title": "Une recommandation calme"}
        )
        for rec in (busy, quiet):
            proposals.publish(rec.author, rec, convention)
        thread = Thread.on(
            TargetKind.RECOMMENDATION,
            busy.id,
            convention_id=convention.id,
            members_only=False,
            comment_count=n_comments,
        )
        db.session.add(thread)
        db.session.flush()
        start = datetime.now(UTC) - timedelta(days=10)
        rows, parents = [], []
        for i in range(1, n_comments + 1):
            author = rng.choice(people)
            depth, parent, root = 0, None, None
            if parents and rng.random() < 0.7:
                parent_row = rng.choice(parents[-200:])
                if parent_row["depth"] < 2:
                    depth, parent, root = (
                        parent_row["depth"] + 1,
                        parent_row["id"],
                        parent_row["root_id"],
                    )
            body = f"Commentaire **{i}** : " + " ".join(
                rng.choice(
                    [
                        "je",
                        "pense",
                        "que",
                        "cette",
                        "mesure",
                        "est",
                        "utile",
                        "coûteuse",
                        "juste",
                        "risquée",
                        "pour",
                        "les",
                        "habitants",
                    ]
                )
                for _ in range(40)
            )
            row = {
                "id": i,
                "thread_id": thread.id,
                "author_id": author.id,
                "parent_id": parent,
                "root_id": root or i,
                "depth": depth,
                "stance": rng.choice(list(Stance)),
                "body": body,
                "body_html": str(render_markdown(body)),
                "by_member": author.role_in(convention.id) == Role.MEMBER,
                "upvote_count": rng.randrange(30),
                "report_count": 0,
                "created_at": start + timedelta(minutes=i),
                "deleted_at": start if i % 97 == 0 else None,
                "hidden_at": start if i % 131 == 0 else None,
                "hidden_reason": "Propos injurieux" if i % 131 == 0 else None,
                "pending_review": False,
            }
            rows.append(row)
            parents.append(row)
        db.session.execute(insert(Comment), rows)
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('comment', 'id'), :n)"), {"n": n_comments}
        )
        db.session.execute(
            text("UPDATE recommendation SET comment_count = :n WHERE id = :id"),
            {"n": n_comments, "id": busy.id},
        )
        db.session.commit()
        roots = sum(1 for r in rows if r["depth"] == 0)
        result = {
            "busy": f"/c/b/recommandations/{busy.number}-{busy.slug}",
            "quiet": f"/c/b/recommandations/{quiet.number}-{quiet.slug}",
            "live": f"/c/b/discussions/recommendation/{busy.id}/nouveaux?apres={n_comments - 20}",
            "roots": roots,
        }
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    n_comments, rounds = 2000, (60 if args.quick else 300)
    url = fresh_database(args.database_url, "convention_bench_discussion")
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
    seeded = seed(app, n_comments)
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    last_page = -(-seeded["roots"] // PER_PAGE)
    cases = {
        "baseline: page without comments": seeded["quiet"],
        "2,000 comments, first page": seeded["busy"],
        f"2,000 comments, last page ({last_page})": f"{seeded['busy']}?page={last_page}",
        "2,000 comments, most upvoted": f"{seeded['busy']}?tri=upvoted",
        "2,000 comments, for and against": f"{seeded['busy']}?vue=colonnes",
        "live update (20 new comments)": seeded["live"],
    }
    results = {name: measure(client, [address], rounds, engine) for name, address in cases.items()}
    print(
        f"Discussion benchmark: one thread of {n_comments} comments "
        f"({seeded['roots']} conversations, {PER_PAGE} a page) in PostgreSQL"
    )
    print(f"{'page':40} {'median ms':>10} {'p99 ms':>9} {'queries':>8} {'HTML kB':>8}")
    for name, r in results.items():
        print(
            f"{name:40} {r['median_ms']:>10} {r['p99_ms']:>9} {r['queries_max']:>8} "
            f"{r['html_kb']:>8}"
        )
    met = all(r["median_ms"] < 100 for n, r in results.items() if n.startswith("2,000"))
    print(
        f"Target (a 2,000-comment thread under 100 ms server time): {'met' if met else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "benchmark": "discussion",
                "comments": n_comments,
                "conversations": seeded["roots"],
                "target_met": met,
                "pages": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
