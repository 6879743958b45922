"""index complaint.accepted_date: the statistics count 受理 by it

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_complaint_accepted_date"), "complaint", ["accepted_date"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_complaint_accepted_date"), table_name="complaint")
