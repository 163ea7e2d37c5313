"""Votes (issue 5): majority-judgment results and casting judgments under load.

1. Results: 150 adopted recommendations, with 100,000 then 2,000,000 judgments in PostgreSQL
   (counters built from the judgments); the server-side time of `consultation.results` (SQL on
   the counters plus the ranking) must stay under 50 ms and not grow with the judgments.
2. Load: gunicorn (gthread) on PostgreSQL, 100 concurrent keep-alive clients on 127.0.0.1
   (an asyncio generator in this file) POST real grading forms (session cookie, CSRF token;
   the session is the one a sign-in from that address gives, so the form takes its usual path);
   the baseline, in the same run, is a bare Flask endpoint doing one INSERT.
   - Throughput, closed loop (each client sends its next request when the answer comes):
     rounds of both endpoints one after the other, bare first in even rounds and judgments
     first in odd ones (so a machine that drifts faster or slower favours neither). The
     ratio is the median of the rounds' ratios (each round's judgments against the bare
     endpoint measured beside it); the ratio of the two medians is printed too.
   - Latency, open loop at half the bare endpoint's throughput (the load the target asks the
     judgments to carry): requests are due at a fixed pace and latency counts from when each
     was due. In a closed loop of 100 clients the latency is 100 / throughput whatever the
     code (Little's law: ~100 ms for the bare endpoint itself), so p99 is read at that load.
   Afterwards the database is checked: no duplicate judgment, counters equal to the recount.

    .venv/bin/python bench/votes.py [--quick] [--database-url URL]

Prints a table, then one line of JSON with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask, request, session  # noqa: E402
from flask_login import login_user  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from flask_wtf.csrf import generate_csrf  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench.recommendations import fresh_database  # noqa: E402
from convention import create_app  # noqa: E402
from convention.auth.models import User  # noqa: E402
from convention.config import PROJECT_ROOT  # noqa: E402
from convention.extensions import db  # noqa: E402
from convention.votes import consultation, majority_judgment  # noqa: E402
from convention.votes.models import TALLY_SHARDS, Consultation  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
N_RECS = 150


def bench_app(url: str) -> Flask:
    return create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SESSION_COOKIE_SECURE": False,
            "CONVENTION_ENV": "production",
        }
    )


SEED_SQL = [
    """INSERT INTO user_account (email, display_name, password_hash, role, email_confirmed_at,
       created_at) SELECT 'c' || i || '@bench.example', 'Habitant ' || i, 'x', :role, now(), now()
       FROM generate_series(1, :n) AS i""",
]


def seed(app: Flask, citizens: int) -> dict:
    """A convention in consultation with N_RECS adopted recommendations and `citizens`
    confirmed residents, inserted in bulk."""
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        s = db.session
        s.execute(
            text(
                "INSERT INTO convention (slug, title, question, description, authority, "
                "current_phase, created_at) VALUES ('bench', 'Bench', 'Q ?', '', '', "
                "'consultation', now())"
            )
        )
        s.execute(
            text(
                "INSERT INTO user_account (email, display_name, password_hash, role, "
                "created_at) VALUES ('m@bench.example', 'M', 'x', 'citizen', now())"
            )
        )
        s.execute(text("INSERT INTO working_group (convention_id, name) VALUES (1, 'G')"))
        s.execute(
            text(
                "INSERT INTO recommendation (convention_id, group_id, number, slug, status, "
                "author_id, version_count, amendment_count, comment_count, created_at, updated_at, "
                "title, problem, proposal, impact, carried_by, cost, risks, evidence, "
                "minority_opinion) SELECT 1, 1, i, 'r-' || i, 'adopted', 1, 1, 0, 0, now(), now(), "
                "'Recommandation ' || i, 'p', 'p', '', '', '', '', '', '' "
                "FROM generate_series(1, :n) AS i"
            ),
            {"n": N_RECS},
        )
        s.execute(text(SEED_SQL[0]), {"role": "citizen", "n": citizens})
        s.execute(
            text(
                "INSERT INTO consultation (convention_id, ungraded_as_reject, "
                "results_hidden_until_close, opened_at, closes_at) VALUES "
                "(1, true, false, now() - interval '1 hour', now() + interval '1 day')"
            )
        )
        s.commit()
        # The residents who judge: confirmed citizens (not the recommendations' author).
        first_citizen = s.scalar(
            text("SELECT min(id) FROM user_account WHERE email_confirmed_at IS NOT NULL")
        )
    return {"first_citizen": first_citizen}


def load_judgments(app: Flask, total: int) -> float:
    """Replace the judgments by `total` random ones (every citizen grades every
    recommendation), then rebuild counters and turnout from them, as the service keeps them."""
    started = time.perf_counter()
    with app.app_context():
        s = db.session
        s.execute(
            text(
                "TRUNCATE judgment, judgment_tally, consultation_participant, consultation_turnout"
            )
        )
        # The counting triggers are off for the bulk load (a replica-role session skips them);
        # counters and turnout are then built in bulk, sharded as the triggers shard them.
        s.execute(text("SET LOCAL session_replication_role = replica"))
        per_rec = total // N_RECS
        s.execute(
            text(
                "INSERT INTO judgment (consultation_id, recommendation_id, citizen_id, grade, "
                "updated_at) SELECT 1, r.id, c.id, ((c.id * 2654435761 + r.id * 40503) % 1000003) "
                "% 7, now() FROM recommendation r CROSS JOIN (SELECT id FROM user_account WHERE "
                "email_confirmed_at IS NOT NULL ORDER BY id LIMIT :n) c"
            ),
            {"n": per_rec},
        )
        grades = ", ".join(f"count(*) FILTER (WHERE grade = {g})" for g in range(7))
        s.execute(
            text(
                f"INSERT INTO judgment_tally (recommendation_id, shard, grade_0, grade_1, grade_2, "
                f"grade_3, grade_4, grade_5, grade_6) SELECT recommendation_id, id % "
                f"{TALLY_SHARDS}, {grades} FROM judgment GROUP BY 1, 2"
            )
        )
        s.execute(
            text("INSERT INTO consultation_participant SELECT DISTINCT 1, citizen_id FROM judgment")
        )
        s.execute(
            text(
                f"INSERT INTO consultation_turnout SELECT 1, citizen_id % {TALLY_SHARDS}, "
                f"count(*) FROM consultation_participant GROUP BY 2"
            )
        )
        s.commit()
        s.execute(text("ANALYZE"))
        s.commit()
    return time.perf_counter() - started


def time_results(app: Flask, rounds: int) -> dict:
    with app.app_context():
        found = db.session.get(Consultation, 1)
        recs = consultation.adopted_in(1)
        samples, pure = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            ranked = consultation.results(found, recs)
            samples.append((time.perf_counter() - started) * 1000)
            counts = {r.recommendation.id: r.counts for r in ranked}
            started = time.perf_counter()
            majority_judgment.rank(counts)
            pure.append((time.perf_counter() - started) * 1000)
        total = sum(ranked[0].counts)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "max_ms": round(max(samples), 2),
        "rank_only_ms": round(statistics.median(pure), 2),
        "judgments_per_rec": total,
    }


# --- load test ------------------------------------------------------------------------------


def make_bare_app() -> Flask:
    """The baseline: a bare Flask endpoint doing one INSERT, on the same database."""
    engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_size=8, max_overflow=0)
    app = Flask("bare")

    @app.post("/bare")
    def bare():
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO bench_bare (citizen, grade) VALUES (:c, :g)"),
                {"c": int(request.form["c"]), "g": int(request.form["g"])},
            )
        return "", 302

    return app


def sessions(app: Flask, first_citizen: int, count: int) -> list[tuple[str, str]]:
    """Signed session cookies and CSRF tokens for `count` signed-in citizens, made by
    Flask-Login's login_user and Flask-WTF, so the load test needs no login round-trips."""
    out = []
    serializer = app.session_interface.get_signing_serializer(app)
    for i in range(count):
        # From the load generator's address with no User-Agent, as its requests come.
        with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
            login_user(db.session.get(User, first_citizen + i))
            token = generate_csrf()
            out.append((serializer.dumps(dict(session)), token))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    target: str, port: int, env: dict, cwd: Path, workers: int, threads: int
) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            target,
        ],
        cwd=cwd,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {target}")


