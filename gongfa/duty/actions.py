"""What people do to a session once it exists, and which of those things a person may do now.

The lawyer accepts, declines, proposes a village-visit date, checks in and out; the officer or station head
accepts a proposed date and countersigns the visit; the station head substitutes or swaps lawyers. Which
of these a person may take on a session is decided here, once: ``may`` (the person) and ``allowed_actions``
(the person and the session's state now), which both the pages (the buttons) and the views (403) ask; the
actions themselves refuse any state the same rules do not allow (``ServiceError``).

Check-in is offered all day on the session's day, but the action itself takes it only from
``CHECKIN_OPENS_MINUTES`` before the start to the end, and check-out only a minute or more after check-in
(``attendance``): a phone page is loaded long before it is tapped, and a tap too early should say when check-in
opens rather than find no button. Countersigning is never refused for odd hours; their flags are shown to the
person signing and kept in the audit event (``hour_flags``).

No action puts a lawyer in two places at once: accepting, proposing a date, substituting and swapping refuse
a clash (``clashes.refuse_clash``).

Services flush and audit; views commit. Every action names the version the person saw: if someone else
changed the session in between, the action is refused with a clear message instead of silently
overwriting (DutySession.version is also SQLAlchemy's version counter).
"""

import calendar
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from gongfa.audit import services as audit
from gongfa.auth.scope import Scope
from gongfa.clock import BEIJING
from gongfa.db import db, utcnow
from gongfa.duty.attendance import check_in_refusal, check_out_refusal, session_flags
from gongfa.duty.clashes import find_clash, refuse_clash
from gongfa.duty.holidays import holidays_between, is_working_day
from gongfa.duty.models import OPEN_STATUSES, ChangeKind, DutySession, RuleKind, SessionStatus
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.people.models import Role, User

SUPERVISORS = (Role.STATION_HEAD, Role.BUREAU_ADMIN)

# The states in which each action can be taken: the actions below refuse any other, and allowed_actions
# offers none in any other.
WHEN = {
    "accept": (SessionStatus.PLANNED, SessionStatus.PROPOSED),
    "decline": OPEN_STATUSES,
    "propose": OPEN_STATUSES,
    "check_in": (SessionStatus.CONFIRMED,),
    "check_out": (SessionStatus.CHECKED_IN,),
    "countersign": (SessionStatus.DONE,),
    "substitute": OPEN_STATUSES,
    "swap": OPEN_STATUSES,
}


class StaleSessionError(ServiceError):
    """Someone else changed the session since the page was loaded."""

    def __init__(self):
        super().__init__(_l("这条安排刚刚被别人修改过。下面是最新情况，请确认后再操作。"))


# --- who may do what -----------------------------------------------------------------------------


def may(session: DutySession, action: str, *, user: User, scope: Scope) -> bool:
    """Whether ``user`` is someone who may take ``action`` on ``session`` (else the view answers 403).

    Whether the session's state allows it now is the action's own rule (``WHEN`` and ``_refusal``): a person
    who may act but meets a session someone else has just moved on gets that message, not a 403.
    """
    own = session.lawyer_id == user.id
    unit = session.point.unit
    local = scope.covers(unit, Role.OFFICER, Role.STATION_HEAD)
    if action in ("check_in", "check_out", "decline"):
        return own
    if action == "accept":
        if session.status == SessionStatus.PROPOSED and session.proposed_by_id != user.id:
            return own or local  # the other side's proposed date
        return own
    if action == "propose":
        return session.kind == RuleKind.MONTHLY and (own or scope.covers(unit, Role.OFFICER))
    if action == "countersign":
        return local
    if action in ("substitute", "swap"):
        return scope.covers(unit, *SUPERVISORS)
    return False


def _refusal(session: DutySession, action: str, *, actor_id: int, today: date) -> ServiceError | None:
    """Why ``action`` cannot be taken on ``session`` now, or None: the one rule the actions enforce and the
    buttons follow."""
    if session.status not in WHEN[action]:
        return ServiceError(_l("这条安排现在的状态是“%(status)s”，不能这样操作。", status=session.status.title))
    if action in ("accept", "decline") and session.needs_substitute and session.lawyer_id == actor_id:
        return ServiceError(_l("您已说明不能来，司法所正在安排替班。"))  # the station head acts now, not she
    if action == "accept" and session.status == SessionStatus.PROPOSED and session.proposed_by_id == actor_id:
        return ServiceError(_l("这个日期是您提议的，要等对方确认。"))
    if action == "propose" and session.kind != RuleKind.MONTHLY:
        return ServiceError(_l("只有每月来村的日期可以提议。"), "on")
    if action == "accept" and today is not None and session.on < today:  # a day gone by: choose another
        return ServiceError(_l("这一天已经过去，不能再接受。"))
    if action == "check_in" and today != session.on:
        return ServiceError(_l("只能在值班当天签到。"))
    return None


