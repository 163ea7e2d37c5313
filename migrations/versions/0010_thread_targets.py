"""Placeholder, filled in by the work on issue 15.

Revision ID: 0010_thread_targets
Revises: 0009_jobs
"""
from __future__ import annotations

revision = '0010_thread_targets'
down_revision = '0009_jobs'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
