"""Work-log entries: write (idempotent), submit, countersign, and amend once countersigned.

A form resubmitted after a timeout carries the same one-time token as the first try, whose unique
constraint turns it into the entry already made. A countersigned entry is never edited in place: a
correction is an Amendment (field, old, new, reason, author, time) and the original stays visible.
Services flush and audit; views commit.
"""

from datetime import date, time
from enum import StrEnum

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from gongfa.audit import services as audit
from gongfa.auth.scope import Scope
from gongfa.db import db, utcnow
from gongfa.duty.attendance import HourFlag, work_flags
from gongfa.duty.models import DutySession, SessionStatus
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org.models import PointKind, ServicePoint, Unit
from gongfa.people.models import Role, User
from gongfa.worklog.models import Amendment, Category, EntryStatus, Mode, Referral, WorkLogEntry

FIELDS = ("point_id", "served_on", "starts_at", "ends_at", "place", "persons", "mode", "category", "content",
          "result", "referral")
AMENDABLE = ("place", "persons", "content", "result")
AMENDABLE_TITLES = {"place": _l("地点"), "persons": _l("服务对象"), "content": _l("事由及内容摘要"),
                    "result": _l("处理意见及结果")}


class EntryAction(StrEnum):
    """What can be done to an entry once it is written."""

    EDIT = "edit"  # change it (and submit a draft): its author, until it is countersigned
    COUNTERSIGN = "countersign"  # the place's officer (a station's head), once it is submitted
    AMEND = "amend"  # record a correction: its author or whoever signs there, once it is countersigned


def _possible(entry: WorkLogEntry, action: EntryAction) -> bool:
    """Whether the entry's state allows an action now, whoever asks (the services refuse the rest)."""
    if action == EntryAction.COUNTERSIGN:
        return entry.status == EntryStatus.SUBMITTED
    return entry.locked if action == EntryAction.AMEND else not entry.locked


def entry_actions(entry: WorkLogEntry, *, user: User, scope: Scope) -> dict[EntryAction, bool]:
    """What ``user`` may do to ``entry``: each action that is theirs to take, and whether its state allows it now.

    An action missing from the answer is never theirs (the view answers 403); one mapped to False is
    theirs in another state (no button; a POST from a page that was out of date gets the service's
    message). The page shows a button exactly for the actions mapped to True. ``scope`` is the user's
    today (``gongfa.auth.scope.scope_for``).
    """
    own = entry.lawyer_id == user.id
    # The village's officer signs a village's entries; the station head a station's.
    signs = scope.covers(entry.point.unit, Role.OFFICER if entry.point.kind == PointKind.STUDIO else Role.STATION_HEAD)
    theirs = [a for a, ok in ((EntryAction.EDIT, own), (EntryAction.COUNTERSIGN, signs),
                              (EntryAction.AMEND, own or signs)) if ok]
    return {a: _possible(entry, a) for a in theirs}


class StaleEntryError(ServiceError):
    """Someone else changed the entry since the page was loaded."""

    def __init__(self):
        super().__init__(_l("这条记录刚刚被修改过。下面是最新内容，请核对后再操作。"))


def _check(values: dict, today: date) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise ServiceError(_l("结束时间要晚于开始时间。"), "ends_at")
    if values["served_on"] > today:
        raise ServiceError(_l("不能记录今天以后的服务。"), "served_on")


def by_token(token: str | None) -> WorkLogEntry | None:
    """The entry a one-time form token already made."""
    return db.session.scalar(select(WorkLogEntry).where(WorkLogEntry.form_token == token)) if token else None


def create_entry(*, lawyer: User, point: ServicePoint, session: DutySession | None, form_token: str | None,
                 submit: bool, today: date, served_on: date, starts_at: time, ends_at: time, place: str,
                 persons: str, mode: Mode, category: Category, content: str, result: str,
                 referral: Referral) -> tuple[WorkLogEntry, bool]:
    """Write an entry (submitted, or a draft). Returns (entry, made_now): a resubmitted form gives the first."""
    earlier = by_token(form_token)
    if earlier is not None:
        return earlier, False
    values = {"served_on": served_on, "starts_at": starts_at, "ends_at": ends_at, "place": place, "persons": persons,
              "mode": mode, "category": category, "content": content, "result": result, "referral": referral}
    _check(values, today)
    try:
        with db.session.begin_nested():  # a lost race undoes only this entry, not the request's transaction
            entry = WorkLogEntry(point_id=point.id, lawyer_id=lawyer.id,
                                 session_id=session.id if session else None, form_token=form_token or None,
                                 status=EntryStatus.SUBMITTED if submit else EntryStatus.DRAFT, **values)
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:  # the same form twice at once (a retry crossing the first on a slow link)
        earlier = by_token(form_token)
        if earlier is None:
            raise
        return earlier, False
    audit.record("worklog.create", entry, actor_id=lawyer.id)
    return entry, True


