"""trust units and revisits, member departments and meetings, outreach registers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Also seeds the built-in register vocabularies (activity kinds, survey industries, channels,
media kinds, trust-unit kinds, the revisit checklist) and a default list of 15 member
departments. The seed rows are a snapshot kept here, not imported from the models, so this
revision creates the same data whatever later versions of the program change.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# kind -> [(code, name, counted)]
VOCAB: dict[str, list[tuple[str, str, bool]]] = {
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

# 15 member departments of a county network (domain.md §2): name, short name, aliases. An admin
# edits the list; the aliases let referrals typed as "县工商局" or "太和县市场监督管理局" count.
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("县市场监督管理局", "市场监管", "市场监管局\n县市监局\n市监局\n工商局\n县工商局\n县工商行政管理局"),
    ("县质量技术监督局", "质监", "质监局\n县质监局\n技术监督局"),
    ("县发展和改革委员会（物价）", "物价", "物价局\n县物价局\n价格监督检查\n发改委\n县发改委"),
    ("县卫生健康委员会", "卫生", "卫生局\n县卫生局\n卫健委\n县卫健委\n卫生监督所"),
    ("县药品监督管理局", "药监", "药监局\n县药监局\n食药监局\n县食品药品监督管理局"),
    ("县公安局", "公安", "公安局\n派出所"),
    ("县烟草专卖局", "烟草", "烟草局\n县烟草局\n烟草专卖局"),
    ("县住房和城乡建设局", "住建", "住建局\n县住建局\n房管局"),
    ("县交通运输局", "交通", "交通局\n县交通局\n运管所"),
    ("县文化旅游体育局", "文旅", "文旅局\n县文旅局\n旅游局\n文化局"),
    ("县教育局", "教育", "教育局\n教体局\n县教体局"),
    ("县农业农村局", "农业", "农业局\n县农业局\n农委\n县农委"),
    ("县商务局", "商务", "商务局\n县商务局"),
    ("县司法局", "司法", "司法局\n县司法局\n消费纠纷人民调解委员会"),
    ("县人民法院", "法院", "法院\n县法院\n人民法院"),
]


def upgrade() -> None:
    op.create_table('member_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.Column('contact_person', sa.String(length=40), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_department')),
    sa.UniqueConstraint('name', name=op.f('uq_member_department_name'))
    )
    op.create_table('register_vocab',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_vocab')),
    sa.UniqueConstraint('kind', 'code', name='uq_register_vocab_kind_code')
    )
    op.create_index(op.f('ix_register_vocab_kind'), 'register_vocab', ['kind'], unique=False)
    op.create_table('consumer_survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('industry_code', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('report_filename', sa.String(length=255), nullable=True),
    sa.Column('report_size', sa.Integer(), nullable=True),
    sa.Column('report_sha256', sa.String(length=64), nullable=True),
    sa.Column('report_content', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_consumer_survey_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consumer_survey'))
    )
    op.create_index(op.f('ix_consumer_survey_industry_code'), 'consumer_survey', ['industry_code'], unique=False)
    op.create_index(op.f('ix_consumer_survey_office_id'), 'consumer_survey', ['office_id'], unique=False)
    op.create_index(op.f('ix_consumer_survey_start_date'), 'consumer_survey', ['start_date'], unique=False)
    op.create_table('consumer_warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('issued_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('channel_code', sa.String(length=24), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_consumer_warning_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consumer_warning'))
    )
    op.create_index(op.f('ix_consumer_warning_issued_date'), 'consumer_warning', ['issued_date'], unique=False)
    op.create_index(op.f('ix_consumer_warning_office_id'), 'consumer_warning', ['office_id'], unique=False)
    op.create_table('joint_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=60), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_joint_meeting_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_meeting'))
    )
    op.create_index(op.f('ix_joint_meeting_meeting_date'), 'joint_meeting', ['meeting_date'], unique=False)
    op.create_index(op.f('ix_joint_meeting_office_id'), 'joint_meeting', ['office_id'], unique=False)
    op.create_table('media_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('published_date', sa.Date(), nullable=False),
    sa.Column('media_kind_code', sa.String(length=24), nullable=False),
    sa.Column('outlet', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_media_report_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_report'))
    )
    op.create_index(op.f('ix_media_report_office_id'), 'media_report', ['office_id'], unique=False)
    op.create_index(op.f('ix_media_report_published_date'), 'media_report', ['published_date'], unique=False)
    op.create_table('monthly_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('website_posts', sa.Integer(), nullable=False),
    sa.Column('new_media_posts', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_monthly_posts_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_posts')),
    sa.UniqueConstraint('office_id', 'year', 'month', name='uq_monthly_posts_office_month')
    )
    op.create_index(op.f('ix_monthly_posts_office_id'), 'monthly_posts', ['office_id'], unique=False)
    op.create_table('outreach_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('kind_code', sa.String(length=24), nullable=False),
    sa.Column('held_date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('partners', sa.Text(), nullable=False),
    sa.Column('sites', sa.Integer(), nullable=False),
    sa.Column('people_reached', sa.Integer(), nullable=False),
    sa.Column('leaflets', sa.Integer(), nullable=False),
    sa.Column('banners', sa.Integer(), nullable=False),
    sa.Column('consultations', sa.Integer(), nullable=False),
    sa.Column('complaints_received', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_outreach_activity_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_activity'))
    )
    op.create_index(op.f('ix_outreach_activity_held_date'), 'outreach_activity', ['held_date'], unique=False)
    op.create_index(op.f('ix_outreach_activity_kind_code'), 'outreach_activity', ['kind_code'], unique=False)
    op.create_index(op.f('ix_outreach_activity_office_id'), 'outreach_activity', ['office_id'], unique=False)
    op.create_table('trust_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('kind_code', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('applied_date', sa.Date(), nullable=False),
    sa.Column('applicant', sa.String(length=60), nullable=False),
    sa.Column('application_note', sa.Text(), nullable=False),
    sa.Column('evaluation_date', sa.Date(), nullable=True),
    sa.Column('evaluation', sa.Text(), nullable=False),
    sa.Column('evaluation_passed', sa.Boolean(), nullable=True),
    sa.Column('award_year', sa.Integer(), nullable=True),
    sa.Column('certificate_no', sa.String(length=40), nullable=True),
    sa.Column('awarded_date', sa.Date(), nullable=True),
    sa.Column('first_awarded_date', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('revoked_date', sa.Date(), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=False),
    sa.Column('closed_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], name=op.f('fk_trust_unit_business_id_business')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_trust_unit_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_unit'))
    )
    op.create_index(op.f('ix_trust_unit_business_id'), 'trust_unit', ['business_id'], unique=False)
    op.create_index('ix_trust_unit_business_status', 'trust_unit', ['business_id', 'status'], unique=False)
    live = sa.text("status NOT IN ('rejected', 'withdrawn', 'revoked')")
    op.create_index('uq_trust_unit_live_business', 'trust_unit', ['business_id'], unique=True,
                    sqlite_where=live, postgresql_where=live)
    op.create_index(op.f('ix_trust_unit_office_id'), 'trust_unit', ['office_id'], unique=False)
    op.create_index(op.f('ix_trust_unit_revoked_date'), 'trust_unit', ['revoked_date'], unique=False)
    op.create_index(op.f('ix_trust_unit_status'), 'trust_unit', ['status'], unique=False)
    op.create_index(op.f('ix_trust_unit_valid_until'), 'trust_unit', ['valid_until'], unique=False)
    op.create_table('consumer_survey_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('aspect', sa.String(length=60), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['consumer_survey.id'], name=op.f('fk_consumer_survey_score_survey_id_consumer_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consumer_survey_score'))
    )
    op.create_index(op.f('ix_consumer_survey_score_survey_id'), 'consumer_survey_score', ['survey_id'], unique=False)
    op.create_table('joint_meeting_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('people', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['member_department.id'], name=op.f('fk_joint_meeting_attendee_department_id_member_department')),
    sa.ForeignKeyConstraint(['meeting_id'], ['joint_meeting.id'], name=op.f('fk_joint_meeting_attendee_meeting_id_joint_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_meeting_attendee')),
    sa.UniqueConstraint('meeting_id', 'department_id', name='uq_joint_meeting_attendee_dept')
    )
    op.create_index(op.f('ix_joint_meeting_attendee_department_id'), 'joint_meeting_attendee', ['department_id'], unique=False)
    op.create_index(op.f('ix_joint_meeting_attendee_meeting_id'), 'joint_meeting_attendee', ['meeting_id'], unique=False)
    op.create_table('outreach_activity_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['outreach_activity.id'], name=op.f('fk_outreach_activity_photo_activity_id_outreach_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outreach_activity_photo'))
    )
    op.create_index(op.f('ix_outreach_activity_photo_activity_id'), 'outreach_activity_photo', ['activity_id'], unique=False)
    op.create_table('trust_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('certificate_no', sa.String(length=40), nullable=False),
    sa.Column('awarded_date', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['trust_unit.id'], name=op.f('fk_trust_award_unit_id_trust_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_award')),
    sa.UniqueConstraint('certificate_no', name=op.f('uq_trust_award_certificate_no'))
    )
    op.create_index(op.f('ix_trust_award_unit_id'), 'trust_award', ['unit_id'], unique=False)
    op.create_table('trust_revisit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('conclusion', sa.String(length=16), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('rectification_demand', sa.Text(), nullable=False),
    sa.Column('rectification_deadline', sa.Date(), nullable=True),
    sa.Column('follow_up_date', sa.Date(), nullable=True),
    sa.Column('follow_up_result', sa.String(length=16), nullable=True),
    sa.Column('follow_up_note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['trust_unit.id'], name=op.f('fk_trust_revisit_unit_id_trust_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_revisit'))
    )
    op.create_index(op.f('ix_trust_revisit_rectification_deadline'), 'trust_revisit', ['rectification_deadline'], unique=False)
    op.create_index(op.f('ix_trust_revisit_unit_id'), 'trust_revisit', ['unit_id'], unique=False)
    op.create_index(op.f('ix_trust_revisit_visit_date'), 'trust_revisit', ['visit_date'], unique=False)
    op.create_table('trust_unit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=True),
    sa.Column('to_status', sa.String(length=24), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['trust_unit.id'], name=op.f('fk_trust_unit_event_unit_id_trust_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_unit_event'))
    )
    op.create_index(op.f('ix_trust_unit_event_unit_id'), 'trust_unit_event', ['unit_id'], unique=False)
    op.create_table('consumer_warning_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_consumer_warning_case_complaint_id_complaint'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['warning_id'], ['consumer_warning.id'], name=op.f('fk_consumer_warning_case_warning_id_consumer_warning'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consumer_warning_case')),
    sa.UniqueConstraint('warning_id', 'complaint_id', name='uq_consumer_warning_case_pair')
    )
    op.create_index(op.f('ix_consumer_warning_case_complaint_id'), 'consumer_warning_case', ['complaint_id'], unique=False)
    op.create_index(op.f('ix_consumer_warning_case_warning_id'), 'consumer_warning_case', ['warning_id'], unique=False)
    op.create_table('trust_revisit_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revisit_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=24), nullable=False),
    sa.Column('item_name', sa.String(length=100), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['revisit_id'], ['trust_revisit.id'], name=op.f('fk_trust_revisit_check_revisit_id_trust_revisit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_revisit_check')),
    sa.UniqueConstraint('revisit_id', 'item_code', name='uq_trust_revisit_check_item')
    )
    op.create_index(op.f('ix_trust_revisit_check_item_code'), 'trust_revisit_check', ['item_code'], unique=False)
    op.create_index(op.f('ix_trust_revisit_check_revisit_id'), 'trust_revisit_check', ['revisit_id'], unique=False)
    op.create_table('trust_revisit_inspector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revisit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['revisit_id'], ['trust_revisit.id'], name=op.f('fk_trust_revisit_inspector_revisit_id_trust_revisit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_trust_revisit_inspector_user_id_app_user')),
    sa.ForeignKeyConstraint(['person_id'], ['roster_person.id'], name=op.f('fk_trust_revisit_inspector_person_id_roster_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_revisit_inspector'))
    )
    op.create_index(op.f('ix_trust_revisit_inspector_revisit_id'), 'trust_revisit_inspector', ['revisit_id'], unique=False)
    op.create_table('trust_revisit_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revisit_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['revisit_id'], ['trust_revisit.id'], name=op.f('fk_trust_revisit_photo_revisit_id_trust_revisit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_revisit_photo'))
    )
    op.create_index(op.f('ix_trust_revisit_photo_revisit_id'), 'trust_revisit_photo', ['revisit_id'], unique=False)
    op.create_table('referral_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('returned_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_by', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_return_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_return')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_referral_return_referral_id'))
    )
    _seed()


def _seed() -> None:
    vocab = sa.table(
        "register_vocab",
        sa.column("kind", sa.String), sa.column("code", sa.String), sa.column("name", sa.String),
        sa.column("counted", sa.Boolean), sa.column("sort_order", sa.Integer), sa.column("active", sa.Boolean),
        sa.column("builtin", sa.Boolean), sa.column("version", sa.Integer),
    )
    op.bulk_insert(vocab, [
        {"kind": kind, "code": code, "name": name, "counted": counted, "sort_order": (i + 1) * 100,
         "active": True, "builtin": True, "version": 1}
        for kind, items in VOCAB.items()
        for i, (code, name, counted) in enumerate(items)
    ])
    import datetime as dt

    now = dt.datetime(2026, 11, 30, 0, 0, 0)
    dept = sa.table(
        "member_department",
        sa.column("name", sa.String), sa.column("short_name", sa.String), sa.column("aliases", sa.Text),
        sa.column("contact_person", sa.String), sa.column("phone", sa.String), sa.column("sort_order", sa.Integer),
        sa.column("active", sa.Boolean), sa.column("note", sa.Text), sa.column("version", sa.Integer),
        sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime),
    )
    op.bulk_insert(dept, [
        {"name": name, "short_name": short, "aliases": aliases, "contact_person": "", "phone": "",
         "sort_order": (i + 1) * 10, "active": True, "note": "", "version": 1, "created_at": now, "updated_at": now}
        for i, (name, short, aliases) in enumerate(DEPARTMENTS)
    ])


def downgrade() -> None:
    op.drop_table('referral_return')
    op.drop_index(op.f('ix_trust_revisit_photo_revisit_id'), table_name='trust_revisit_photo')
    op.drop_table('trust_revisit_photo')
    op.drop_index(op.f('ix_trust_revisit_inspector_revisit_id'), table_name='trust_revisit_inspector')
    op.drop_table('trust_revisit_inspector')
    op.drop_index(op.f('ix_trust_revisit_check_revisit_id'), table_name='trust_revisit_check')
    op.drop_index(op.f('ix_trust_revisit_check_item_code'), table_name='trust_revisit_check')
    op.drop_table('trust_revisit_check')
    op.drop_index(op.f('ix_consumer_warning_case_warning_id'), table_name='consumer_warning_case')
    op.drop_index(op.f('ix_consumer_warning_case_complaint_id'), table_name='consumer_warning_case')
    op.drop_table('consumer_warning_case')
    op.drop_index(op.f('ix_trust_unit_event_unit_id'), table_name='trust_unit_event')
    op.drop_table('trust_unit_event')
    op.drop_index(op.f('ix_trust_revisit_visit_date'), table_name='trust_revisit')
    op.drop_index(op.f('ix_trust_revisit_unit_id'), table_name='trust_revisit')
    op.drop_index(op.f('ix_trust_revisit_rectification_deadline'), table_name='trust_revisit')
    op.drop_table('trust_revisit')
    op.drop_index(op.f('ix_trust_award_unit_id'), table_name='trust_award')
    op.drop_table('trust_award')
    op.drop_index(op.f('ix_outreach_activity_photo_activity_id'), table_name='outreach_activity_photo')
    op.drop_table('outreach_activity_photo')
    op.drop_index(op.f('ix_joint_meeting_attendee_meeting_id'), table_name='joint_meeting_attendee')
    op.drop_index(op.f('ix_joint_meeting_attendee_department_id'), table_name='joint_meeting_attendee')
    op.drop_table('joint_meeting_attendee')
    op.drop_index(op.f('ix_consumer_survey_score_survey_id'), table_name='consumer_survey_score')
    op.drop_table('consumer_survey_score')
    op.drop_index(op.f('ix_trust_unit_valid_until'), table_name='trust_unit')
    op.drop_index(op.f('ix_trust_unit_status'), table_name='trust_unit')
    op.drop_index(op.f('ix_trust_unit_revoked_date'), table_name='trust_unit')
    op.drop_index(op.f('ix_trust_unit_office_id'), table_name='trust_unit')
    op.drop_index('uq_trust_unit_live_business', table_name='trust_unit')
    op.drop_index('ix_trust_unit_business_status', table_name='trust_unit')
    op.drop_index(op.f('ix_trust_unit_business_id'), table_name='trust_unit')
    op.drop_table('trust_unit')
    op.drop_index(op.f('ix_outreach_activity_office_id'), table_name='outreach_activity')
    op.drop_index(op.f('ix_outreach_activity_kind_code'), table_name='outreach_activity')
    op.drop_index(op.f('ix_outreach_activity_held_date'), table_name='outreach_activity')
    op.drop_table('outreach_activity')
    op.drop_index(op.f('ix_monthly_posts_office_id'), table_name='monthly_posts')
    op.drop_table('monthly_posts')
    op.drop_index(op.f('ix_media_report_published_date'), table_name='media_report')
    op.drop_index(op.f('ix_media_report_office_id'), table_name='media_report')
    op.drop_table('media_report')
    op.drop_index(op.f('ix_joint_meeting_office_id'), table_name='joint_meeting')
    op.drop_index(op.f('ix_joint_meeting_meeting_date'), table_name='joint_meeting')
    op.drop_table('joint_meeting')
    op.drop_index(op.f('ix_consumer_warning_office_id'), table_name='consumer_warning')
    op.drop_index(op.f('ix_consumer_warning_issued_date'), table_name='consumer_warning')
    op.drop_table('consumer_warning')
    op.drop_index(op.f('ix_consumer_survey_start_date'), table_name='consumer_survey')
    op.drop_index(op.f('ix_consumer_survey_office_id'), table_name='consumer_survey')
    op.drop_index(op.f('ix_consumer_survey_industry_code'), table_name='consumer_survey')
    op.drop_table('consumer_survey')
    op.drop_index(op.f('ix_register_vocab_kind'), table_name='register_vocab')
    op.drop_table('register_vocab')
    op.drop_table('member_department')
