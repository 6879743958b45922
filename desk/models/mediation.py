"""调解：调解会、调解书、挽回损失与和解服务站 (tables filled in by its issue; imported by desk.models).

- ``mediation_session``: one 调解 meeting of a complaint (第N次调解) with what its 调解笔录 holds;
  ``mediation_mediator`` its mediators (staff users, or outside experts of the consumer-dispute
  people's mediation committee by name), replaced as a whole when the session is saved.
- ``mediation_outcome``: one per complaint: how the dispute ended (调解成功, 和解站和解, 双方自行
  和解, 调解失败), the date it was resolved, the agreement's terms, the performance deadline and
  its confirmation, and the amounts the statistics count (desk.mediation_stats).
- ``reconciliation_station``: 消费争议和解服务站 in enterprises (one per business)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk.models.base import Audited, Base, Timestamped, Versioned


class ReconciliationStation(Versioned, Audited, Timestamped, Base):
    """消费争议和解服务站 set up in an enterprise, supervised by an office. The 和解员 and
    投诉联络员 are plain names and phones (a roster may link them to people later)."""

    __tablename__ = "reconciliation_station"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200), default="")
    conciliator_name: Mapped[str] = mapped_column(String(60), default="")  # 和解员
    conciliator_phone: Mapped[str] = mapped_column(String(40), default="")
    liaison_name: Mapped[str] = mapped_column(String(60), default="")  # 投诉联络员
    liaison_phone: Mapped[str] = mapped_column(String(40), default="")
    established_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended | revoked
    status_date: Mapped[dt.date | None] = mapped_column(Date)  # when the status last changed
    note: Mapped[str] = mapped_column(Text, default="")


class MediationSession(Versioned, Audited, Timestamped, Base):
    """A mediation meeting and its record (调解笔录). A recusal request pauses the case's clock
    (``recusal_pause_id``) until it is decided."""

    __tablename__ = "mediation_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    seq_no: Mapped[int] = mapped_column()  # 第N次调解
    method: Mapped[str] = mapped_column(String(16))  # onsite | phone | video | online
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="")
    recorder_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorder_name: Mapped[str] = mapped_column(String(60), default="")
    consumer_attendees: Mapped[str] = mapped_column(String(300), default="")
    consumer_agent: Mapped[str] = mapped_column(String(200), default="")
    business_attendees: Mapped[str] = mapped_column(String(300), default="")
    business_agent: Mapped[str] = mapped_column(String(200), default="")
    identity_checked: Mapped[bool] = mapped_column(default=False)
    rights_explained: Mapped[bool] = mapped_column(default=False)
    recusal_explained: Mapped[bool] = mapped_column(default=False)
    recusal_requested: Mapped[bool] = mapped_column(default=False)
    recusal_request: Mapped[str] = mapped_column(Text, default="")
    recusal_decision: Mapped[str] = mapped_column(String(16), default="")  # "" | granted | rejected
    recusal_decided_date: Mapped[dt.date | None] = mapped_column(Date)
    recusal_pause_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_pause.id", ondelete="SET NULL"))
    consumer_statement: Mapped[str] = mapped_column(Text, default="")
    business_statement: Mapped[str] = mapped_column(Text, default="")
    evidence_shown: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(16), default="pending")
    result_detail: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    mediators: Mapped[list[MediationMediator]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="MediationMediator.position"
    )

    __table_args__ = (UniqueConstraint("complaint_id", "seq_no", name="uq_mediation_session_complaint_seq"),)


class MediationMediator(Audited, Base):
    """A mediator of a session: a staff user (``user_id``) or an outside expert by name. Edited
    only through its session, whose version guards it."""

    __tablename__ = "mediation_mediator"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mediation_session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(8))  # staff | expert
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    name: Mapped[str] = mapped_column(String(60))
    affiliation: Mapped[str] = mapped_column(String(100), default="")

    session: Mapped[MediationSession] = relationship(back_populates="mediators")


class MediationOutcome(Versioned, Audited, Timestamped, Base):
    """How a complaint's dispute ended and what it brought the consumer; one per complaint.
    ``resolved_date`` is set while the case counts as resolved (see desk.mediation_stats) and
    cleared when a later step (reopening, termination) undoes that."""

    __tablename__ = "mediation_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), unique=True)
    result: Mapped[str] = mapped_column(String(16), index=True)  # mediated | station | self_settled | failed | withdrawn
    resolved_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("reconciliation_station.id"), index=True)
    agreement_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    agreement_date: Mapped[dt.date | None] = mapped_column(Date)

    facts: Mapped[str] = mapped_column(Text, default="")  # 纠纷事实
    disputes: Mapped[str] = mapped_column(Text, default="")  # 争议事项
    responsibility: Mapped[str] = mapped_column(Text, default="")  # 各方责任
    terms: Mapped[str] = mapped_column(Text, default="")  # 协议内容：做什么
    performance_method: Mapped[str] = mapped_column(Text, default="")  # 怎么做
    performance_place: Mapped[str] = mapped_column(String(200), default="")  # 在哪里
    performance_due: Mapped[dt.date | None] = mapped_column(Date, index=True)  # 什么时候之前
    performed_date: Mapped[dt.date | None] = mapped_column(Date)
    performance_note: Mapped[str] = mapped_column(Text, default="")

    # 挽回经济损失 and its breakdown; the parts add up to the total (the service checks).
    recovered_total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    refund_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    exchange_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    repair_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    compensation_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    other_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    # 加倍赔偿 (消法第五十五条): part of the compensation above.
    punitive: Mapped[bool] = mapped_column(default=False)
    price_paid: Mapped[Decimal | None] = mapped_column()
    punitive_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    fraud_found: Mapped[bool] = mapped_column(default=False)
    other_comp_basis: Mapped[str] = mapped_column(String(200), default="")  # e.g. 食品安全法第一百四十八条
    other_comp_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    note: Mapped[str] = mapped_column(Text, default="")