def allowed_actions(session: DutySession, *, user: User, scope: Scope, today: date) -> set[str]:
    """The actions ``user`` can take on ``session`` now: the buttons its card shows, each one a POST that works."""
    return {action for action in WHEN if may(session, action, user=user, scope=scope)
            and _refusal(session, action, actor_id=user.id, today=today) is None}


def _fresh(session: DutySession, version: int | None) -> None:
    if version is not None and version != session.version:
        raise StaleSessionError()


def _require(session: DutySession, action: str, *, actor: User, today: date | None = None) -> None:
    """Refuse ``action`` unless the session's state allows it now."""
    refusal = _refusal(session, action, actor_id=actor.id, today=today)
    if refusal is not None:
        raise refusal


# --- the actions ------------------------------------------------------------------------------------


def accept(session: DutySession, *, actor: User, version: int | None) -> DutySession:
    """Accept an assigned session (lawyer), or the other side's proposed date (lawyer or officer)."""
    _fresh(session, version)
    _require(session, "accept", actor=actor, today=utcnow().astimezone(BEIJING).date())
    refuse_clash(session.lawyer, session.on, session.starts_at, session.ends_at, field=None, ignore=[session.id])
    with audit.tracking(session, "session.accept"):
        session.status = SessionStatus.CONFIRMED
        session.log(ChangeKind.ACCEPTED, actor_id=actor.id, to_on=session.on)
    return session


def decline(session: DutySession, *, actor: User, reason: str, version: int | None) -> DutySession:
    """The lawyer cannot come: the station head gets a substitution task; nothing is lost."""
    _fresh(session, version)
    _require(session, "decline", actor=actor)
    if not reason.strip():
        raise ServiceError(_l("请写明不能值班的原因。"), "reason")
    with audit.tracking(session, "session.decline"):
        session.status = SessionStatus.PLANNED
        session.needs_substitute = True
        session.log(ChangeKind.DECLINED, actor_id=actor.id, reason=reason, from_lawyer_id=session.lawyer_id)
    return session


def allowed_days(session: DutySession, today: date) -> list[date]:
    """Working days of the session's month, from tomorrow on, that a visit may be proposed for."""
    month = session.scheduled_on.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    first = max(month, today + timedelta(days=1))
    holidays = holidays_between(first, last, session.point.unit)
    days, day = [], first
    while day <= last:
        if is_working_day(day, holidays):
            days.append(day)
        day += timedelta(days=1)
    return days


def propose(session: DutySession, *, actor: User, on: date, version: int | None, today: date) -> DutySession:
    """Propose the month's village-visit date; the other side (officer or lawyer) accepts it."""
    _fresh(session, version)
    _require(session, "propose", actor=actor)
    if on not in allowed_days(session, today):
        raise ServiceError(_l("请选择本月内今天以后的工作日。"), "on")
    refuse_clash(session.lawyer, on, session.starts_at, session.ends_at, field="on", ignore=[session.id])
    with audit.tracking(session, "session.propose"):
        session.log(ChangeKind.PROPOSED, actor_id=actor.id, from_on=session.on, to_on=on)
        session.on = on
        session.status = SessionStatus.PROPOSED
        session.proposed_by_id = actor.id
    return session


def check_in(session: DutySession, *, actor: User, version: int | None, now: datetime | None = None) -> DutySession:
    """The lawyer arrives: on the day, from a set time before the start until the end."""
    now = now or utcnow()
    _fresh(session, version)
    _require(session, "check_in", actor=actor, today=now.astimezone(BEIJING).date())
    refusal = check_in_refusal(session, now)
    if refusal is not None:
        raise refusal
    with audit.tracking(session, "session.check_in"):
        session.status = SessionStatus.CHECKED_IN
        session.checked_in_at = now
        session.log(ChangeKind.CHECKED_IN, actor_id=actor.id)
    return session


def check_out(session: DutySession, *, actor: User, version: int | None, now: datetime | None = None) -> DutySession:
    """The lawyer leaves (a minute or more after arriving); the hours are computed from check-in and check-out."""
    now = now or utcnow()
    _fresh(session, version)
    _require(session, "check_out", actor=actor)
    refusal = check_out_refusal(session, now)
    if refusal is not None:
        raise refusal
    with audit.tracking(session, "session.check_out"):
        session.status = SessionStatus.DONE
        session.checked_out_at = now
        session.log(ChangeKind.CHECKED_OUT, actor_id=actor.id)
    return session


def countersign(session: DutySession, *, actor: User, version: int | None) -> DutySession:
    """The officer (village) or station head confirms the visit happened: name and time recorded, and the
    hour flags they were shown (a flagged session can still be signed: they know the day's reasons)."""
    _fresh(session, version)
    _require(session, "countersign", actor=actor)
    before = audit.snapshot(session)
    session.status = SessionStatus.COUNTERSIGNED
    session.countersigned_by_id = actor.id
    session.countersigned_at = utcnow()
    session.log(ChangeKind.COUNTERSIGNED, actor_id=actor.id)
    db.session.flush()
    b, a = audit.changes(before, audit.snapshot(session))
    audit.record("session.countersign", session, before=b,
                 after={**a, "hour_flags": [f.code for f in session_flags(session)]})
    return session


