"""Complaints (投诉), their parties, timeline, clock pauses, referrals, attachments, case
number sequences and the consultation register (来访咨询)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from desk import clock
from desk.models.base import Audited, Base, Timestamped, Versioned


class Complaint(Versioned, Audited, Timestamped, Base):
    __tablename__ = "complaint"
    # Facts and the search column are long; their before/after would swamp the trail.
    __audit_exclude__ = ("search_text",)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # The SAMR rule version in force on the receipt date: "2019" (interim measures) or "2026".
    rule_version: Mapped[str] = mapped_column(String(8))
    received_at: Mapped[dt.datetime] = mapped_column(index=True)
    received_date: Mapped[dt.date] = mapped_column(Date, index=True)
    channel_code: Mapped[str] = mapped_column(String(24), index=True)
    category_code: Mapped[str] = mapped_column(String(24), index=True)
    nature_code: Mapped[str] = mapped_column(String(24), index=True)
    business_id: Mapped[int | None] = mapped_column(ForeignKey("business.id"), index=True)
    business_name: Mapped[str] = mapped_column(String(200), default="")  # as registered on the case

    consumer_name: Mapped[str] = mapped_column(String(60))
    consumer_phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    consumer_address: Mapped[str] = mapped_column(String(200), default="")
    consumer_id_no: Mapped[str | None] = mapped_column(String(18))  # only when verification is needed
    is_joint: Mapped[bool] = mapped_column(default=False)
    consumer_is_representative: Mapped[bool] = mapped_column(default=False)  # elected for a joint complaint
    agent_name: Mapped[str] = mapped_column(String(60), default="")
    agent_phone: Mapped[str] = mapped_column(String(40), default="")
    agent_authorised: Mapped[bool] = mapped_column(default=False)

    amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    demand: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)

    accepted_date: Mapped[dt.date | None] = mapped_column(Date, index=True)  # 受理 counts key on it
    refusal_ground_code: Mapped[str | None] = mapped_column(String(24))
    mediation_started_date: Mapped[dt.date | None] = mapped_column(Date)
    mediation_ended_date: Mapped[dt.date | None] = mapped_column(Date)
    termination_ground_code: Mapped[str | None] = mapped_column(String(24))
    termination_notified_date: Mapped[dt.date | None] = mapped_column(Date)
    closed_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    archive_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    result_summary: Mapped[str] = mapped_column(Text, default="")
    paused_since: Mapped[dt.date | None] = mapped_column(Date)

    # The next legal deadline for the case's current step, kept in step by the workflow so the
    # worklist and the "overdue" filter are one indexed comparison at 100k cases.
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    due_kind: Mapped[str | None] = mapped_column(String(24))
    due_provisional: Mapped[bool] = mapped_column(default=False)

    # NFKC-normalised consumer name, phone, business name and facts for keyword search.
    search_text: Mapped[str] = deferred(mapped_column(Text, default=""))

    parties: Mapped[list[ComplaintParty]] = relationship(
        back_populates="complaint", cascade="all, delete-orphan", order_by="ComplaintParty.id"
    )

    __table_args__ = (Index("ix_complaint_office_received", "office_id", "received_at"),)


class ComplaintParty(Versioned, Audited, Base):
    """Further complainants of a joint complaint (the first one is on the complaint row)."""

    __tablename__ = "complaint_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    id_no: Mapped[str | None] = mapped_column(String(18))
    is_representative: Mapped[bool] = mapped_column(default=False)

    complaint: Mapped[Complaint] = relationship(back_populates="parties")


class ComplaintEvent(Base):
    """The case timeline: every step, who and when. Append-only, so not versioned."""

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    event_date: Mapped[dt.date] = mapped_column(Date)  # the date the step took effect
    user_id: Mapped[int | None] = mapped_column()
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")


class ComplaintPause(Versioned, Audited, Base):
    """Testing/appraisal (检测/鉴定) stops the clock: days after ``start`` up to ``end`` don't count."""

    __tablename__ = "complaint_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))


class Referral(Versioned, Audited, Timestamped, Base):
    """转办 / 诉转案 / 支持起诉 / 仲裁: a case or clue sent out, with a reply due (the closed loop)."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # transfer | enforcement | lawsuit | arbitration
    department: Mapped[str] = mapped_column(String(100))
    sent_date: Mapped[dt.date] = mapped_column(Date)
    reply_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    reply_due_provisional: Mapped[bool] = mapped_column(default=False)
    replied_date: Mapped[dt.date | None] = mapped_column(Date)
    reply_text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class Attachment(Audited, Base):
    """Evidence files, stored in the database (so backups and the shared server hold them)."""

    __tablename__ = "attachment"
    __audit_exclude__ = ("content",)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    uploaded_by: Mapped[str] = mapped_column(String(40), default="")
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class CaseSequence(Base):
    """Per office, year and kind, the last number given out (row-locked on PostgreSQL)."""

    __tablename__ = "case_sequence"

    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # case | archive
    last_no: Mapped[int] = mapped_column(default=0)


class Consultation(Versioned, Audited, Base):
    """来访咨询 register: counted (人次) in every report."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    channel_code: Mapped[str] = mapped_column(String(24))
    topic: Mapped[str] = mapped_column(String(200))
    people: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(Text, default="")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