def update_entry(entry: WorkLogEntry, *, actor: User, version: int | None, submit: bool, today: date,
                 **values) -> WorkLogEntry:
    """Edit a draft or a submitted entry (its author only); never a countersigned one."""
    if version is not None and version != entry.version:
        raise StaleEntryError()
    if not _possible(entry, EntryAction.EDIT):
        raise ServiceError(_l("已签字确认的记录不能直接修改，请提交更正。"))
    _check(values, today)
    try:
        with audit.tracking(entry, "worklog.update"):  # flushes: the row's version is checked here
            for key in FIELDS:
                setattr(entry, key, values[key])
            if submit:
                entry.status = EntryStatus.SUBMITTED
    except StaleDataError:  # changed by someone else between this page's load and its save
        raise StaleEntryError() from None
    return entry


def entry_flags(entry: WorkLogEntry) -> list[HourFlag]:
    """What about an entry's hours the officer should look at before countersigning: for an entry written at a
    visit, the visit's attendance (too short, far from the planned hours, none recorded) and the entry's hours
    far outside the visit's. An entry for a matter outside any visit has none (a five-minute call is a service)."""
    if entry.session is None:
        return []
    return work_flags(entry.session, served_on=entry.served_on, starts_at=entry.starts_at, ends_at=entry.ends_at)


def countersign(entries: list[WorkLogEntry], *, actor: User) -> int:
    """The village officer (or station head) confirms entries: name and time recorded, then locked.

    A flagged entry can be signed (the officer knows the day); the flags shown are kept in the audit event."""
    done = 0
    for entry in entries:
        if not _possible(entry, EntryAction.COUNTERSIGN):
            continue
        before = audit.snapshot(entry)
        entry.status, entry.countersigned_by_id, entry.countersigned_at = EntryStatus.COUNTERSIGNED, actor.id, utcnow()
        db.session.flush()
        b, a = audit.changes(before, audit.snapshot(entry))
        audit.record("worklog.countersign", entry, before=b,
                     after={**a, "hour_flags": [f.code for f in entry_flags(entry)]})
        done += 1
    return done


def amend(entry: WorkLogEntry, *, field: str, new_value: str, reason: str, actor: User) -> Amendment:
    """Correct a countersigned entry: the original stays, the correction is recorded beside it."""
    if not _possible(entry, EntryAction.AMEND):
        raise ServiceError(_l("还没有签字确认的记录可以直接修改。"), "field")
    if field not in AMENDABLE:
        raise ServiceError(_l("这一项不能更正。"), "field")
    old = current(entry, field)
    if new_value == old:
        raise ServiceError(_l("新内容和原内容一样。"), "new_value")
    amendment = Amendment(entry=entry, field=field, old_value=old, new_value=new_value, reason=reason,
                          author_id=actor.id, at=utcnow())
    db.session.add(amendment)
    db.session.flush()
    audit.record("worklog.amend", amendment, actor_id=actor.id)
    return amendment


def has_referral_slip(entry: WorkLogEntry) -> bool:
    """Sent on to legal aid (or a legal-aid matter): the resident takes a 法律援助转介单 there."""
    return entry.referral == Referral.LEGAL_AID or entry.category == Category.LEGAL_AID


def current(entry: WorkLogEntry, field: str) -> str:
    """A field's value after all amendments (the original stays on the entry)."""
    value = getattr(entry, field)
    for a in entry.amendments:
        if a.field == field:
            value = a.new_value
    return value


