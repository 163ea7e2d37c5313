"""Placeholder, filled in by the work on issue 15.

Revision ID: 0009_jobs
Revises: 0008_report_edition_files
"""
from __future__ import annotations

revision = '0009_jobs'
down_revision = '0008_report_edition_files'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
