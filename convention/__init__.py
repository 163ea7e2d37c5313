"""Convention: a platform for local citizen conventions.

`from convention import create_app` gives the application factory (`convention.app`). It is
imported on first use, so that the pure packages such as `convention.sortition` and its command
line (`python -m convention.sortition`) load without Flask and the web app.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from convention.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        return importlib.import_module("convention.app").create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
