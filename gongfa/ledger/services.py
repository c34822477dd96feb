"""Ledgers and statistics derived from the records; digests for verification; submission; inspection draws.

Nothing here is typed in twice: the village volume, the station duty ledger and the quarterly table
are all read from sessions, work-log entries and ratings. Every print gets a short code whose public
page shows the SHA-256 of exactly what was printed, so a doctored page can be told from the record.
"""

import hashlib
import json
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from gongfa import clock
from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.duty.holidays import holidays_between, is_working_day
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.ledger.models import InspectionDraw, PrintRecord, QuarterSubmission
from gongfa.mediation.models import MediationCase
from gongfa.org import services as org
from gongfa.org.models import PointKind, ServicePoint, Unit, UnitLevel
from gongfa.people import services as people
from gongfa.people.models import User
from gongfa.ratings.models import Rating, RatingValue
from gongfa.signup.models import Booking
from gongfa.worklog.models import Amendment, Category, EntryStatus, WorkLogEntry

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off paper without mistakes
DONE = (SessionStatus.DONE, SessionStatus.COUNTERSIGNED)


# --- periods ---------------------------------------------------------------------------------


def deadline(year: int, quarter: int, unit: Unit | None = None) -> date:
    """The quarter's last working day (holidays and 调休 counted): submission is due by then."""
    first, last = clock.quarter_bounds(year, quarter)
    holidays = holidays_between(last - timedelta(days=20), last, unit)
    day = last
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


# --- digests ---------------------------------------------------------------------------------


def _canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_record(e: WorkLogEntry) -> dict:
    """Everything a ledger prints about an entry, as plain data (the digest is taken over this)."""
    return {"id": e.id, "served_on": e.served_on.isoformat(), "starts_at": e.starts_at.strftime("%H:%M"),
            "ends_at": e.ends_at.strftime("%H:%M"), "place": e.place, "persons": e.persons, "mode": e.mode.value,
            "category": e.category.value, "content": e.content, "result": e.result, "referral": e.referral.value,
            "status": e.status.value, "lawyer": e.lawyer.full_name,
            "countersigned_by": e.countersigned_by.full_name if e.countersigned_by else "",
            "countersigned_at": e.countersigned_at.isoformat() if e.countersigned_at else "",
            "amendments": [{"field": a.field, "old": a.old_value, "new": a.new_value, "reason": a.reason,
                            "at": a.at.isoformat()} for a in e.amendments]}


def digest(records: list[dict]) -> str:
    """SHA-256 of the records, canonical JSON."""
    return hashlib.sha256(_canonical(records)).hexdigest()


def short(record: dict) -> str:
    """The eight hex digits of one record's digest printed in its row."""
    return hashlib.sha256(_canonical(record)).hexdigest()[:8]


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not db.session.scalar(select(PrintRecord.id).where(PrintRecord.code == code)):
            return code


def record_print(*, kind: str, unit: Unit, first: date, last: date, records: list[dict],
                 actor: User | None) -> PrintRecord:
    """The print's verification record; the same content printed again keeps its code."""
    value = digest(records)
    existing = db.session.scalar(select(PrintRecord).where(
        PrintRecord.kind == kind, PrintRecord.unit_id == unit.id, PrintRecord.first == first,
        PrintRecord.last == last, PrintRecord.digest == value))
    if existing is not None:
        return existing
    rows = [{"id": r.get("id"), "date": r.get("served_on") or r.get("on"), "time": f"{r.get('starts_at', '')}–"
             f"{r.get('ends_at', '')}", "category": r.get("category", ""), "digest": short(r)} for r in records]
    printed = PrintRecord(code=_new_code(), kind=kind, unit_id=unit.id, first=first, last=last, digest=value,
                          rows=rows, created_by_id=actor.id if actor else None)
    db.session.add(printed)
    db.session.flush()
    audit.record("ledger.print", printed, after={"code": printed.code, "kind": kind, "digest": value},
                 actor_id=actor.id if actor else None)
    return printed


