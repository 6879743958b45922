"""mediation sessions, agreements, amounts and reconciliation stations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Numeric(precision=14, scale=2), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "reconciliation_station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("conciliator_name", sa.String(length=60), nullable=False),
        sa.Column("conciliator_phone", sa.String(length=40), nullable=False),
        sa.Column("liaison_name", sa.String(length=60), nullable=False),
        sa.Column("liaison_phone", sa.String(length=40), nullable=False),
        sa.Column("established_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["business_id"], ["business.id"], name=op.f("fk_reconciliation_station_business_id_business")),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name=op.f("fk_reconciliation_station_office_id_office")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_station")),
        sa.UniqueConstraint("business_id", name=op.f("uq_reconciliation_station_business_id")),
    )
    with op.batch_alter_table("reconciliation_station", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reconciliation_station_office_id"), ["office_id"], unique=False)

    op.create_table(
        "mediation_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("seq_no", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("recorder_user_id", sa.Integer(), nullable=True),
        sa.Column("recorder_name", sa.String(length=60), nullable=False),
        sa.Column("consumer_attendees", sa.String(length=300), nullable=False),
        sa.Column("consumer_agent", sa.String(length=200), nullable=False),
        sa.Column("business_attendees", sa.String(length=300), nullable=False),
        sa.Column("business_agent", sa.String(length=200), nullable=False),
        sa.Column("identity_checked", sa.Boolean(), nullable=False),
        sa.Column("rights_explained", sa.Boolean(), nullable=False),
        sa.Column("recusal_explained", sa.Boolean(), nullable=False),
        sa.Column("recusal_requested", sa.Boolean(), nullable=False),
        sa.Column("recusal_request", sa.Text(), nullable=False),
        sa.Column("recusal_decision", sa.String(length=16), nullable=False),
        sa.Column("recusal_decided_date", sa.Date(), nullable=True),
        sa.Column("recusal_pause_id", sa.Integer(), nullable=True),
        sa.Column("consumer_statement", sa.Text(), nullable=False),
        sa.Column("business_statement", sa.Text(), nullable=False),
        sa.Column("evidence_shown", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("result_detail", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], name=op.f("fk_mediation_session_complaint_id_complaint"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorder_user_id"], ["app_user.id"], name=op.f("fk_mediation_session_recorder_user_id_app_user")),
        sa.ForeignKeyConstraint(["recusal_pause_id"], ["complaint_pause.id"],
                                name=op.f("fk_mediation_session_recusal_pause_id_complaint_pause"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_session")),
        sa.UniqueConstraint("complaint_id", "seq_no", name="uq_mediation_session_complaint_seq"),
    )
    with op.batch_alter_table("mediation_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_session_complaint_id"), ["complaint_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_session_started_at"), ["started_at"], unique=False)

    op.create_table(
        "mediation_mediator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("affiliation", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["mediation_session.id"], name=op.f("fk_mediation_mediator_session_id_mediation_session"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_mediation_mediator_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_mediator")),
    )
    with op.batch_alter_table("mediation_mediator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_mediator_session_id"), ["session_id"], unique=False)

    op.create_table(
        "mediation_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("resolved_date", sa.Date(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("agreement_no", sa.String(length=32), nullable=True),
        sa.Column("agreement_date", sa.Date(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("disputes", sa.Text(), nullable=False),
        sa.Column("responsibility", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("performance_method", sa.Text(), nullable=False),
        sa.Column("performance_place", sa.String(length=200), nullable=False),
        sa.Column("performance_due", sa.Date(), nullable=True),
        sa.Column("performed_date", sa.Date(), nullable=True),
        sa.Column("performance_note", sa.Text(), nullable=False),
        _money("recovered_total"),
        _money("refund_amount"),
        _money("exchange_amount"),
        _money("repair_amount"),
        _money("compensation_amount"),
        _money("other_amount"),
        sa.Column("punitive", sa.Boolean(), nullable=False),
        _money("price_paid", nullable=True),
        _money("punitive_amount"),
        sa.Column("fraud_found", sa.Boolean(), nullable=False),
        sa.Column("other_comp_basis", sa.String(length=200), nullable=False),
        _money("other_comp_amount"),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], name=op.f("fk_mediation_outcome_complaint_id_complaint"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["station_id"], ["reconciliation_station.id"],
                                name=op.f("fk_mediation_outcome_station_id_reconciliation_station")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_outcome")),
        sa.UniqueConstraint("agreement_no", name=op.f("uq_mediation_outcome_agreement_no")),
        sa.UniqueConstraint("complaint_id", name=op.f("uq_mediation_outcome_complaint_id")),
    )
    with op.batch_alter_table("mediation_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_outcome_performance_due"), ["performance_due"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_outcome_resolved_date"), ["resolved_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_outcome_result"), ["result"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_outcome_station_id"), ["station_id"], unique=False)

    _backfill_mediated_cases()


def _backfill_mediated_cases() -> None:
    """Cases that ended in 调解成功 before this revision get their outcome row (resolved on the
    day mediation ended, amounts unknown = 0), so the resolved-case statistics count them."""
    complaint = sa.table(
        "complaint",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("mediation_ended_date", sa.Date()),
        sa.column("termination_ground_code", sa.String()),
        sa.column("updated_at", sa.DateTime()),
    )
    outcome = sa.table(
        "mediation_outcome",
        *(sa.column(n) for n in (
            "complaint_id", "result", "resolved_date", "facts", "disputes", "responsibility", "terms", "performance_method",
            "performance_place", "performance_note", "recovered_total", "refund_amount", "exchange_amount", "repair_amount",
            "compensation_amount", "other_amount", "punitive", "punitive_amount", "fraud_found", "other_comp_basis",
            "other_comp_amount", "note", "version", "created_at", "updated_at",
        )),
    )
    zero = sa.literal(0, sa.Numeric(14, 2))
    empty = sa.literal("", sa.Text())
    select = sa.select(
        complaint.c.id, sa.literal("mediated", sa.String()), complaint.c.mediation_ended_date,
        empty, empty, empty, empty, empty, empty, empty,
        zero, zero, zero, zero, zero, zero, sa.false(), zero, sa.false(), empty, zero,
        sa.literal("升级数据库时根据案件状态补记", sa.Text()), sa.literal(1, sa.Integer()), complaint.c.updated_at, complaint.c.updated_at,
    ).where(
        complaint.c.mediation_ended_date.is_not(None),
        complaint.c.termination_ground_code.is_(None),
        complaint.c.status.in_(("mediated", "closed", "archived")),
    )
    op.execute(outcome.insert().from_select(list(outcome.c.keys()), select))


def downgrade() -> None:
    with op.batch_alter_table("mediation_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_outcome_station_id"))
        batch_op.drop_index(batch_op.f("ix_mediation_outcome_result"))
        batch_op.drop_index(batch_op.f("ix_mediation_outcome_resolved_date"))
        batch_op.drop_index(batch_op.f("ix_mediation_outcome_performance_due"))
    op.drop_table("mediation_outcome")
    with op.batch_alter_table("mediation_mediator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_mediator_session_id"))
    op.drop_table("mediation_mediator")
    with op.batch_alter_table("mediation_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_session_started_at"))
        batch_op.drop_index(batch_op.f("ix_mediation_session_complaint_id"))
    op.drop_table("mediation_session")
    with op.batch_alter_table("reconciliation_station", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reconciliation_station_office_id"))
    op.drop_table("reconciliation_station")
