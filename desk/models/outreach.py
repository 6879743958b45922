"""宣传教育活动、消费警示与提示、消费评议、新闻宣传登记 (tables filled in by its issue; imported by desk.models).

Also ``register_vocab``: the vocabularies of these registers and of the trust units (activity
kinds, survey industries, publication channels, media kinds, trust-unit kinds and the revisit
checklist), with stable codes so the period totals never depend on free text. The built-in
items are seeded by migration 0005; an admin may add, rename and deactivate items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from desk import clock
from desk.models.base import Audited, Base, Timestamped, Versioned

# kind -> (label, code prefix for items an admin adds)
REGISTER_VOCAB_KINDS: dict[str, tuple[str, str]] = {
    "activity_kind": ("宣传活动类型", "A"),
    "survey_industry": ("评议行业", "I"),
    "publish_channel": ("发布渠道", "M"),
    "media_kind": ("媒体类型", "P"),
    "trust_kind": ("诚信单位类型", "K"),
    "revisit_check": ("回访检查项目", "C"),
}

# kind -> [(code, name, counted)] — codes are stable forever (statistics key on them).
# ``counted``: a checklist item that records a number (开展消费教育活动的次数).
REGISTER_VOCAB_BUILTIN: dict[str, list[tuple[str, str, bool]]] = {
    "activity_kind": [
        ("A01", "3·15宣传活动", False),
        ("A02", "进商场超市", False),
        ("A03", "进社区", False),
        ("A04", "进企业", False),
        ("A05", "进农村", False),
        ("A06", "进学校", False),
        ("A07", "消费教育讲堂", False),
        ("A08", "培训", False),
        ("A09", "媒体栏目", False),
        ("A99", "其他", False),
    ],
    "survey_industry": [
        ("I01", "供水", False),
        ("I02", "供电", False),
        ("I03", "通讯", False),
        ("I04", "金融", False),
        ("I05", "邮政", False),
        ("I06", "快递", False),
        ("I99", "其他", False),
    ],
    "publish_channel": [
        ("M01", "报刊", False),
        ("M02", "广播电视", False),
        ("M03", "消协网站", False),
        ("M04", "微信公众号", False),
        ("M05", "短信", False),
        ("M06", "现场宣传", False),
        ("M99", "其他", False),
    ],
    "media_kind": [
        ("P01", "报刊", False),
        ("P02", "广播电视", False),
        ("P03", "网络媒体", False),
        ("P04", "微信、微博等新媒体", False),
        ("P99", "其他", False),
    ],
    "trust_kind": [
        ("K01", "诚信单位", False),
        ("K02", "放心消费示范单位", False),
    ],
    "revisit_check": [
        ("C01", "消费者权益保护制度落实", False),
        ("C02", "投诉处理制度落实", False),
        ("C03", "开展消费教育活动（次数）", True),
        ("C04", "明码标价", False),
        ("C05", "质量承诺兑现", False),
        ("C06", "计量器具合格", False),
        ("C07", "售后服务规范", False),
        ("C08", "诚信经营承诺公示", False),
        ("C09", "消费纠纷和解与先行赔付", False),
    ],
}

# The "六进" activities (进商场、超市、社区、企业、农村、学校): counted together in reports.
SIX_IN_CODES: frozenset[str] = frozenset({"A02", "A03", "A04", "A05", "A06"})


class RegisterVocab(Versioned, Audited, Base):
    __tablename__ = "register_vocab"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    code: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(100))
    counted: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    builtin: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (UniqueConstraint("kind", "code", name="uq_register_vocab_kind_code"),)


class Activity(Versioned, Audited, Timestamped, Base):
    """消费教育 activity: 3·15, the 六进, lectures, training, a media programme …"""

    __tablename__ = "outreach_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    kind_code: Mapped[str] = mapped_column(String(24), index=True)
    held_date: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[str] = mapped_column(Text, default="")  # partner units, one per line
    sites: Mapped[int] = mapped_column(default=1)  # 宣传点/咨询台 set up
    people_reached: Mapped[int] = mapped_column(default=0)
    leaflets: Mapped[int] = mapped_column(default=0)
    banners: Mapped[int] = mapped_column(default=0)
    consultations: Mapped[int] = mapped_column(default=0)  # questions answered on site
    complaints_received: Mapped[int] = mapped_column(default=0)  # complaints taken on site
    note: Mapped[str] = mapped_column(Text, default="")


class ActivityPhoto(Audited, Base):
    __tablename__ = "outreach_activity_photo"
    __audit_exclude__ = ("content",)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("outreach_activity.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=clock.now)
    uploaded_by: Mapped[str] = mapped_column(String(40), default="")
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class ConsumerWarning(Versioned, Audited, Timestamped, Base):
    """消费警示 (warning) or 消费提示 (tip), as published: it must not identify a consumer."""

    __tablename__ = "consumer_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # warning | tip
    issued_date: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    channel_code: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text, default="")

    cases: Mapped[list[WarningCase]] = relationship(cascade="all, delete-orphan", order_by="WarningCase.id")


class WarningCase(Audited, Base):
    """A complaint that prompted a warning."""

    __tablename__ = "consumer_warning_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("consumer_warning.id", ondelete="CASCADE"), index=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)

    __table_args__ = (UniqueConstraint("warning_id", "complaint_id", name="uq_consumer_warning_case_pair"),)


class Survey(Versioned, Audited, Timestamped, Base):
    """消费评议: an evaluation survey of an industry, its questionnaires and scores."""

    __tablename__ = "consumer_survey"
    __audit_exclude__ = ("report_content",)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    industry_code: Mapped[str] = mapped_column(String(24), index=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date] = mapped_column(Date)
    sent: Mapped[int] = mapped_column(default=0)
    returned: Mapped[int] = mapped_column(default=0)
    satisfaction: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # 0–100
    findings: Mapped[str] = mapped_column(Text, default="")
    report_filename: Mapped[str | None] = mapped_column(String(255))
    report_size: Mapped[int | None] = mapped_column()
    report_sha256: Mapped[str | None] = mapped_column(String(64))
    report_content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    scores: Mapped[list[SurveyScore]] = relationship(cascade="all, delete-orphan", order_by="SurveyScore.id")


class SurveyScore(Audited, Base):
    """A satisfaction score (0–100) of one aspect (服务态度, 收费合理 …) of a survey."""

    __tablename__ = "consumer_survey_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("consumer_survey.id", ondelete="CASCADE"), index=True)
    aspect: Mapped[str] = mapped_column(String(60))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class MediaReport(Versioned, Audited, Timestamped, Base):
    """新闻宣传: a report about the office's work in a newspaper, on TV, online …"""

    __tablename__ = "media_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    published_date: Mapped[dt.date] = mapped_column(Date, index=True)
    media_kind_code: Mapped[str] = mapped_column(String(24))
    outlet: Mapped[str] = mapped_column(String(100))  # 《安徽法制报》, 太和县电视台 …
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class MonthlyPosts(Versioned, Audited, Base):
    """Posts on the office's website and new-media accounts in a month (省消协: ≥ 3 a month)."""

    __tablename__ = "monthly_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    year: Mapped[int] = mapped_column()
    month: Mapped[int] = mapped_column()
    website_posts: Mapped[int] = mapped_column(default=0)
    new_media_posts: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (UniqueConstraint("office_id", "year", "month", name="uq_monthly_posts_office_month"),)