def verification(code: str) -> PrintRecord | None:
    """A print by its code (case and the dash ignored)."""
    clean = code.replace("-", "").replace(" ", "").upper()[:10]
    return db.session.scalar(select(PrintRecord).options(joinedload(PrintRecord.unit))
                             .where(PrintRecord.code == clean))


# --- the village volume (一村一卷) --------------------------------------------------------------


def _entries(point_ids: list[int], first: date, last: date) -> list[WorkLogEntry]:
    return list(db.session.scalars(
        select(WorkLogEntry).options(joinedload(WorkLogEntry.lawyer), joinedload(WorkLogEntry.countersigned_by),
                                     selectinload(WorkLogEntry.amendments))
        .where(WorkLogEntry.point_id.in_(point_ids), WorkLogEntry.served_on.between(first, last),
               WorkLogEntry.status != EntryStatus.DRAFT)
        .order_by(WorkLogEntry.served_on, WorkLogEntry.starts_at, WorkLogEntry.id)))


@dataclass
class Volume:
    """What the village volume prints."""

    unit: Unit
    point: ServicePoint | None
    first: date
    last: date
    adviser: object
    members: list
    visits: list[DutySession]
    entries: list[WorkLogEntry]
    records: list[dict] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        """Minutes served in the period, from the entries (printed h:mm)."""
        return sum(e.minutes for e in self.entries)

    @property
    def visits_done(self) -> int:
        """Visits that happened."""
        return sum(1 for v in self.visits if v.status in DONE)


def village_volume(unit: Unit, first: date, last: date) -> Volume:
    """The village's volume for a quarter or a year: adviser, staff, visits planned vs done, every entry."""
    point = org.point_of(unit)
    visits = list(db.session.scalars(select(DutySession).options(joinedload(DutySession.lawyer)).where(
        DutySession.point_id == point.id, DutySession.kind == RuleKind.MONTHLY,
        DutySession.on.between(first, last)).order_by(DutySession.on))) if point else []
    entries = _entries([point.id], first, last) if point else []
    volume = Volume(unit=unit, point=point, first=first, last=last, adviser=org.current_adviser(unit, last),
                    members=people.members_of(point, last) if point else [], visits=visits, entries=entries)
    volume.records = [entry_record(e) for e in entries]
    return volume


def duty_ledger(township: Unit, first: date, last: date) -> tuple[list[DutySession], dict[int, list]]:
    """The station's Wednesdays (and extra sessions) with the entries written at each."""
    point = org.point_of(township)
    sessions = list(db.session.scalars(select(DutySession).options(
        joinedload(DutySession.lawyer), joinedload(DutySession.countersigned_by)).where(
        DutySession.point_id == point.id, DutySession.on.between(first, last)).order_by(DutySession.on)))
    by_session = defaultdict(list)
    for e in _entries([point.id], first, last):
        by_session[e.session_id].append(e)
    return sessions, by_session


def session_record(s: DutySession, entries: list[WorkLogEntry]) -> dict:
    """What the duty ledger prints about a session."""
    return {"id": s.id, "on": s.on.isoformat(), "starts_at": s.starts_at.strftime("%H:%M"),
            "ends_at": s.ends_at.strftime("%H:%M"), "status": s.status.value,
            "lawyer": s.lawyer.full_name if s.lawyer else "", "hours": s.hours,
            "checked_in_at": s.checked_in_at.isoformat() if s.checked_in_at else "",
            "checked_out_at": s.checked_out_at.isoformat() if s.checked_out_at else "",
            "countersigned_by": s.countersigned_by.full_name if s.countersigned_by else "",
            "entries": [entry_record(e) for e in entries]}


# --- quarterly statistics --------------------------------------------------------------------

STAT_COLUMNS = [c.value for c in Category]


