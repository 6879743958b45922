"""名册：志愿者、义务调查员、培训与调查任务 (tables filled in by its issue; imported by desk.models).

- ``roster_person``: one person on one roster (消费维权志愿者, 义务调查员, 和解员, 投诉联络员).
  The same person on two rosters is two rows: each roster has its own join date, certificate
  and status. ``search_text`` is the normalised keyword key (desk.validators.normalise_search_text)
  of the non-sensitive fields; phone and ID numbers are matched on their own columns so a role
  that may not see them cannot probe them through the search box.
- ``roster_status_change``: every status a person has had (在册, 暂停, 退出) with its date and
  reason; the yearly figures read it, so a person who left in 2026 still counts on the 2025 roster.
- ``roster_training`` with ``roster_attendance``; ``roster_task`` (调查任务) with its assignees
  and the complaints it led to (``roster_task_complaint``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk import clock
from desk.models.base import Audited, Base, Timestamped, Versioned


class RosterPerson(Versioned, Audited, Timestamped, Base):
    __tablename__ = "roster_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # volunteer | investigator | reconciler | liaison
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(1), default="")  # M | F | '' (not known)
    phone: Mapped[str] = mapped_column(String(40), default="")
    id_no: Mapped[str | None] = mapped_column(String(18))
    township: Mapped[str] = mapped_column(String(40), default="")
    community: Mapped[str] = mapped_column(String(60), default="")
    workplace: Mapped[str] = mapped_column(String(100), default="")
    occupation: Mapped[str] = mapped_column(String(60), default="")
    join_date: Mapped[dt.date | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | suspended | left
    status_date: Mapped[dt.date | None] = mapped_column()
    status_reason: Mapped[str] = mapped_column(String(200), default="")
    certificate_no: Mapped[str] = mapped_column(String(40), default="")
    skills: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # PIPL: a volunteer's data rests on consent: when it was given and how (书面同意书 …).
    consent_date: Mapped[dt.date | None] = mapped_column()
    consent_method: Mapped[str] = mapped_column(String(60), default="")
    search_text: Mapped[str] = mapped_column(String(500), default="", index=True)

    status_changes: Mapped[list[RosterStatusChange]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="RosterStatusChange.changed_on"
    )

    __table_args__ = (
        # One ID number once per roster; many people have none on file.
        Index(
            "uq_roster_person_kind_id_no",
            "kind",
            "id_no",
            unique=True,
            sqlite_where=text("id_no IS NOT NULL"),
            postgresql_where=text("id_no IS NOT NULL"),
        ),
        Index("ix_roster_person_kind_phone", "kind", "phone"),
    )


class RosterStatusChange(Audited, Base):
    __tablename__ = "roster_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("roster_person.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    changed_on: Mapped[dt.date] = mapped_column()
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now)

    person: Mapped[RosterPerson] = relationship(back_populates="status_changes")


class RosterTraining(Versioned, Audited, Timestamped, Base):
    """培训班: one session (a day's training) with its attendance."""

    __tablename__ = "roster_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    held_on: Mapped[dt.date] = mapped_column(index=True)
    topic: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    trainer: Mapped[str] = mapped_column(String(100), default="")
    # Comma-separated audience codes (desk.services.rosters.AUDIENCES): staff,volunteer …
    audience: Mapped[str] = mapped_column(String(100), default="")
    # Participants not on a roster (the office's own staff …), counted by head.
    other_attendees: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")

    attendance: Mapped[list[RosterAttendance]] = relationship(back_populates="training", cascade="all, delete-orphan")


class RosterAttendance(Audited, Base):
    __tablename__ = "roster_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("roster_training.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("roster_person.id"), index=True)
    source: Mapped[str] = mapped_column(String(12), default="picked")  # picked | sign_in

    training: Mapped[RosterTraining] = relationship(back_populates="attendance")

    __table_args__ = (UniqueConstraint("training_id", "person_id", name="uq_roster_attendance_training_person"),)


class RosterTask(Versioned, Audited, Timestamped, Base):
    """调查任务 of the 义务调查员: a market, price or quality check."""

    __tablename__ = "roster_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    task_type: Mapped[str] = mapped_column(String(16))  # market | price | quality | other
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(index=True)
    end_date: Mapped[dt.date | None] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    # Warnings belong to the outreach module: a free reference (e.g. 2026年第3号消费警示) for now.
    warning_refs: Mapped[str] = mapped_column(String(500), default="")

    assignees: Mapped[list[RosterTaskAssignee]] = relationship(back_populates="task", cascade="all, delete-orphan")
    complaints: Mapped[list[RosterTaskComplaint]] = relationship(back_populates="task", cascade="all, delete-orphan")


class RosterTaskAssignee(Audited, Base):
    __tablename__ = "roster_task_assignee"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("roster_task.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("roster_person.id"), index=True)

    task: Mapped[RosterTask] = relationship(back_populates="assignees")

    __table_args__ = (UniqueConstraint("task_id", "person_id", name="uq_roster_task_assignee_task_person"),)


class RosterTaskComplaint(Audited, Base):
    __tablename__ = "roster_task_complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("roster_task.id", ondelete="CASCADE"))
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)

    task: Mapped[RosterTask] = relationship(back_populates="complaints")

    __table_args__ = (UniqueConstraint("task_id", "complaint_id", name="uq_roster_task_complaint_task_complaint"),)
