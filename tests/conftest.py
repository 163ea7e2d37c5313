"""Shared fixtures.

Each xdist worker gets its own database (a SQLite file, or a PostgreSQL database when
DATABASE_URL points to a server), built by the Alembic migrations, not by create_all. Each test
then runs inside a transaction that is rolled back, so tests share the schema and never see each
other's rows. Mail goes through a real SMTP server on localhost (aiosmtpd).
"""

from __future__ import annotations

import contextvars
import os
import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from convention import create_app
from convention.ballots import encryption
from convention.config import PROJECT_ROOT, database_url
from convention.extensions import db, limiter
from convention.jobs import progress as job_progress
from tests import factories

TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-checks-0123456789"

# The tests play the guarantors in the process that encrypts the ballots: a ballot this
# process made is not checked again by them (the tool run as a process and the public
# checker still check every one; tests/ballots checks the proofs themselves).
encryption.remember_own_ballots = True


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def fresh_database_url(tmp_dir, name: str) -> str:
    """A new, empty database for this worker: a SQLite file, or a recreated PostgreSQL database."""
    base = os.environ.get("DATABASE_URL")
    if not base or base.startswith("sqlite"):
        return f"sqlite:///{tmp_dir / (name + '.db')}"
    url = make_url(database_url(base))
    db_name = f"{url.database or 'convention'}_{name}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{db_name}"'))
    admin.dispose()
    return url.set(database=db_name).render_as_string(hide_password=False)


class Mailbox:
    """What the local SMTP server received."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def clear(self) -> None:
        self.messages.clear()

    def last_to(self, address: str) -> EmailMessage:
        matching = [m for m in self.messages if m["To"] == address]
        assert matching, f"no email sent to {address}; got {[m['To'] for m in self.messages]}"
        return matching[-1]

    def link_in(self, message: EmailMessage) -> str:
        body = message.get_body(("plain",)).get_content()
        return next(line.strip() for line in body.splitlines() if line.strip().startswith("http"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pango_missing() -> str | None:
    """Why WeasyPrint cannot render here (it needs the Pango system library), or None."""
    try:
        import weasyprint  # noqa: F401  (loading it is the check)
    except OSError as error:
        return f"WeasyPrint cannot load Pango ({error}); apt-get install libpango-1.0-0"
    return None


@pytest.fixture
def pdf_renderer():
    """Skip a PDF test on a machine without Pango, unless CI requires it (.ci/run does)."""
    reason = pango_missing()
    if reason and os.environ.get("REQUIRE_SYSTEM_LIBS"):
        pytest.fail(f"REQUIRE_SYSTEM_LIBS is set but {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Flask reuses an app context already pushed by the test, which would share `g`, the cached
    locale and the database session between requests; an empty contextvars context avoids that.
    The request's session is still bound to the test's connection, so it sees the test's rows
    and its writes are rolled back with them.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(db_url: str, smtp_port: int, **overrides):
    config = {
        "TESTING": True,
        "CONVENTION_ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "WTF_CSRF_ENABLED": False,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_DEFAULT_SENDER": "Convention <ne-pas-repondre@convention.example>",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "BASE_URL": "http://localhost",
        # Cheap Argon2id parameters: the algorithm is the same, only slower in production.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = FreshContextClient
    return application


MIGRATIONS = str(PROJECT_ROOT / "migrations")


@contextmanager
def fresh_app(tmp_dir, smtp_port: int, name: str, *, migrated: bool = True, **overrides):
    """An app on a new database of its own (see `fresh_database_url`), built by the
    migrations unless `migrated` is False; its connections are closed at the end."""
    overrides.setdefault("DEMO_GUARANTORS_DIR", str(tmp_dir / "demo-garants"))
    application = make_test_app(
        fresh_database_url(tmp_dir, f"{name}_{worker_id()}"), smtp_port, **overrides
    )
    if migrated:
        with application.app_context():
            upgrade(directory=MIGRATIONS)
    try:
        yield application
    finally:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp_server):
    with fresh_app(tmp_path_factory.mktemp("db"), smtp_server[1], "test") as application:
        yield application


@pytest.fixture(scope="module")
def committed_app(tmp_path_factory, smtp_server):
    """An app on its own migrated database where commits are real (for the tests that need
    several connections at once), with connections enough for the concurrency tests.
    Tests using it are marked `no_db`."""
    with fresh_app(
        tmp_path_factory.mktemp("committed"),
        smtp_server[1],
        "committed",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 30, "max_overflow": 0, "pool_timeout": 60},
    ) as application:
        yield application


@pytest.fixture(autouse=True)
def _rollback(request, app):
    """Run the test in a transaction rolled back at the end; commits become savepoints."""
    if "no_db" in request.keywords:
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, class_=Session, join_transaction_mode="create_savepoint"),
            scopefunc=original.registry.scopefunc,
        )
        # A job writes its progress through a session of its own; here it joins the test's
        # connection, the only one that sees the test's rows.
        own_progress_session = job_progress.progress_session
        job_progress.progress_session = lambda: Session(
            bind=connection, join_transaction_mode="create_savepoint"
        )
        limiter.reset()
        factories.forget_conventions()
        try:
            yield
        finally:
            job_progress.progress_session = own_progress_session
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def mailbox(smtp_server):
    box = smtp_server[0]
    box.clear()
    return box


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def query_counter(app):
    """Count SQL statements, to pin the number of queries a page makes (no N+1)."""

    class Counter:
        def __init__(self):
            self.statements: list[str] = []

        @property
        def count(self) -> int:
            return len(self.statements)

        def reset(self) -> None:
            self.statements.clear()

        def count_for(self, action) -> int:
            """Queries made by `action` (a request gets a fresh session of its own)."""
            self.reset()
            action()
            return self.count

        def __call__(self, conn, cursor, statement, *args):
            if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")):
                self.statements.append(statement)

    counter = Counter()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)