def check_substitute(session: DutySession, *, actor: User, lawyer: User, reason: str, version: int | None) -> None:
    """Refuse a substitution the rules do not allow: asked before the confirmation page is shown, and again by
    ``substitute`` when it is confirmed (the other lawyer may have been put elsewhere in between)."""
    _fresh(session, version)
    _require(session, "substitute", actor=actor)
    if lawyer.law_firm_id is None:
        raise ServiceError(_l("请选择律师。"), "lawyer_id")
    if lawyer.id == session.lawyer_id:
        raise ServiceError(_l("请选择另一位律师。"), "lawyer_id")
    refuse_clash(lawyer, session.on, session.starts_at, session.ends_at, field="lawyer_id", ignore=[session.id])
    if not reason.strip():
        raise ServiceError(_l("请写明替班原因。"), "reason")


def substitute(session: DutySession, *, actor: User, lawyer: User, reason: str, version: int | None) -> DutySession:
    """The station head puts another lawyer on a session; the earlier lawyer stays in the history."""
    check_substitute(session, actor=actor, lawyer=lawyer, reason=reason, version=version)
    with audit.tracking(session, "session.substitute"):
        session.log(ChangeKind.SUBSTITUTED, actor_id=actor.id, reason=reason, from_lawyer_id=session.lawyer_id,
                    to_lawyer_id=lawyer.id)
        session.lawyer = lawyer
        session.needs_substitute = False
        session.status = SessionStatus.PLANNED
    return session


def swap_candidates(session: DutySession, *, today: date) -> list[DutySession]:
    """Other open sessions at the same place with another lawyer, within two months, that the two lawyers could
    exchange without either sitting somewhere else at the new hours (what the swap form offers)."""
    return [other for other in swap_partners(session, today=today) if not _swap_clashes(session, other)]


def _swap_clashes(session: DutySession, other: DutySession) -> bool:
    """Whether exchanging the two sessions' lawyers would put either in two places at once."""
    ignore = [session.id, other.id]
    return any(lawyer is not None and find_clash(lawyer.id, s.on, s.starts_at, s.ends_at, ignore=ignore) is not None
               for lawyer, s in ((other.lawyer, session), (session.lawyer, other)))


def swap_partners(session: DutySession, *, today: date) -> list[DutySession]:
    """Other open sessions at the same place with another lawyer, within two months, clash or not."""
    return list(db.session.scalars(
        select(DutySession).options(joinedload(DutySession.lawyer))
        .where(DutySession.point_id == session.point_id, DutySession.id != session.id,
               DutySession.lawyer_id.is_not(None), DutySession.lawyer_id != session.lawyer_id,
               DutySession.status.in_(OPEN_STATUSES), DutySession.on.between(today, today + timedelta(days=62)))
        .order_by(DutySession.on)))


def swap(session: DutySession, other: DutySession, *, actor: User, reason: str, version: int | None) -> DutySession:
    """Two lawyers exchange their days (换班); both sessions record the swap."""
    _fresh(session, version)
    _require(session, "swap", actor=actor)
    _require(other, "swap", actor=actor)
    if other.point_id != session.point_id or other.lawyer_id is None or other.lawyer_id == session.lawyer_id:
        raise ServiceError(_l("只能和同一工作站另一位律师的值班互换。"), "other_id")
    a, b = session.lawyer, other.lawyer
    # Each takes the other's day and gives up their own: neither may already sit elsewhere at the new hours.
    refuse_clash(b, session.on, session.starts_at, session.ends_at, field="other_id", ignore=[session.id, other.id])
    refuse_clash(a, other.on, other.starts_at, other.ends_at, field="other_id", ignore=[session.id, other.id])
    with audit.tracking(session, "session.swap"), audit.tracking(other, "session.swap"):
        for s, old, new in ((session, a, b), (other, b, a)):
            s.log(ChangeKind.SWAPPED, actor_id=actor.id, reason=reason, from_lawyer_id=old.id if old else None,
                  to_lawyer_id=new.id if new else None)
            s.lawyer = new
            s.status = SessionStatus.PLANNED  # the new lawyer accepts the new day
            s.needs_substitute = False
    return session


def mark_missed(*, today: date) -> int:
    """Village visits of past months with no visit done become ``missed``; returns how many."""
    month_start = today.replace(day=1)
    rows = db.session.scalars(select(DutySession).where(
        DutySession.kind == RuleKind.MONTHLY, DutySession.scheduled_on < month_start,
        DutySession.status.in_(OPEN_STATUSES))).all()
    for session in rows:
        with audit.tracking(session, "session.missed"):
            session.status = SessionStatus.MISSED
            session.log(ChangeKind.MISSED, actor_id=None)
    return len(rows)