def entries_at(unit_filter, *, first: date, last: date, lawyer: User | None = None,
               status: EntryStatus | None = None) -> list[WorkLogEntry]:
    """Entries at points in scope between two dates, with place, lawyer and amendments."""
    stmt = (select(WorkLogEntry).join(ServicePoint, ServicePoint.id == WorkLogEntry.point_id)
            .join(Unit, Unit.id == ServicePoint.unit_id)
            .options(joinedload(WorkLogEntry.point).joinedload(ServicePoint.unit), joinedload(WorkLogEntry.lawyer),
                     joinedload(WorkLogEntry.countersigned_by), selectinload(WorkLogEntry.amendments),
                     joinedload(WorkLogEntry.session))  # its hour flags
            .where(unit_filter, WorkLogEntry.served_on.between(first, last))
            .order_by(WorkLogEntry.served_on.desc(), WorkLogEntry.starts_at.desc()))
    if lawyer is not None:
        stmt = stmt.where(WorkLogEntry.lawyer_id == lawyer.id)
    if status is not None:
        stmt = stmt.where(WorkLogEntry.status == status)
    return list(db.session.scalars(stmt))


def entries_of_visit(session: DutySession) -> list[WorkLogEntry]:
    """The entries written at one visit, with their places (for countersigning all of them at once)."""
    return list(db.session.scalars(select(WorkLogEntry).options(
        joinedload(WorkLogEntry.point).joinedload(ServicePoint.unit)).where(WorkLogEntry.session_id == session.id)))


def load(entry_id: int) -> WorkLogEntry | None:
    """One entry with what its page shows."""
    return db.session.scalar(select(WorkLogEntry).options(
        joinedload(WorkLogEntry.point).joinedload(ServicePoint.unit), joinedload(WorkLogEntry.lawyer),
        joinedload(WorkLogEntry.countersigned_by),
        selectinload(WorkLogEntry.amendments).joinedload(Amendment.author)).where(WorkLogEntry.id == entry_id))


def sessions_waiting_for(lawyer: User, *, today: date, until: date,
                         written_since: date) -> list[tuple[DutySession, bool]]:
    """A lawyer's sessions that wait for her (her home page), each with whether she wrote a work-log entry at it:
    to accept or answer (open, not proposed by her, up to ``until``), today's, those done since ``written_since``.
    One statement."""
    written = (select(WorkLogEntry.id).where(WorkLogEntry.session_id == DutySession.id,
                                             WorkLogEntry.lawyer_id == lawyer.id).exists())
    awaiting = and_(DutySession.on.between(today, until), or_(
        DutySession.status == SessionStatus.PLANNED,
        and_(DutySession.status == SessionStatus.PROPOSED, DutySession.proposed_by_id.is_distinct_from(lawyer.id))))
    on_the_day = and_(DutySession.on == today, DutySession.status.in_((SessionStatus.CONFIRMED,
                                                                      SessionStatus.CHECKED_IN)))
    done = and_(DutySession.on.between(written_since, today),
                DutySession.status.in_((SessionStatus.DONE, SessionStatus.COUNTERSIGNED)))
    return [(s, bool(w)) for s, w in db.session.execute(
        select(DutySession, written.label("written"))
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit))
        .where(DutySession.lawyer_id == lawyer.id, or_(awaiting, on_the_day, done))
        .order_by(DutySession.on, DutySession.starts_at))]


def entries_to_countersign(unit_filter, *, first_few: int = 3) -> list[tuple[WorkLogEntry, int]]:
    """Submitted entries at places in scope, waiting for a countersignature: the oldest few of each place, each
    with how many wait there, with place and lawyer. One statement (window functions count and rank per place)."""
    ranked = (select(WorkLogEntry.id.label("id"),
                     func.count().over(partition_by=WorkLogEntry.point_id).label("n"),
                     func.row_number().over(partition_by=WorkLogEntry.point_id,
                                            order_by=(WorkLogEntry.served_on, WorkLogEntry.id)).label("rank"))
              .join(ServicePoint, ServicePoint.id == WorkLogEntry.point_id).join(Unit, Unit.id == ServicePoint.unit_id)
              .where(unit_filter, WorkLogEntry.status == EntryStatus.SUBMITTED).subquery())
    return [(entry, n) for entry, n in db.session.execute(
        select(WorkLogEntry, ranked.c.n).join(ranked, ranked.c.id == WorkLogEntry.id)
        .options(joinedload(WorkLogEntry.point).joinedload(ServicePoint.unit), joinedload(WorkLogEntry.lawyer))
        .where(ranked.c.rank <= first_few).order_by(WorkLogEntry.served_on, WorkLogEntry.id))]
