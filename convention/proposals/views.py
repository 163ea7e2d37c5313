"""Recommendation pages."""
from __future__ import annotations

from flask import Blueprint

from convention.proposals import models  # noqa: F401  (the models must be known to the app)

bp = Blueprint("proposals", __name__)
