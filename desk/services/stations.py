"""消费争议和解服务站 (reconciliation stations) in enterprises: the registry, and complaints
settled at a station (registered with the channel 和解站, code C06, and counted as resolved by
desk.mediation_stats)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk import clock
from desk.errors import DeskError, NotFound, ValidationError
from desk.mediation_stats import RESOLVED_RESULTS
from desk.models import Business, Complaint, Office
from desk.models.mediation import MediationOutcome, ReconciliationStation
from desk.roles import Perm
from desk.search import ESCAPE, like_pattern
from desk.services.base import Checker, Service, check_version
from desk.services.complaints import ComplaintInput, ComplaintView
from desk.services.mediation import STATION_STATUSES, OutcomeInput
from desk.validators import mobile_or_landline, normalise_search_text, required_text

STATION_CHANNEL = "C06"  # 和解站 in the channel vocabulary

LABELS = {
    "business_id": "所在企业",
    "office_id": "主管单位",
    "name": "和解站名称",
    "address": "地址",
    "conciliator_name": "和解员",
    "conciliator_phone": "和解员电话",
    "liaison_name": "投诉联络员",
    "liaison_phone": "联络员电话",
    "established_date": "设立日期",
    "status": "状态",
    "status_date": "状态变更日期",
    "note": "备注",
}


@dataclass(frozen=True)
class StationInput:
    business_id: int | None = None
    name: str = ""  # default: the enterprise's name + 消费争议和解服务站
    address: str = ""  # default: the enterprise's address
    conciliator_name: str = ""
    conciliator_phone: str = ""
    liaison_name: str = ""
    liaison_phone: str = ""
    established_date: dt.date | None = None
    status: str = "active"
    status_date: dt.date | None = None  # default: today when the status changes
    note: str = ""
    office_id: int | None = None  # default: the user's office


@dataclass(frozen=True)
class StationView:
    id: int
    office_id: int
    office_name: str
    business_id: int
    business_name: str
    name: str
    address: str
    conciliator_name: str
    conciliator_phone: str
    liaison_name: str
    liaison_phone: str
    established_date: dt.date | None
    status: str
    status_date: dt.date | None
    note: str
    settled: int  # complaints settled at the station (resolved)
    version: int
    updated_at: dt.datetime

    @property
    def status_label(self) -> str:
        return STATION_STATUSES.get(self.status, self.status)


def station_input_of(v: StationView) -> StationInput:
    """The input that would save ``v`` unchanged (for editing and merging)."""
    return StationInput(
        business_id=v.business_id, name=v.name, address=v.address, conciliator_name=v.conciliator_name,
        conciliator_phone=v.conciliator_phone, liaison_name=v.liaison_name, liaison_phone=v.liaison_phone,
        established_date=v.established_date, status=v.status, status_date=v.status_date, note=v.note, office_id=v.office_id,
    )


class StationService(Service):
    def _views(self, s: Session, stations: list[ReconciliationStation]) -> list[StationView]:
        if not stations:
            return []
        ids = [x.id for x in stations]
        settled = dict(s.execute(
            select(MediationOutcome.station_id, func.count(MediationOutcome.id))
            .where(MediationOutcome.station_id.in_(ids), MediationOutcome.result == "station",
                   MediationOutcome.resolved_date.is_not(None))
            .group_by(MediationOutcome.station_id)).all())
        offices = dict(s.execute(select(Office.id, Office.name)).all())
        businesses = dict(s.execute(select(Business.id, Business.name).where(Business.id.in_([x.business_id for x in stations]))).all())
        return [
            StationView(
                id=x.id, office_id=x.office_id, office_name=offices.get(x.office_id, ""), business_id=x.business_id,
                business_name=businesses.get(x.business_id, ""), name=x.name, address=x.address,
                conciliator_name=x.conciliator_name, conciliator_phone=x.conciliator_phone, liaison_name=x.liaison_name,
                liaison_phone=x.liaison_phone, established_date=x.established_date, status=x.status, status_date=x.status_date,
                note=x.note, settled=int(settled.get(x.id, 0)), version=x.version, updated_at=x.updated_at,
            )
            for x in stations
        ]

    def list(self, *, status: str | None = None, keyword: str = "", office_id: int | None = None) -> list[StationView]:
        """The registry, by name; ``status`` active | suspended | revoked; ``keyword`` matches
        the station, enterprise, 和解员 or 联络员."""
        self.desk.require_login()
        q = select(ReconciliationStation).join(Business, Business.id == ReconciliationStation.business_id)
        if status:
            q = q.where(ReconciliationStation.status == status)
        if office_id is not None:
            q = q.where(ReconciliationStation.office_id == office_id)
        if keyword.strip():
            pat = like_pattern(keyword)
            q = q.where(
                ReconciliationStation.name.like(pat, escape=ESCAPE)
                | Business.search_name.like(like_pattern(normalise_search_text(keyword)), escape=ESCAPE)
                | ReconciliationStation.conciliator_name.like(pat, escape=ESCAPE)
                | ReconciliationStation.liaison_name.like(pat, escape=ESCAPE)
            )
        with self.desk.read() as s:
            return self._views(s, list(s.scalars(q.order_by(ReconciliationStation.name, ReconciliationStation.id))))

    def get(self, station_id: int) -> StationView:
        self.desk.require_login()
        with self.desk.read() as s:
            x = s.get(ReconciliationStation, station_id)
            if x is None:
                raise NotFound("找不到该和解站，可能已被删除")
            return self._views(s, [x])[0]

    def _validate(self, s: Session, inp: StationInput, own: ReconciliationStation | None) -> dict:
        c = Checker(LABELS)
        today = clock.today()
        business = s.get(Business, inp.business_id) if inp.business_id is not None else None
        if inp.business_id is None:
            c.add("business_id", "请选择设立和解站的企业（经营者）")
        elif business is None:
            c.add("business_id", "所选经营者已不存在，请重新选择")
        else:
            other = s.scalar(select(ReconciliationStation).where(
                ReconciliationStation.business_id == business.id, ReconciliationStation.id != (own.id if own else -1)))
            if other is not None:
                c.add("business_id", f"该企业已设立和解站“{other.name}”")
        name = inp.name.strip() or (f"{business.name}消费争议和解服务站" if business else "")
        if len(name) > 200:
            c.add("name", "不能超过200个字")
        address = inp.address.strip() or (business.address if business else "")
        if len(address) > 200:
            c.add("address", "不能超过200个字")
        conciliator = c.check("conciliator_name", required_text, inp.conciliator_name, max_len=60) or ""
        liaison = inp.liaison_name.strip()
        if len(liaison) > 60:
            c.add("liaison_name", "不能超过60个字")
        phones = {}
        for f in ("conciliator_phone", "liaison_phone"):
            value = getattr(inp, f).strip()
            phones[f] = (c.check(f, mobile_or_landline, value) or "") if value else ""
        if inp.liaison_phone.strip() and not liaison:
            c.add("liaison_name", "填写了联络员电话，请填写联络员姓名")
        if inp.established_date is not None and inp.established_date > today:
            c.add("established_date", "不能晚于今天")
        if inp.status not in STATION_STATUSES:
            c.add("status", "请选择状态：运行、暂停或撤销")
        status_date = inp.status_date
        if own is not None and own.status == inp.status and status_date is None:
            status_date = own.status_date
        if status_date is None and (own is None and inp.status != "active" or own is not None and own.status != inp.status):
            status_date = today
        if status_date is not None:
            if status_date > today:
                c.add("status_date", "不能晚于今天")
            elif inp.established_date is not None and status_date < inp.established_date:
                c.add("status_date", f"不能早于设立日期 {inp.established_date:%Y-%m-%d}")
        note = inp.note.strip()
        if len(note) > 2000:
            c.add("note", "不能超过2000个字")
        office_id = inp.office_id or (own.office_id if own else None) or (self.desk.actor.office_id if self.desk.actor else None)
        if office_id is None or s.get(Office, office_id) is None:
            c.add("office_id", "请选择主管单位")
        c.raise_if_any()
        return dict(business_id=inp.business_id, name=name, address=address, conciliator_name=conciliator,
                    conciliator_phone=phones["conciliator_phone"], liaison_name=liaison, liaison_phone=phones["liaison_phone"],
                    established_date=inp.established_date, status=inp.status, status_date=status_date, note=note,
                    office_id=office_id)

    def create(self, inp: StationInput) -> StationView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            x = ReconciliationStation(**self._validate(s, inp, None))
            s.add(x)
            s.flush()
            return self._views(s, [x])[0]

    def update(self, station_id: int, started_from: StationView, inp: StationInput) -> StationView:
        """Save over the station as the user saw it; ConflictError names what another desk changed."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            x = s.get(ReconciliationStation, station_id)
            if x is None:
                raise NotFound("该和解站已被其他用户删除")
            check_version("和解站", started_from.version, x, self._views(s, [x])[0], started_from, ignore=("settled",))
            for k, v in self._validate(s, inp, x).items():
                setattr(x, k, v)
            s.flush()
            return self._views(s, [x])[0]

    def delete(self, station_id: int, started_from: StationView) -> None:
        """Only a station no case refers to (a mistaken entry); otherwise set it to 撤销."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            x = s.get(ReconciliationStation, station_id)
            if x is None:
                return
            check_version("和解站", started_from.version, x, self._views(s, [x])[0], started_from, ignore=("settled",))
            used = s.scalar(select(func.count(MediationOutcome.id)).where(MediationOutcome.station_id == x.id)) or 0
            if used:
                raise DeskError(f"已有{used}件投诉在该站和解，不能删除；如已不再运行，请把状态改为“撤销”")
            s.delete(x)

    def settled_cases(self, station_id: int, *, limit: int = 500) -> list[tuple[int, str, dt.date | None, str]]:
        """(complaint id, case number, settled date, summary) of the cases settled at the station."""
        self.desk.require_login()
        with self.desk.read() as s:
            rows = s.execute(
                select(Complaint.id, Complaint.case_no, MediationOutcome.resolved_date, MediationOutcome.terms)
                .join(MediationOutcome, MediationOutcome.complaint_id == Complaint.id)
                .where(MediationOutcome.station_id == station_id, MediationOutcome.result.in_(RESOLVED_RESULTS),
                       MediationOutcome.resolved_date.is_not(None))
                .order_by(MediationOutcome.resolved_date.desc(), Complaint.id).limit(limit))
            return [(r[0], r[1], r[2], r[3]) for r in rows]

    def record_settled_case(self, station_id: int, complaint: ComplaintInput, outcome: OutcomeInput) -> ComplaintView:
        """A complaint the station settled, as it reports it to the office: registered with the
        channel 和解站 against the station's enterprise and recorded as 和解站和解 (受理, 调解,
        调解成功 on the settlement date), all in one transaction. Field errors of the settlement
        carry the prefix ``outcome.``."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            station = s.get(ReconciliationStation, station_id)
            if station is None:
                raise NotFound("找不到该和解站")
            if station.status != "active":
                raise DeskError(f"“{station.name}”目前{STATION_STATUSES.get(station.status, station.status)}，不能登记新的和解案件")
            inp = replace(complaint, channel_code=STATION_CHANNEL, business_id=station.business_id, new_business=None)
            from desk.services.mediation import OUTCOME_LABELS

            errors: dict[str, str] = {}
            labels: dict[str, str] = {}
            try:
                comp = self.desk.complaints.register_in(s, inp)
            except ValidationError as exc:
                errors.update(exc.fields)
                from desk.services.complaints import LABELS as COMPLAINT_LABELS

                labels.update(COMPLAINT_LABELS)
                comp = None
            if comp is not None:
                try:
                    self.desk.mediation.record_outcome_in(s, comp, replace(outcome, result="station", station_id=station.id))
                except ValidationError as exc:
                    errors.update({f"outcome.{k}": v for k, v in exc.fields.items()})
                    labels.update({f"outcome.{k}": v for k, v in OUTCOME_LABELS.items()})
            if errors:
                raise ValidationError(errors, labels)
            assert comp is not None
            s.flush()
            return self.desk.complaints._view(s, comp)

