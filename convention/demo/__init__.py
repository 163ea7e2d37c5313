"""The Montpellier demo: two conventions (artificial intelligence, in its deliberation; mobility,
in its follow-up), invented people and the metropole's 31 communes, created through the same
services as the pages (`flask seed-demo`, which `make run` calls).

It sits above every other feature: it drafts, amends and votes through their services."""

from __future__ import annotations

from flask import Flask

from convention.demo.commands import seed_demo
from convention.demo.loading import accounts_table, load_demo

__all__ = ["accounts_table", "init_app", "load_demo"]


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
