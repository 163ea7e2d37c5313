"""A live server with the demo convention, and Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from convention.demo import loading as demo
from convention.extensions import db
from tests.conftest import fresh_app

CHROMIUM = "/usr/bin/chromium"


@dataclass
class LiveServer:
    url: str
    app: Flask


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp_server):
    """The app on a real port, with its own migrated database and real commits."""
    with fresh_app(tmp_path_factory.mktemp("browser"), smtp_server[1], "browser") as app:
        with app.app_context():
            demo.load_demo()
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets axe-core be injected; the application's own pages never need it.
    context = browser.new_context(bypass_csp=True, locale="fr-FR")
    yield context.new_page()
    context.close()
