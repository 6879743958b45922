"""rosters of volunteers and investigators, trainings, investigation tasks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "roster_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("id_no", sa.String(length=18), nullable=True),
        sa.Column("township", sa.String(length=40), nullable=False),
        sa.Column("community", sa.String(length=60), nullable=False),
        sa.Column("workplace", sa.String(length=100), nullable=False),
        sa.Column("occupation", sa.String(length=60), nullable=False),
        sa.Column("join_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.String(length=200), nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=False),
        sa.Column("skills", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("consent_method", sa.String(length=60), nullable=False),
        sa.Column("search_text", sa.String(length=500), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name=op.f("fk_roster_person_office_id_office")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_person")),
    )
    op.create_index(op.f("ix_roster_person_kind"), "roster_person", ["kind"], unique=False)
    op.create_index("ix_roster_person_kind_phone", "roster_person", ["kind", "phone"], unique=False)
    op.create_index(op.f("ix_roster_person_search_text"), "roster_person", ["search_text"], unique=False)
    op.create_index(
        "uq_roster_person_kind_id_no",
        "roster_person",
        ["kind", "id_no"],
        unique=True,
        sqlite_where=sa.text("id_no IS NOT NULL"),
        postgresql_where=sa.text("id_no IS NOT NULL"),
    )

    op.create_table(
        "roster_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["roster_person.id"],
            name=op.f("fk_roster_status_change_person_id_roster_person"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_status_change")),
    )
    op.create_index(op.f("ix_roster_status_change_person_id"), "roster_status_change", ["person_id"], unique=False)

    op.create_table(
        "roster_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("trainer", sa.String(length=100), nullable=False),
        sa.Column("audience", sa.String(length=100), nullable=False),
        sa.Column("other_attendees", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name=op.f("fk_roster_training_office_id_office")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_training")),
    )
    op.create_index(op.f("ix_roster_training_held_on"), "roster_training", ["held_on"], unique=False)

    op.create_table(
        "roster_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["roster_person.id"], name=op.f("fk_roster_attendance_person_id_roster_person")
        ),
        sa.ForeignKeyConstraint(
            ["training_id"], ["roster_training.id"],
            name=op.f("fk_roster_attendance_training_id_roster_training"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_attendance")),
        sa.UniqueConstraint("training_id", "person_id", name="uq_roster_attendance_training_person"),
    )
    op.create_index(op.f("ix_roster_attendance_person_id"), "roster_attendance", ["person_id"], unique=False)

    op.create_table(
        "roster_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("task_type", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("warning_refs", sa.String(length=500), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name=op.f("fk_roster_task_office_id_office")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_task")),
    )
    op.create_index(op.f("ix_roster_task_start_date"), "roster_task", ["start_date"], unique=False)

    op.create_table(
        "roster_task_assignee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["roster_person.id"], name=op.f("fk_roster_task_assignee_person_id_roster_person")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["roster_task.id"],
            name=op.f("fk_roster_task_assignee_task_id_roster_task"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_task_assignee")),
        sa.UniqueConstraint("task_id", "person_id", name="uq_roster_task_assignee_task_person"),
    )
    op.create_index(op.f("ix_roster_task_assignee_person_id"), "roster_task_assignee", ["person_id"], unique=False)

    op.create_table(
        "roster_task_complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"],
            name=op.f("fk_roster_task_complaint_complaint_id_complaint"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["roster_task.id"],
            name=op.f("fk_roster_task_complaint_task_id_roster_task"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_task_complaint")),
        sa.UniqueConstraint("task_id", "complaint_id", name="uq_roster_task_complaint_task_complaint"),
    )
    op.create_index(
        op.f("ix_roster_task_complaint_complaint_id"), "roster_task_complaint", ["complaint_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_task_complaint_complaint_id"), table_name="roster_task_complaint")
    op.drop_table("roster_task_complaint")
    op.drop_index(op.f("ix_roster_task_assignee_person_id"), table_name="roster_task_assignee")
    op.drop_table("roster_task_assignee")
    op.drop_index(op.f("ix_roster_task_start_date"), table_name="roster_task")
    op.drop_table("roster_task")
    op.drop_index(op.f("ix_roster_attendance_person_id"), table_name="roster_attendance")
    op.drop_table("roster_attendance")
    op.drop_index(op.f("ix_roster_training_held_on"), table_name="roster_training")
    op.drop_table("roster_training")
    op.drop_index(op.f("ix_roster_status_change_person_id"), table_name="roster_status_change")
    op.drop_table("roster_status_change")
    op.drop_index(
        "uq_roster_person_kind_id_no",
        table_name="roster_person",
        sqlite_where=sa.text("id_no IS NOT NULL"),
        postgresql_where=sa.text("id_no IS NOT NULL"),
    )
    op.drop_index(op.f("ix_roster_person_search_text"), table_name="roster_person")
    op.drop_index("ix_roster_person_kind_phone", table_name="roster_person")
    op.drop_index(op.f("ix_roster_person_kind"), table_name="roster_person")
    op.drop_table("roster_person")