async def exchange(reader, writer, head: str, body: bytes) -> tuple[bytes, bool]:
    """Send one request on a keep-alive connection; return the status line and whether the
    server closes the connection."""
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    status_line = await reader.readline()
    length, closing = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
        if name.lower() == "connection" and "close" in value.lower():
            closing = True
    if length:
        await reader.readexactly(length)
    return status_line, closing


def request_head(path: str, body: bytes, cookie: str | None) -> str:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        f"application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
    )
    if cookie:
        head += f"Cookie: session={cookie}\r\n"
    return head


async def client(
    port: int,
    path: str,
    make_body,
    cookie: str | None,
    stop_at: float,
    latencies: list,
    errors: list,
    interval: float | None,
    offset: float,
) -> None:
    """One client on one keep-alive connection. Closed loop (interval None): the next request
    leaves as soon as the answer arrives. Open loop: requests are due every `interval` seconds
    and latency counts from when a request was due, so a slow answer also delays (and is
    charged to) the requests queued behind it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    due = time.perf_counter() + offset
    try:
        while True:
            if interval is not None:
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                started = due
                due += interval
            else:
                started = time.perf_counter()
            if started >= stop_at:
                break
            body = make_body().encode()
            status_line, closing = await exchange(
                reader, writer, request_head(path, body, cookie), body
            )
            latencies.append((time.perf_counter() - started) * 1000)
            if not status_line.startswith(b"HTTP/1.1 302"):
                errors.append(status_line.decode().strip())
            if closing:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def load(
    port: int, path: str, bodies, cookies, seconds: float, rate: float | None = None
) -> dict:
    """`len(bodies)` concurrent clients for `seconds`; closed loop, or open loop at `rate`
    requests per second in all."""
    latencies, errors = [], []
    clients = len(bodies)
    interval = clients / rate if rate else None
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(
        *(
            client(
                port,
                path,
                bodies[i],
                cookies[i],
                stop_at,
                latencies,
                errors,
                interval,
                (interval or 0) * i / clients,
            )
            for i in range(clients)
        )
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)], 1),
        "errors": len(errors),
    }


def combine(runs: list[dict]) -> dict:
    """The median round for throughput and latency; errors of every round."""
    by_rps = sorted(runs, key=lambda r: r["rps"])
    middle = by_rps[len(by_rps) // 2]
    return {
        **middle,
        "errors": sum(r["errors"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "rounds_rps": [r["rps"] for r in runs],
    }


def load_test(
    app: Flask,
    url: str,
    first_citizen: int,
    clients: int,
    seconds: float,
    rounds: int,
    workers: int,
    threads: int,
) -> dict:
    """Closed loop: `rounds` rounds of both endpoints, the order alternating (so drifting
    machine load hits both alike); the median round is reported, and each round's ratio.
    Open loop: both endpoints at half the bare endpoint's median throughput, for the latency
    that load gives."""
    with app.app_context():
        rec_ids = consultation.adopted_ids(1)
        db.session.execute(
            text(
                "CREATE TABLE IF NOT EXISTS bench_bare (id serial PRIMARY KEY, "
                "citizen int, grade int)"
            )
        )
        db.session.commit()
    # People who have not judged yet, so the run both adds and changes judgments.
    base = first_citizen + 20000
    creds = sessions(app, base, clients)
    env = {
        **os.environ,
        "CONVENTION_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "SESSION_COOKIE_SECURE": "0",
    }
    rng = random.Random(3)

    def vote_body(i):
        def body():
            chosen = rng.sample(rec_ids, 3)
            return urlencode(
                {"csrf_token": creds[i][1], **{f"rec_{r}": str(rng.randrange(7)) for r in chosen}}
            )

        return body

    def bare_body(i):
        return lambda: urlencode({"c": base + i, "g": rng.randrange(7)})

    endpoints = {
        "bare INSERT": (
            "bench.votes:make_bare_app()",
            "/bare",
            [bare_body(i) for i in range(clients)],
            [None] * clients,
        ),
        "cast judgments": (
            "wsgi:app",
            "/c/bench/votes/consultation",
            [vote_body(i) for i in range(clients)],
            [c for c, _ in creds],
        ),
    }
    servers, ports = [], {}
    try:
        for name, (target, _path, _bodies, _cookies) in endpoints.items():
            ports[name] = free_port()
            servers.append(start_gunicorn(target, ports[name], env, ROOT, workers, threads))
        for name, (_target, path, bodies, cookies) in endpoints.items():
            asyncio.run(load(ports[name], path, bodies, cookies, 1.5))  # warm-up
        closed = {name: [] for name in endpoints}
        for round_number in range(rounds):
            names = list(endpoints) if round_number % 2 == 0 else list(endpoints)[::-1]
            for name in names:
                target, path, bodies, cookies = endpoints[name]
                closed[name].append(
                    asyncio.run(load(ports[name], path, bodies, cookies, seconds / rounds))
                )
        results = {"closed": {name: combine(runs) for name, runs in closed.items()}}
        results["round_ratios"] = [
            round(judged["rps"] / bare["rps"], 3)
            for judged, bare in zip(closed["cast judgments"], closed["bare INSERT"], strict=True)
        ]
        # The judgments at 80 % of their own closed-loop throughput: the latency a deployment
        # of this size gives near its capacity (run first: an overload leaves a backlog).
        own = round(results["closed"]["cast judgments"]["rps"] * 0.8, 1)
        target, path, bodies, cookies = endpoints["cast judgments"]
        results["open_own_rate"] = own
        results["open_own"] = asyncio.run(
            load(ports["cast judgments"], path, bodies, cookies, seconds / 2, own)
        )
        rate = round(results["closed"]["bare INSERT"]["rps"] / 2, 1)
        results["open_rate"] = rate
        results["open"] = {
            name: asyncio.run(load(ports[name], path, bodies, cookies, seconds / 2, rate))
            for name, (target, path, bodies, cookies) in endpoints.items()
        }
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    with app.app_context():
        s = db.session
        results["duplicates"] = s.scalar(
            text(
                "SELECT count(*) FROM (SELECT 1 FROM judgment GROUP BY recommendation_id, "
                "citizen_id HAVING count(*) > 1) d"
            )
        )
        counters = dict(
            s.execute(
                text(
                    "SELECT recommendation_id, sum(grade_0)+sum(grade_1)+sum(grade_2)+sum(grade_3)+"
                    "sum(grade_4)+sum(grade_5)+sum(grade_6) FROM judgment_tally GROUP BY 1"
                )
            ).all()
        )
        recounted = dict(
            s.execute(
                text(
                    "SELECT recommendation_id, count(*) FROM judgment WHERE grade IS NOT NULL "
                    "GROUP BY 1"
                )
            ).all()
        )
        per_grade_mismatch = s.scalar(
            text(
                "SELECT count(*) FROM (SELECT recommendation_id, grade, count(*) AS n "
                "FROM judgment WHERE grade IS NOT NULL GROUP BY 1, 2) j "
                "JOIN (SELECT recommendation_id, "
                + ", ".join(f"sum(grade_{g}) AS g{g}" for g in range(7))
                + " FROM judgment_tally GROUP BY 1) "
                "t USING (recommendation_id) WHERE n <> CASE grade "
                + " ".join(f"WHEN {g} THEN g{g}" for g in range(7))
                + " END"
            )
        )
        results["counters_equal_recount"] = counters == recounted and per_grade_mismatch == 0
        results["judgments_written"] = sum(recounted.values())
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (both endpoints)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    args = parser.parse_args()
    # The quick run keeps under a minute with a smaller second size; the full run shows 2M.
    sizes = [100_000, 250_000] if args.quick else [100_000, 2_000_000]
    clients = 100
    seconds, rounds = (8, 2) if args.quick else (60, 6)
    result_rounds = 20 if args.quick else 100
    url = fresh_database(args.database_url, "convention_bench_votes")
    os.environ["BENCH_DATABASE_URL"] = url
    app = bench_app(url)
    seeded = seed(app, citizens=20000 + clients)
    rows = []
    for size in sizes:
        seconds_to_load = load_judgments(app, size)
        figures = time_results(app, result_rounds)
        rows.append({"judgments": size, **figures, "seed_s": round(seconds_to_load, 1)})
    with app.app_context():
        db.session.execute(
            text(
                "TRUNCATE judgment, judgment_tally, consultation_participant, consultation_turnout"
            )
        )
        db.session.commit()
    load_figures = load_test(
        app, url, seeded["first_citizen"], clients, seconds, rounds, args.workers, args.threads
    )
    with app.app_context():
        db.engine.dispose()

    print(f"Votes benchmark ({'quick' if args.quick else 'full'}): {N_RECS} recommendations")
    print(f"{'judgments':>10} {'results median ms':>18} {'max ms':>8} {'rank only ms':>13}")
    for row in rows:
        print(
            f"{row['judgments']:>10} {row['median_ms']:>18} {row['max_ms']:>8} "
            f"{row['rank_only_ms']:>13}"
        )
    closed, opened = load_figures["closed"], load_figures["open"]
    print(
        f"\nLoad: {clients} concurrent keep-alive clients, gunicorn gthread "
        f"{args.workers}x{args.threads}, PostgreSQL, loopback. Closed loop: {rounds} rounds of "
        f"{seconds / rounds:g} s per endpoint, the order alternating, median round. Open "
        f"loop: {load_figures['open_rate']} req/s (half the bare throughput) for "
        f"{seconds / 2:g} s, latency from when each request was due."
    )
    print(f"{'endpoint':16} {'loop':6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for loop, figures in (("closed", closed), ("open", opened)):
        for name in ("bare INSERT", "cast judgments"):
            r = figures[name]
            print(
                f"{name:16} {loop:6} {r['rps']:>8} {r['p50_ms']:>8} {r['p99_ms']:>8} "
                f"{r['errors']:>7}"
            )
    r = load_figures["open_own"]
    print(
        f"{'cast judgments':16} {'open':6} {r['rps']:>8} {r['p50_ms']:>8} {r['p99_ms']:>8} "
        f"{r['errors']:>7}   (at 80 % of its own throughput: "
        f"{load_figures['open_own_rate']} req/s)"
    )
    ratios = load_figures["round_ratios"]
    ratio = statistics.median(ratios)
    ratio_of_medians = closed["cast judgments"]["rps"] / closed["bare INSERT"]["rps"]
    kept_up = opened["cast judgments"]["rps"] >= 0.95 * load_figures["open_rate"]
    print(
        f"judgments / bare throughput (closed loop), median of the rounds' ratios: "
        f"{ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)}; ratio of the "
        f"medians: {ratio_of_medians:.2f})"
    )
    print(
        f"at half the bare "
        f"throughput the judgments kept up: {kept_up}; duplicates: "
        f"{load_figures['duplicates']}; counters equal recount: "
        f"{load_figures['counters_equal_recount']} ({load_figures['judgments_written']} "
        f"judgments)"
    )
    errors = (
        closed["cast judgments"]["errors"]
        + opened["cast judgments"]["errors"]
        + load_figures["open_own"]["errors"]
    )
    ok = (
        all(r["median_ms"] < 50 for r in rows)
        and ratio >= 0.5
        and kept_up
        and opened["cast judgments"]["p99_ms"] < 100
        and errors == 0
        and load_figures["duplicates"] == 0
        and load_figures["counters_equal_recount"]
    )
    print(
        f"Targets (results < 50 ms; >= 0.5x bare throughput; p99 < 100 ms at that load; no "
        f"error, no duplicate): {'met' if ok else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "benchmark": "votes",
                "quick": args.quick,
                "results": rows,
                "load": load_figures,
                "throughput_ratio": round(ratio, 2),
                "throughput_ratio_of_medians": round(ratio_of_medians, 2),
                "gunicorn": {"workers": args.workers, "threads": args.threads},
                "targets_met": ok,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
