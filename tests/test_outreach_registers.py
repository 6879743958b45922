"""The outreach registers: bad input is refused field by field and saves nothing, published
warnings never identify a consumer, surveys keep returned ≤ sent, photos and report files are
stored with their hash, lists filter, exports read back, and the vocabularies an admin edits."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_trust_units import accepted_complaint, business, frozen  # noqa: F401  (frozen is a fixture)

from desk.errors import ConflictError, DeskError, PermissionDenied, ValidationError
from desk.facade import Desk
from desk.services.outreach import (
    ActivityInput,
    MediaReportInput,
    MonthlyPostsInput,
    RegisterFilter,
    ScoreInput,
    SurveyInput,
    WarningInput,
)
from desk.services.users import UserInput


def test_activity_input_is_checked_and_nothing_half_saved(sqlite_desk: Desk, frozen: dt.date) -> None:  # noqa: F811
    o = sqlite_desk.outreach
    with pytest.raises(ValidationError) as e:
        o.add_activity(ActivityInput("", "2026-11-21", "", people_reached=-5, leaflets="一百", banners="", sites=True))
    f = e.value.fields
    assert set(f) == {"kind_code", "held_date", "title", "people_reached", "leaflets", "banners", "sites"}
    assert "今天" in f["held_date"] and "负数" in f["people_reached"] and "不是整数" in f["leaflets"]
    assert "活动日期" in e.value.message  # the message names the field in Chinese
    with pytest.raises(ValidationError) as e:
        o.add_activity(ActivityInput("A02", "2026/2/30", "进超市", place="地" * 201, consultations=10_000_001))
    assert "不存在" in e.value.fields["held_date"] and "place" in e.value.fields and "consultations" in e.value.fields
    assert o.activities() == []
    a = o.add_activity(ActivityInput("A02", "2026年3月5日", "  进超市宣传  ", partners="县市场监督管理局\n县公安局", people_reached="1,200",
                                     leaflets="８００", banners=3, consultations=25, complaints_received=2))
    assert (a.held_date, a.title, a.people_reached, a.leaflets, a.kind_name) == (dt.date(2026, 3, 5), "进超市宣传", 1200, 800, "进商场超市")
    b = o.update_activity(a.id, a, ActivityInput("A03", "2026-03-06", "进社区", people_reached=50))
    assert b.kind_name == "进社区" and b.version == a.version + 1
    with pytest.raises(ConflictError) as e:
        o.update_activity(a.id, a, ActivityInput("A02", "2026-03-05", "旧内容"))
    assert "title" in e.value.changed
    with pytest.raises(ConflictError):
        o.delete_activity(a.id, a)
    o.delete_activity(b.id, b)
    assert o.activities() == []


def test_activity_photos(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    o = sqlite_desk.outreach
    a = o.add_activity(ActivityInput("A01", "2026-03-15", "3·15", people_reached=3000))
    src = tmp_path / "现场.png"
    src.write_bytes(b"\x89PNG" + b"0" * 2048)
    p = o.add_activity_photo_file(a.id, src)
    assert p.sha256 == hashlib.sha256(src.read_bytes()).hexdigest() and p.size == src.stat().st_size
    with pytest.raises(ValidationError, match="不是照片"):
        o.add_activity_photo(a.id, "名单.xlsx", b"x")
    with pytest.raises(ValidationError, match="空文件"):
        o.add_activity_photo(a.id, "空.jpg", b"")
    with pytest.raises(ValidationError, match="20 MB"):
        o.add_activity_photo(a.id, "大.jpg", b"0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="文件夹"):
        o.add_activity_photo_file(a.id, tmp_path)
    view = o.get_activity(a.id)
    assert [x.filename for x in view.photos] == ["现场.png"] and view.photo_count == 1
    assert o.activities()[0].photo_count == 1 and o.activities()[0].photos == ()
    assert o.activity_photo(p.id) == ("现场.png", src.read_bytes())
    # The photo is the activity's own: deleting the activity deletes it.
    o.delete_activity(a.id, view)
    with pytest.raises(DeskError):
        o.activity_photo(p.id)


def test_warnings_never_identify_a_consumer(desk: Desk, frozen: dt.date) -> None:  # noqa: F811
    d = desk
    bid = business(d, "某预付卡美容店")
    case = accepted_complaint(d, bid, dt.date(2026, 10, 8))
    o = d.outreach
    with pytest.raises(ValidationError) as e:
        o.add_warning(WarningInput("warning", "2026-10-20", "预付卡警示", "M03", "消费者张三在某店办卡后无法退费。", case_nos=case))
    assert "张某" in e.value.fields["body"] and "张三" not in e.value.fields["body"]
    with pytest.raises(ValidationError, match="手机号码"):
        o.add_warning(WarningInput("tip", "2026-10-20", "提示", "M03", "有问题请联系138 1234 5678"))
    with pytest.raises(ValidationError, match="身份证"):
        o.add_warning(WarningInput("tip", "2026-10-20", "提示", "M03", "证件号340123199001011234"))
    with pytest.raises(ValidationError) as e:
        o.add_warning(WarningInput("alarm", "", "", "", case_nos="TH-2099-99999、" + case))
    assert set(e.value.fields) == {"kind", "issued_date", "title", "channel_code", "case_nos"}
    assert "TH-2099-99999" in e.value.fields["case_nos"]
    w = o.add_warning(WarningInput("warning", "2026-10-20", "预付卡消费警示", "M03", "张某在某美容店办卡后无法退费，请谨慎办卡。",
                                   case_nos=f" {case.lower()} ，{case}"))
    assert w.case_nos == (case,) and w.kind_label == "消费警示" and w.channel_name == "消协网站"
    w2 = o.update_warning(w.id, w, WarningInput("warning", "2026-10-20", "预付卡消费警示", "M03", w.body))
    assert w2.case_nos == () and w2.version > w.version  # unlinking alone is a change other desks see
    assert [x.title for x in o.warnings(RegisterFilter(kind="warning", keyword="预付卡"))] == ["预付卡消费警示"]
    assert o.warnings(RegisterFilter(kind="tip")) == []


def test_surveys_returned_never_exceed_sent(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    o = sqlite_desk.outreach
    with pytest.raises(ValidationError) as e:
        o.add_survey(SurveyInput("I01", "供水评议", "2026-05-01", "2026-04-01", sent=2500, returned=2600, satisfaction="100.5",
                                 scores=(ScoreInput("服务态度", "九十"), ScoreInput("", 80), ScoreInput("服务态度", 80))))
    f = e.value.fields
    assert "不能多于发放数" in f["returned"] and "早于开始日期" in f["end_date"] and "0–100" in f["satisfaction"]
    assert "scores" in f
    with pytest.raises(ValidationError) as e:
        o.add_survey(SurveyInput("", "", None, sent=-1, returned="x"))
    assert set(e.value.fields) == {"industry_code", "title", "start_date", "sent", "returned"}
    v = o.add_survey(SurveyInput("I02", "供电行业消费评议", "2026-05-01", "", sent="2,500", returned=2298, satisfaction="86.5",
                                 scores=(ScoreInput("服务态度", 90), ScoreInput("收费合理", "78.25"))))
    assert (v.end_date, v.sent, v.returned, v.return_rate, v.satisfaction) == (dt.date(2026, 5, 1), 2500, 2298, Decimal("91.92"), Decimal("86.50"))
    assert [(s.aspect, s.score) for s in v.scores] == [("服务态度", Decimal("90.00")), ("收费合理", Decimal("78.25"))]
    v = o.set_survey_report(v.id, "供电评议报告.docx", b"PK\x03\x04report")
    assert v.report_filename == "供电评议报告.docx" and o.survey_report(v.id) == ("供电评议报告.docx", b"PK\x03\x04report")
    v2 = o.update_survey(v.id, v, SurveyInput("I02", "供电行业消费评议", "2026-05-01", sent=2500, returned=2500))
    assert v2.scores == () and v2.return_rate == Decimal("100.00") and v2.report_filename == "供电评议报告.docx"
    o.remove_survey_report(v.id)
    with pytest.raises(DeskError, match="没有上传"):
        o.survey_report(v.id)
    out = o.export_surveys(tmp_path / "评议.xlsx")
    rows = [[c.value for c in r] for r in load_workbook(out.path).active.iter_rows()]
    assert rows[1][0] == "开始日期" and rows[2][2] == "供电" and rows[2][4:7] == [2500, 2500, 100.0]
    assert rows[-1][4:7] == [2500, 2500, 100.0]


def test_publicity_and_monthly_posts(sqlite_desk: Desk, frozen: dt.date) -> None:  # noqa: F811
    o = sqlite_desk.outreach
    with pytest.raises(ValidationError) as e:
        o.add_media_report(MediaReportInput("2026-13-01", "", "", ""))
    assert set(e.value.fields) == {"published_date", "media_kind_code", "outlet", "title"}
    m = o.add_media_report(MediaReportInput("2026-03-16", "P01", "《颍州晚报》", "县消协开展3·15宣传"))
    assert m.media_kind_name == "报刊"
    months = o.monthly_posts(2026)
    assert len(months) == 12 and all(x.id is None and x.version == 0 for x in months)
    with pytest.raises(ValidationError) as e:
        o.save_monthly_posts(MonthlyPostsInput(2026, 12, website_posts=-1))
    assert set(e.value.fields) == {"month", "website_posts"}
    saved = o.save_monthly_posts(MonthlyPostsInput(2026, 3, website_posts=4, new_media_posts="7"))
    with pytest.raises(ConflictError):
        o.save_monthly_posts(MonthlyPostsInput(2026, 3, website_posts=5), expected_version=0)
    again = o.save_monthly_posts(MonthlyPostsInput(2026, 3, website_posts=5, new_media_posts=7), expected_version=saved.version)
    assert (again.website_posts, again.new_media_posts) == (5, 7)
    assert o.monthly_posts(2026)[2].website_posts == 5


def test_register_vocabularies(sqlite_desk: Desk, frozen: dt.date) -> None:  # noqa: F811
    o = sqlite_desk.outreach
    kinds = o.vocab("activity_kind")
    assert [k.code for k in kinds][:6] == ["A01", "A02", "A03", "A04", "A05", "A06"]
    assert [k.name for k in o.vocab("survey_industry")][:6] == ["供水", "供电", "通讯", "金融", "邮政", "快递"]
    new = o.add_vocab("activity_kind", "进机关")
    assert new.code == "AX01" and not new.builtin
    a = o.add_activity(ActivityInput("AX01", "2026-04-01", "进机关宣传"))
    o.set_vocab_active(new.id, False)
    with pytest.raises(ValidationError, match="停用"):
        o.add_activity(ActivityInput("AX01", "2026-04-02", "再进机关"))
    # A record keeps its deactivated kind when edited.
    o.update_activity(a.id, a, ActivityInput("AX01", "2026-04-01", "进机关宣传（改）"))
    with pytest.raises(DeskError):
        o.vocab("no_such_kind")
    for item in o.vocab("trust_kind")[1:]:
        o.set_vocab_active(item.id, False)
    with pytest.raises(DeskError, match="最后一个"):
        o.set_vocab_active(o.vocab("trust_kind")[0].id, False)


def test_roles(sqlite_desk: Desk, frozen: dt.date) -> None:  # noqa: F811
    d = sqlite_desk
    office = d.offices.list()[0]
    d.users.create(UserInput("reader", "只读用户", "readonly", office.id, password="reader-pass-1"))
    d.users.create(UserInput("sec", "秘书", "secretary", office.id, password="secret-pass-1"))
    a = d.outreach.add_activity(ActivityInput("A01", "2026-03-15", "3·15"))
    with Desk.open(d.url) as r:
        r.auth.login("reader", "reader-pass-1")
        assert [x.title for x in r.outreach.activities()] == ["3·15"]
        with pytest.raises(PermissionDenied):
            r.outreach.add_activity(ActivityInput("A01", "2026-03-15", "不行"))
        with pytest.raises(PermissionDenied):
            r.outreach.delete_activity(a.id, a)
        with pytest.raises(PermissionDenied):
            r.outreach.add_vocab("activity_kind", "不行")
    with Desk.open(d.url) as s:
        s.auth.login("sec", "secret-pass-1")
        s.outreach.add_activity(ActivityInput("A03", "2026-04-01", "进社区"))
        with pytest.raises(PermissionDenied):
            s.outreach.add_vocab("activity_kind", "秘书不能改词表")


def test_exports_read_back(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    o = sqlite_desk.outreach
    o.add_activity(ActivityInput("A01", "2026-03-15", "3·15宣传", people_reached=3000, leaflets=1500, banners=20))
    o.add_activity(ActivityInput("A03", "2026-04-02", "进社区", people_reached=80, leaflets=100))
    o.add_activity(ActivityInput("A03", "2025-04-02", "去年进社区", people_reached=70))
    out = o.export_activities(tmp_path / "活动", RegisterFilter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31)))
    assert out.path.name == "活动.xlsx" and out.rows == 2
    rows = [[c.value for c in r] for r in load_workbook(out.path).active.iter_rows()]
    assert rows[0][0] == "宣传教育活动登记（2026-01-01 至 2026-12-31）"
    assert rows[2][:3] == ["2026-04-02", "进社区", "进社区"] and rows[3][6] == 3000
    assert rows[-1][0] == "合计" and rows[-1][6] == 3080 and rows[-1][7] == 1600
    o.add_warning(WarningInput("tip", "2026-05-01", "消费提示", "M04", "理性消费"))
    assert o.export_warnings(tmp_path / "警示.xlsx").rows == 1
    o.add_media_report(MediaReportInput("2026-03-16", "P02", "太和县电视台", "3·15报道"))
    assert o.export_media_reports(tmp_path / "媒体.xlsx").rows == 1
    o.save_monthly_posts(MonthlyPostsInput(2026, 1, 3, 5))
    posts = [[c.value for c in r] for r in load_workbook(o.export_monthly_posts(tmp_path / "信息.xlsx", 2026).path).active.iter_rows()]
    assert posts[2] == ["2026年1月", 3, 5, None] and posts[-1][:3] == ["合计", 3, 5]
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.xlsx").mkdir()  # a folder where the file should go: the save fails
    with pytest.raises(DeskError, match="无法写入"):
        o.export_activities(locked / "x.xlsx")
    entries = sqlite_desk.audit_log.entries(table="outreach_activity", row_id="list")
    assert [e.action for e in entries] == ["export"]
