"""Fixtures for the sortition tests: they need neither the web app nor its database."""

from __future__ import annotations

from pathlib import Path

import pytest

from convention.sortition import prepare, read_quotas, read_respondents

DATA = Path(__file__).resolve().parent / "data"
# Shared instances live beside the checkout (/work/main/../shared); never copied into the repo.
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "sortition-data"


@pytest.fixture(autouse=True)
def _rollback():
    """Override the project's database fixture: these tests touch no database."""
    yield


def load(folder: Path, k: int):
    pool = read_respondents((folder / "respondents.csv").read_bytes())
    quotas = read_quotas((folder / "categories.csv").read_bytes())
    return prepare(pool, quotas, k)


def expected_marginals(folder: Path) -> list[float]:
    lines = (folder / "measured_leximin_marginals.csv").read_text().split()[1:]
    return [float(line.split(",")[1]) for line in lines]


@pytest.fixture(scope="session")
def opendlp():
    """Apache-2.0 demo pool copied into tests/sortition/data (see its README)."""
    return load(DATA / "opendlp_monitoring_100_30", 30)


@pytest.fixture(scope="session")
def small_20():
    """GPL instance, read from the shared folder only."""
    folder = SHARED / "example_small_20"
    if not folder.is_dir():
        pytest.skip(f"shared instance folder {folder} is absent")
    return load(folder, 20), expected_marginals(folder)