@dataclass
class StatRow:
    """One row of the quarterly table."""

    unit: Unit
    adviser: str
    visits: int = 0
    minutes: int = 0  # served, from the entries (printed h:mm)
    counts: Counter = field(default_factory=Counter)
    rated: int = 0
    satisfied: int = 0
    adviser_user: object = None  # shown in the reader's script; ``adviser`` (Chinese form) is what is frozen

    @property
    def hours(self) -> float:
        """Decimal hours, for the .xlsx export and the frozen snapshot (screens and PDFs print h:mm)."""
        return round(self.minutes / 60, 1)

    @property
    def satisfaction(self) -> int | None:
        """满意 + 基本满意 in per cent of ratings, or None with no ratings."""
        return round(100 * self.satisfied / self.rated) if self.rated else None

    def as_dict(self) -> dict:
        """For the frozen snapshot."""
        return {"unit": self.unit.code, "name": self.unit.name_zh, "adviser": self.adviser, "visits": self.visits,
                "hours": self.hours, **{c: self.counts[c] for c in STAT_COLUMNS}, "rated": self.rated,
                "satisfied": self.satisfied}


def statistics(parent: Unit, first: date, last: date) -> tuple[list[StatRow], StatRow]:
    """The quarterly table: a township's villages (or a county's townships) as rows, with a total row.

    A fixed number of queries whatever the size: the rows, then the entries, sessions, ratings and
    advisers below ``parent`` in the period.
    """
    rows_units = list(db.session.scalars(select(Unit).where(Unit.parent_id == parent.id, Unit.is_active.is_(True),
                                                            Unit.is_xpcc.is_(False)).order_by(Unit.code)))
    row_of_path = {u.path: StatRow(unit=u, adviser="") for u in rows_units}

    def row_for(path: str) -> StatRow | None:
        for p, row in row_of_path.items():
            if path.startswith(p):
                return row
        return None

    entries = db.session.execute(
        select(WorkLogEntry, Unit.path).join(ServicePoint, ServicePoint.id == WorkLogEntry.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .where(Unit.path.startswith(parent.path, autoescape=True), WorkLogEntry.served_on.between(first, last),
               WorkLogEntry.status != EntryStatus.DRAFT)).all()
    for e, path in entries:
        row = row_for(path)
        if row is not None:
            row.counts[e.category.value] += 1
            row.minutes += e.minutes
    sessions = db.session.scalars(
        select(Unit.path).select_from(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .where(Unit.path.startswith(parent.path, autoescape=True), DutySession.on.between(first, last),
               DutySession.status.in_(DONE))).all()
    for path in sessions:
        row = row_for(path)
        if row is not None:
            row.visits += 1
    ratings = db.session.execute(
        select(Rating.value, Unit.path).join(Booking, Booking.id == Rating.booking_id)
        .join(DutySession, DutySession.id == Booking.session_id)
        .join(ServicePoint, ServicePoint.id == DutySession.point_id).join(Unit, Unit.id == ServicePoint.unit_id)
        .where(Unit.path.startswith(parent.path, autoescape=True), DutySession.on.between(first, last))).all()
    for value, path in ratings:
        row = row_for(path)
        if row is not None:
            row.rated += 1
            row.satisfied += value in (RatingValue.SATISFIED, RatingValue.BASIC)
    if parent.level == UnitLevel.TOWNSHIP:
        advisers = org.current_advisers(rows_units, last)
        for row in row_of_path.values():
            adviser = advisers.get(row.unit.id)
            row.adviser = adviser.lawyer.full_name if adviser and adviser.lawyer else ""
            row.adviser_user = adviser.lawyer if adviser else None
    rows = list(row_of_path.values())
    total = StatRow(unit=parent, adviser="", visits=sum(r.visits for r in rows),
                    minutes=sum(r.minutes for r in rows), counts=sum((r.counts for r in rows), Counter()),
                    rated=sum(r.rated for r in rows), satisfied=sum(r.satisfied for r in rows))
    return rows, total


# --- quarterly submission --------------------------------------------------------------------


def submissions(year: int, quarter: int) -> dict[int, QuarterSubmission]:
    """The quarter's submissions by township id."""
    return {s.unit_id: s for s in db.session.scalars(select(QuarterSubmission).where(
        QuarterSubmission.year == year, QuarterSubmission.quarter == quarter))}


def submission(unit: Unit, year: int, quarter: int) -> QuarterSubmission | None:
    """The quarter as submitted, if it was."""
    return db.session.scalar(select(QuarterSubmission).where(
        QuarterSubmission.unit_id == unit.id, QuarterSubmission.year == year, QuarterSubmission.quarter == quarter))


def quarter_records(township: Unit, first: date, last: date) -> list[dict]:
    """Every entry of the township's stations and villages in the quarter, as the ledgers print them."""
    point_ids = list(db.session.scalars(select(ServicePoint.id).join(Unit, Unit.id == ServicePoint.unit_id).where(
        Unit.path.startswith(township.path, autoescape=True), ServicePoint.kind.in_([PointKind.STATION,
                                                                                     PointKind.STUDIO]))))
    return [entry_record(e) for e in _entries(point_ids, first, last)]


def uncountersigned(township: Unit, first: date, last: date) -> list[WorkLogEntry]:
    """Entries of the quarter still waiting for a countersignature (shown before submitting)."""
    return list(db.session.scalars(
        select(WorkLogEntry).join(ServicePoint, ServicePoint.id == WorkLogEntry.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(WorkLogEntry.point).joinedload(ServicePoint.unit), joinedload(WorkLogEntry.lawyer))
        .where(Unit.path.startswith(township.path, autoescape=True), WorkLogEntry.served_on.between(first, last),
               WorkLogEntry.status == EntryStatus.SUBMITTED).order_by(WorkLogEntry.served_on)))


def submit_quarter(township: Unit, year: int, quarter: int, *, pdf: bytes, actor: User) -> QuarterSubmission:
    """Freeze the quarter: statistics snapshot, ledger digest and the statistics PDF as printed."""
    if submission(township, year, quarter) is not None:
        raise ServiceError(_l("这个季度已经报送过了。"))
    first, last = clock.quarter_bounds(year, quarter)
    rows, total = statistics(township, first, last)
    records = quarter_records(township, first, last)
    sub = QuarterSubmission(unit_id=township.id, year=year, quarter=quarter, submitted_by_id=actor.id,
                            snapshot={"rows": [r.as_dict() for r in rows], "total": total.as_dict()},
                            ledger_digest=digest(records), pdf=pdf, pdf_digest=hashlib.sha256(pdf).hexdigest())
    db.session.add(sub)
    db.session.flush()
    audit.record("ledger.submit", sub, after={"year": year, "quarter": quarter, "ledger_digest": sub.ledger_digest,
                                              "pdf_digest": sub.pdf_digest}, actor_id=actor.id)
    return sub


def changes_after(sub: QuarterSubmission, township: Unit) -> list[Amendment]:
    """Amendments to the quarter's entries made after it was submitted (they never alter the submission)."""
    first, last = clock.quarter_bounds(sub.year, sub.quarter)
    return list(db.session.scalars(
        select(Amendment).join(WorkLogEntry, WorkLogEntry.id == Amendment.entry_id)
        .join(ServicePoint, ServicePoint.id == WorkLogEntry.point_id).join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(Amendment.entry), joinedload(Amendment.author))
        .where(Unit.path.startswith(township.path, autoescape=True), WorkLogEntry.served_on.between(first, last),
               Amendment.at > sub.submitted_at).order_by(Amendment.at)))


# --- inspection draws ------------------------------------------------------------------------


def draws_by(user: User, limit: int = 20) -> list[InspectionDraw]:
    """An inspector's latest draws."""
    return list(db.session.scalars(select(InspectionDraw).options(joinedload(InspectionDraw.unit))
                                   .where(InspectionDraw.created_by_id == user.id)
                                   .order_by(InspectionDraw.id.desc()).limit(limit)))


def drawn_villages(record: InspectionDraw) -> list[Unit]:
    """The villages a draw picked, with their townships."""
    return list(db.session.scalars(select(Unit).options(joinedload(Unit.parent))
                                   .where(Unit.code.in_(record.villages)).order_by(Unit.code)))


def draw_villages(unit: Unit, per_township: int, seed: int) -> list[str]:
    """2–3 villages per township under ``unit``, drawn with ``seed`` (the same seed, the same villages)."""
    rng = random.Random(seed)
    townships = list(db.session.scalars(select(Unit).where(
        Unit.path.startswith(unit.path, autoescape=True), Unit.level == UnitLevel.TOWNSHIP,
        Unit.is_active.is_(True), Unit.is_xpcc.is_(False)).order_by(Unit.code)))
    chosen = []
    for township in townships:
        codes = sorted(db.session.scalars(select(Unit.code).where(Unit.parent_id == township.id,
                                                                  Unit.level == UnitLevel.VILLAGE,
                                                                  Unit.is_active.is_(True))))
        chosen.extend(rng.sample(codes, min(per_township, len(codes))))
    return chosen


def draw(unit: Unit, *, year: int, quarter: int, per_township: int, actor: User,
         seed: int | None = None) -> InspectionDraw:
    """Record an inspection draw with its seed, so anyone can check it was not picked by hand."""
    if per_township not in (2, 3):
        raise ServiceError(_l("每个乡镇抽2个或3个村（社区）。"), "per_township")
    clock.quarter_bounds(year, quarter)
    seed = seed if seed is not None else secrets.randbits(31)
    record = InspectionDraw(unit_id=unit.id, year=year, quarter=quarter, per_township=per_township, seed=seed,
                            villages=draw_villages(unit, per_township, seed), created_by_id=actor.id)
    db.session.add(record)
    db.session.flush()
    audit.record("ledger.draw", record, actor_id=actor.id)
    return record


# --- 一事一评: ratings of consultations and mediation cases -------------------------------------


@dataclass
class RatingRow:
    """Counts of the three answers for one lawyer, village or session."""

    label: object  # a lawyer (User, None when the session had none) or a Unit, shown in the reader's language
    counts: Counter

    @property
    def total(self) -> int:
        """All ratings."""
        return sum(self.counts.values())

    @property
    def satisfied_share(self) -> int:
        """满意 + 基本满意, in per cent of all ratings."""
        good = self.counts[RatingValue.SATISFIED] + self.counts[RatingValue.BASIC]
        return round(100 * good / self.total) if self.total else 0


def rating_summary(unit_filter, *, first: date, last: date) -> dict[str, list[RatingRow]]:
    """Ratings in scope and period: of bookings per lawyer and place, of mediation cases per committee."""
    rows = db.session.execute(
        select(Rating.value, User, Unit)
        .join(Booking, Booking.id == Rating.booking_id)
        .join(DutySession, DutySession.id == Booking.session_id)
        .join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .outerjoin(User, User.id == DutySession.lawyer_id)
        .where(unit_filter, DutySession.on.between(first, last))).all()
    # cases are rated too (一事一评), per committee
    case_rows = db.session.execute(
        select(Rating.value, Unit).join(MediationCase, MediationCase.id == Rating.mediation_case_id)
        .join(ServicePoint, ServicePoint.id == MediationCase.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .where(unit_filter, MediationCase.closed_on.between(first, last))).all()
    by_lawyer: dict[User | None, Counter] = defaultdict(Counter)
    by_place: dict[Unit, Counter] = defaultdict(Counter)
    for value, lawyer, place in rows:
        by_lawyer[lawyer][value] += 1
        by_place[place][value] += 1
    for value, place in case_rows:
        by_place[place][value] += 1
    return {"lawyer": [RatingRow(k, v) for k, v in sorted(by_lawyer.items(),
                                                          key=lambda kv: (kv[0] is None, kv[0] and kv[0].full_name))],
            "place": [RatingRow(k, v) for k, v in sorted(by_place.items(), key=lambda kv: kv[0].code)]}
