"""诚信单位与回访检查、成员单位与联席会议 (tables filled in by its issue; imported by desk.models).

A trust unit (诚信单位 / 放心消费示范单位) is one application of a business from the registry
and its life: evaluation, award and renewals (``trust_award``), revisits (``trust_revisit`` with
inspectors, checklist results and photos), rectification follow-up and revocation (摘牌). A
business may apply again after a rejection or a revocation, so a business can have several
trust_unit rows over the years; the service allows one live row at a time.

Member departments (成员单位) carry aliases so that the free-text department of a complaint
referral (``referral.department``) is counted under the right department; ``referral_return``
records a referral the department sent back (退回), which the referral table has no field for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from desk import clock
from desk.models.base import Audited, Base, Timestamped, Versioned


class TrustUnit(Versioned, Audited, Timestamped, Base):
    __tablename__ = "trust_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    kind_code: Mapped[str] = mapped_column(String(24))  # register_vocab kind "trust_kind"
    # applied | evaluated | rejected | withdrawn | awarded | rectifying | revocation_proposed | revoked
    status: Mapped[str] = mapped_column(String(24), index=True)
    applied_date: Mapped[dt.date] = mapped_column(Date)
    applicant: Mapped[str] = mapped_column(String(60), default="")  # who filed it for the business
    application_note: Mapped[str] = mapped_column(Text, default="")
    evaluation_date: Mapped[dt.date | None] = mapped_column(Date)
    evaluation: Mapped[str] = mapped_column(Text, default="")  # the office's evaluation
    evaluation_passed: Mapped[bool | None] = mapped_column()
    # The award in force (the history is in trust_award).
    award_year: Mapped[int | None] = mapped_column()
    certificate_no: Mapped[str | None] = mapped_column(String(40))
    awarded_date: Mapped[dt.date | None] = mapped_column(Date)
    first_awarded_date: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    revoked_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    revocation_reason: Mapped[str] = mapped_column(Text, default="")
    closed_date: Mapped[dt.date | None] = mapped_column(Date)  # rejected or withdrawn on
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_trust_unit_business_status", "business_id", "status"),
        # One live record (applied, evaluated or holding the title) per business, even when two
        # desks file the same application at once; finished records may be many.
        Index("uq_trust_unit_live_business", "business_id", unique=True,
              sqlite_where=text("status NOT IN ('rejected', 'withdrawn', 'revoked')"),
              postgresql_where=text("status NOT IN ('rejected', 'withdrawn', 'revoked')")),
    )


class TrustAward(Audited, Base):
    """Each award and renewal: the year, certificate and validity. Append-only."""

    __tablename__ = "trust_award"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("trust_unit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # award | renewal
    year: Mapped[int] = mapped_column()
    certificate_no: Mapped[str] = mapped_column(String(40), unique=True)
    awarded_date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)


class TrustUnitEvent(Base):
    """The unit's timeline: every step, who and when. Append-only, so not versioned."""

    __tablename__ = "trust_unit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("trust_unit.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    event_date: Mapped[dt.date] = mapped_column(Date)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text, default="")


class Revisit(Versioned, Audited, Timestamped, Base):
    """回访检查: one visit to a trust unit, its checklist, conclusion and rectification."""

    __tablename__ = "trust_revisit"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("trust_unit.id", ondelete="CASCADE"), index=True)
    visit_date: Mapped[dt.date] = mapped_column(Date, index=True)
    conclusion: Mapped[str] = mapped_column(String(16))  # pass | rectify | revoke
    findings: Mapped[str] = mapped_column(Text, default="")
    rectification_demand: Mapped[str] = mapped_column(Text, default="")
    rectification_deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    follow_up_date: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_result: Mapped[str | None] = mapped_column(String(16))  # rectified | not_rectified
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(40), default="")

    inspectors: Mapped[list[RevisitInspector]] = relationship(
        cascade="all, delete-orphan", order_by="RevisitInspector.id"
    )
    checks: Mapped[list[RevisitCheck]] = relationship(cascade="all, delete-orphan", order_by="RevisitCheck.id")


class RevisitInspector(Audited, Base):
    """Who inspected: a staff user, a roster investigator, or a name typed in."""

    __tablename__ = "trust_revisit_inspector"

    id: Mapped[int] = mapped_column(primary_key=True)
    revisit_id: Mapped[int] = mapped_column(ForeignKey("trust_revisit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # staff | investigator | other
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # Roster person (desk.services.rosters); if the person is later removed from the roster the
    # link is cleared and the name below, kept as it was on the day, still says who it was.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("roster_person.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(60))


class RevisitCheck(Audited, Base):
    """One checklist item's result on a revisit. The item's name is kept as it was then."""

    __tablename__ = "trust_revisit_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    revisit_id: Mapped[int] = mapped_column(ForeignKey("trust_revisit.id", ondelete="CASCADE"), index=True)
    item_code: Mapped[str] = mapped_column(String(24), index=True)
    item_name: Mapped[str] = mapped_column(String(100))
    passed: Mapped[bool] = mapped_column()
    count: Mapped[int | None] = mapped_column()  # for counted items (消费教育活动次数)
    note: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (UniqueConstraint("revisit_id", "item_code", name="uq_trust_revisit_check_item"),)


class RevisitPhoto(Audited, Base):
    """Photos of a revisit, stored in the database like complaint attachments."""

    __tablename__ = "trust_revisit_photo"
    __audit_exclude__ = ("content",)

    id: Mapped[int] = mapped_column(primary_key=True)
    revisit_id: Mapped[int] = mapped_column(ForeignKey("trust_revisit.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    uploaded_by: Mapped[str] = mapped_column(String(40), default="")
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class Department(Versioned, Audited, Timestamped, Base):
    """成员单位: a member department of the county network (市场监管, 公安 …)."""

    __tablename__ = "member_department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    # Other spellings used on referrals, one per line (太和县市场监督管理局, 县市监局 …).
    aliases: Mapped[str] = mapped_column(Text, default="")
    contact_person: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text, default="")


class JointMeeting(Versioned, Audited, Timestamped, Base):
    """联席会议 of the member departments (秘书长联席会议)."""

    __tablename__ = "joint_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    meeting_date: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    host: Mapped[str] = mapped_column(String(60), default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")

    attendees: Mapped[list[JointMeetingAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="JointMeetingAttendee.id"
    )


class JointMeetingAttendee(Audited, Base):
    __tablename__ = "joint_meeting_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("joint_meeting.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("member_department.id"), index=True)
    people: Mapped[str] = mapped_column(String(200), default="")  # who came for the department

    __table_args__ = (UniqueConstraint("meeting_id", "department_id", name="uq_joint_meeting_attendee_dept"),)


class ReferralReturn(Versioned, Audited, Base):
    """A referral the receiving department sent back (退回), with the date and its reason."""

    __tablename__ = "referral_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), unique=True)
    returned_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[str] = mapped_column(String(40), default="")

