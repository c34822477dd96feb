"""The mediation case's lifecycle (人民调解法), with its statutory points checked here, not in templates.

applied → accepted | refused → in_mediation → agreement | terminated → performed → followed_up → closed.
A party refusing ends it (Art. 17); a failed mediation is terminated and the parties told the other
routes (Art. 26); an agreement is written or oral (Art. 28) and takes effect on a date (Art. 29/30) from
which both parties have 30 days to seek judicial confirmation together (Art. 33); the follow-up visit
rides on the village's next monthly visit. Services flush and audit; views commit.

Which step a person may take on a case now is decided here, once (``STEPS``, ``may``, ``allowed_actions``):
the case page shows a form for each allowed step, the views answer 403 to a person who may not act, and
each step refuses a state the same table does not allow.
"""

import re
from datetime import date, timedelta

from flask_babel import force_locale
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from gongfa.audit import services as audit
from gongfa.auth.scope import Scope
from gongfa.db import db, utcnow
from gongfa.duty.models import OPEN_STATUSES, DutySession, RuleKind
from gongfa.errors import ServiceError
from gongfa.i18n import DEFAULT_LOCALE, LOCALES, _l
from gongfa.mediation import codes
from gongfa.mediation.models import (
    JUDICIAL_WINDOW_DAYS,
    OPEN_DAYS_WARNING,
    AgreementKind,
    CaseSource,
    CaseStatus,
    FollowUp,
    MediationCase,
    MediationParty,
    MediationRecord,
    PartySide,
)
from gongfa.org.models import PointKind, ServicePoint, Unit, UnitLevel
from gongfa.people.models import Membership, Role, User
from gongfa.ratings import services as ratings
from gongfa.ratings.models import Rating, RatingValue
from gongfa.signup.models import Booking

CASE_STAFF = (Role.OFFICER, Role.MEDIATOR, Role.STATION_HEAD, Role.BUREAU_ADMIN)
READERS = (*CASE_STAFF, Role.INSPECTOR)
IDENTITY = (Role.OFFICER, Role.MEDIATOR, Role.STATION_HEAD)  # the committee's own people need the numbers
# The states in which each step can be taken (人民调解法 lifecycle, see above).
STEPS = {
    "accept": (CaseStatus.APPLIED,),
    "refuse": (CaseStatus.APPLIED, CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION),
    "record": (CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION),
    "agreement": (CaseStatus.IN_MEDIATION,),
    "terminate": (CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION),
    "performed": (CaseStatus.AGREEMENT,),
    "follow_up": (CaseStatus.AGREEMENT, CaseStatus.PERFORMED, CaseStatus.TERMINATED, CaseStatus.FOLLOWED_UP),
    "close": (CaseStatus.FOLLOWED_UP, CaseStatus.TERMINATED),
    "rate": (CaseStatus.CLOSED, CaseStatus.REFUSED),
}
PARTY_FIELDS = ("name", "name_native", "language", "gender", "ethnicity", "age", "occupation", "phone", "address",
                "id_number")
ROUTES = _l("可以依法申请仲裁、请求有关行政机关处理，或者向人民法院起诉。")


def _routes_text() -> str:
    """What the parties were told, kept in the source language: a record must not depend on who clicked."""
    with force_locale(DEFAULT_LOCALE):
        return str(ROUTES)


class StaleCaseError(ServiceError):
    """Someone else changed the case since the page was loaded."""

    def __init__(self):
        super().__init__(_l("这个案件刚刚被别人修改过。下面是最新情况，请确认后再操作。"))


def _fresh(case: MediationCase, version: int | None) -> None:
    if version is not None and version != case.version:
        raise StaleCaseError()


def _require(case: MediationCase, step: str) -> None:
    if case.status not in STEPS[step]:
        raise ServiceError(_l("案件现在是“%(status)s”，不能做这一步。", status=case.status.title))


# --- who may do what -------------------------------------------------------------------------


def is_staff(case: MediationCase, *, scope: Scope) -> bool:
    """Whether the person works cases at the case's committee (else they may at most read it)."""
    return scope.covers(case.point.unit, *CASE_STAFF)


def may(case: MediationCase, step: str, *, scope: Scope) -> bool:
    """Whether the person may take ``step`` on ``case`` at all (else the view answers 403): the committee's
    staff; the full phone and ID numbers ("reveal") only its own people. Whether the case's state allows
    the step now is the step's own rule (``STEPS``)."""
    return scope.covers(case.point.unit, *IDENTITY) if step == "reveal" else is_staff(case, scope=scope)


def _rated(case: MediationCase) -> bool:
    return case.rating is not None


def allowed_actions(case: MediationCase, *, scope: Scope) -> set[str]:
    """The steps the person can take on ``case`` now: the forms its page shows, each one a POST that works."""
    steps = {step for step, states in STEPS.items() if case.status in states and may(case, step, scope=scope)}
    if "follow_up" in steps and all(f.done_on for f in case.follow_ups):
        steps.discard("follow_up")  # every planned visit is written down
    if "rate" in steps and _rated(case):
        steps.discard("rate")  # 一事一评: once
    if may(case, "reveal", scope=scope):
        steps.add("reveal")
    return steps


# --- ID numbers ------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_ok(value: str) -> bool:
    """A resident identity card number (GB 11643): 17 digits, a check character, a real birth date."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return _ID_CHECK[sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True)) % 11] == value[17]


# --- intake ----------------------------------------------------------------------------------


def _check_party(party: dict) -> None:
    """A party's listed values are codes of their lists (a form shows a list; anything else is refused)."""
    prefix = "a" if party["side"] == PartySide.APPLICANT else "r"
    for kind in ("ethnicity", "occupation"):
        if party.get(kind) and not codes.is_code(kind, party[kind]):
            raise ServiceError(_l("请从列表中选择。"), f"{prefix}_{kind}")
    if party.get("language") and party["language"] not in LOCALES:
        raise ServiceError(_l("请从列表中选择。"), f"{prefix}_language")


def open_case(*, point: ServicePoint, source: CaseSource, category: str, summary: str, requests: str,
              applied_on: date, parties: list[dict], actor: User, booking: Booking | None = None) -> MediationCase:
    """Register a case (受理登记) with its parties; numbered per committee and year."""
    if point.kind not in (PointKind.STUDIO, PointKind.STATION):
        raise ServiceError(_l("人民调解委员会设在村（社区）或乡镇（街道）。"), "point_id")
    if not any(p["side"] == PartySide.APPLICANT for p in parties) or not any(
            p["side"] == PartySide.RESPONDENT for p in parties):
        raise ServiceError(_l("至少要有一名申请人和一名被申请人。"), "a_name")
    for p in parties:
        _check_party(p)
    year = applied_on.year
    seq = (db.session.scalar(select(func.max(MediationCase.seq)).where(
        MediationCase.point_id == point.id, MediationCase.year == year)) or 0) + 1
    case = MediationCase(point=point, year=year, seq=seq, source=source, category=category, summary=summary,
                         requests=requests, applied_on=applied_on, registered_by_id=actor.id,
                         booking_id=booking.id if booking else None)
    for p in parties:
        values = {k: p.get(k) or ("" if k != "age" else None) for k in PARTY_FIELDS}
        case.parties.append(MediationParty(**{**values, "language": values["language"] or DEFAULT_LOCALE},
                                           side=p["side"]))
    try:
        with db.session.begin_nested():  # undo this registration only, never the request's other work
            db.session.add(case)
            db.session.flush()
    except IntegrityError:  # two registrations took the same number at once
        raise ServiceError(_l("案号刚被占用，请再提交一次。")) from None
    audit.record("mediation.open", case, actor_id=actor.id)
    return case


def accept(case: MediationCase, *, actor: User, mediator: User | None, version: int | None,
           today: date) -> MediationCase:
    """The committee accepts the case and names the mediator."""
    _fresh(case, version)
    _require(case, "accept")
    with audit.tracking(case, "mediation.accept"):
        case.status, case.accepted_on, case.mediator = CaseStatus.ACCEPTED, today, mediator or actor
    return case


def party_refuses(case: MediationCase, *, reason: str, actor: User, version: int | None,
                  today: date) -> MediationCase:
    """A party clearly refuses mediation: it may not go on (Art. 17, 23)."""
    _fresh(case, version)
    _require(case, "refuse")
    if not reason:
        raise ServiceError(_l("请写明哪一方拒绝调解及原因。"), "reason")
    with audit.tracking(case, "mediation.refused"):
        if case.status == CaseStatus.IN_MEDIATION:
            case.status, case.routes_told = CaseStatus.TERMINATED, _routes_text()
        else:
            case.status, case.closed_on = CaseStatus.REFUSED, today
        case.end_reason = reason
    return case


def add_record(case: MediationCase, *, held_on: date, place: str, present: str, content: str, actor: User,
               version: int | None, content_alt: str = "") -> MediationRecord:
    """Write down one mediation session (调解记录); ``content_alt`` is the same in the case's second language."""
    _fresh(case, version)
    _require(case, "record")
    if held_on < case.applied_on:
        raise ServiceError(_l("调解日期不能早于申请日期。"), "held_on")
    record = MediationRecord(case=case, held_on=held_on, place=place, present=present, content=content,
                             content_alt=content_alt or "", recorded_by_id=actor.id, at=utcnow())
    db.session.add(record)
    with audit.tracking(case, "mediation.record"):
        case.status = CaseStatus.IN_MEDIATION
    audit.record("mediation.record.add", record, actor_id=actor.id)
    return record


def _lines(text: str) -> list[str]:
    return [c for c in (text or "").splitlines() if c.strip()]


def record_agreement(case: MediationCase, *, kind: AgreementKind, facts: str, clauses: str, performance: str,
                     due: date | None, effective_on: date, actor: User, version: int | None,
                     today: date, facts_alt: str = "", clauses_alt: str = "") -> MediationCase:
    """The parties agreed (Art. 28–30); the follow-up is planned into the next visit.

    ``facts_alt`` and ``clauses_alt`` are the same in the second language a party chose, clause for clause:
    both texts are signed, so each Chinese clause has its translation on the same line number."""
    _fresh(case, version)
    _require(case, "agreement")
    if not _lines(clauses):
        raise ServiceError(_l("请写下协议内容，每条一行。"), "clauses")
    if performance and not codes.is_code("performance", performance):
        raise ServiceError(_l("请从列表中选择履行方式。"), "performance")
    if _lines(clauses_alt) and len(_lines(clauses_alt)) != len(_lines(clauses)):
        raise ServiceError(_l("译文应与中文协议条数相同（中文%(zh)d条，译文%(alt)d条），每条一行。",
                              zh=len(_lines(clauses)), alt=len(_lines(clauses_alt))), "clauses_alt")
    if effective_on < case.applied_on or effective_on > today:
        raise ServiceError(_l("生效日期应在申请日期和今天之间。"), "effective_on")
    if due is not None and due < effective_on:
        raise ServiceError(_l("履行期限不能早于协议生效日期。"), "due")
    with audit.tracking(case, "mediation.agreement"):
        case.status, case.agreement_kind, case.agreement_facts = CaseStatus.AGREEMENT, kind, facts
        case.agreement_clauses, case.performance, case.performance_due = clauses, performance, due
        case.agreement_facts_alt, case.agreement_clauses_alt = facts_alt or "", clauses_alt or ""
        case.effective_on = effective_on
    plan_follow_up(case, today=today)
    return case


def terminate(case: MediationCase, *, reason: str, actor: User, version: int | None) -> MediationCase:
    """Mediation failed: end it and tell the parties the other routes (Art. 26)."""
    _fresh(case, version)
    _require(case, "terminate")
    if not reason:
        raise ServiceError(_l("请写明终止调解的原因。"), "reason")
    with audit.tracking(case, "mediation.terminate"):
        case.status, case.end_reason, case.routes_told = CaseStatus.TERMINATED, reason, _routes_text()
    return case


def mark_performed(case: MediationCase, *, on: date, actor: User, version: int | None) -> MediationCase:
    """The agreement has been carried out (履行凭证 in the file)."""
    _fresh(case, version)
    _require(case, "performed")
    if case.effective_on and on < case.effective_on:
        raise ServiceError(_l("履行日期不能早于协议生效日期。"), "on")
    with audit.tracking(case, "mediation.performed"):
        case.status, case.performed_on = CaseStatus.PERFORMED, on
    return case


def next_visit_for(case: MediationCase, today: date) -> DutySession | None:
    """The committee's next visit: the village's monthly one (or the station's next Wednesday)."""
    kind = RuleKind.MONTHLY if case.point.kind == PointKind.STUDIO else RuleKind.WEEKLY
    return db.session.scalar(select(DutySession).where(
        DutySession.point_id == case.point_id, DutySession.kind == kind, DutySession.on > today,
        DutySession.status.in_(OPEN_STATUSES)).order_by(DutySession.on).limit(1))


def plan_follow_up(case: MediationCase, *, today: date) -> FollowUp:
    """Put a follow-up visit (回访) on the next visit's day, or four weeks on when none is planned yet."""
    visit = next_visit_for(case, today)
    follow = FollowUp(case=case, session_id=visit.id if visit else None,
                      planned_on=visit.on if visit else date.fromordinal(today.toordinal() + 28))
    db.session.add(follow)
    db.session.flush()
    audit.record("mediation.follow_up.plan", follow)
    return follow


def record_follow_up(follow: FollowUp, *, done_on: date, content: str, actor: User,
                     version: int | None) -> FollowUp:
    """Write down what the follow-up visit found (回访情况)."""
    case = follow.case
    _fresh(case, version)
    _require(case, "follow_up")
    if follow.done_on:
        raise ServiceError(_l("这次回访已经记录过了。"), "content")
    if not content:
        raise ServiceError(_l("请写下回访情况。"), "content")
    follow.done_on, follow.content, follow.by_id = done_on, content, actor.id
    with audit.tracking(case, "mediation.follow_up"):
        if case.status == CaseStatus.PERFORMED:
            case.status = CaseStatus.FOLLOWED_UP
    audit.record("mediation.follow_up.done", follow, actor_id=actor.id)
    return follow


def close(case: MediationCase, *, actor: User, version: int | None, today: date) -> MediationCase:
    """Close the file (结案, 立卷归档: Art. 27)."""
    _fresh(case, version)
    _require(case, "close")
    with audit.tracking(case, "mediation.close"):
        case.status, case.closed_on = CaseStatus.CLOSED, today
    return case


def rate(case: MediationCase, *, value: RatingValue, comment: str, actor: User) -> Rating:
    """一事一评 of a closed case, written down by staff."""
    _require(case, "rate")
    already = ServiceError(_l("这次服务已经评价过了，谢谢。"), "value")
    if _rated(case):
        raise already
    rating = ratings.add_once(lambda: Rating(mediation_case_id=case.id, value=value, comment=comment or "",
                                             by_resident=False, recorded_by_id=actor.id), already=already)
    db.session.expire(case, ["rating"])  # read again when next asked
    audit.record("rating.create", rating, actor_id=actor.id)
    return rating


def rating_of(case: MediationCase) -> Rating | None:
    """The case's rating, if any."""
    return case.rating


def record_file_print(case: MediationCase, *, actor: User, full_numbers: bool) -> None:
    """Who printed the case file, and whether it carried the parties' full phone and ID numbers."""
    audit.record("mediation.file_print", case, before={}, after={"full_numbers": full_numbers}, actor_id=actor.id)


def reveal(case: MediationCase, party: MediationParty, *, actor: User) -> None:
    """Someone who needs them looks at a party's full phone and ID numbers: recorded."""
    audit.record("mediation.reveal", party, before={}, after={"fields": ["phone", "id_number"]}, actor_id=actor.id)


def mediators_for(case: MediationCase, on: date) -> list[User]:
    """Who can be named mediator: mediators and officers of the committee's place and, for a village, its township."""
    unit = case.point.unit
    unit_ids = [unit.id, unit.parent_id] if unit.level == UnitLevel.VILLAGE else [unit.id]
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .join(ServicePoint, ServicePoint.id == Membership.point_id)
        .where(ServicePoint.unit_id.in_(unit_ids), Membership.role.in_([Role.MEDIATOR, Role.OFFICER]),
               Membership.starts_on <= on, or_(Membership.ends_on.is_(None), Membership.ends_on >= on))
        .distinct().order_by(User.full_name)))


# --- lists -----------------------------------------------------------------------------------


def cases_in(unit_filter, *, status: CaseStatus | None = None, limit: int = 200) -> list[MediationCase]:
    """Cases at committees in scope, newest first, with their places and parties."""
    stmt = (select(MediationCase).join(ServicePoint, ServicePoint.id == MediationCase.point_id)
            .join(Unit, Unit.id == ServicePoint.unit_id)
            .options(joinedload(MediationCase.point).joinedload(ServicePoint.unit),
                     selectinload(MediationCase.parties))
            .where(unit_filter).order_by(MediationCase.applied_on.desc(), MediationCase.id.desc()).limit(limit))
    if status is not None:
        stmt = stmt.where(MediationCase.status == status)
    return list(db.session.scalars(stmt))


def load(case_id: int) -> MediationCase | None:
    """A case with everything its page and file show."""
    return db.session.scalar(select(MediationCase).options(
        joinedload(MediationCase.point).joinedload(ServicePoint.unit), selectinload(MediationCase.parties),
        selectinload(MediationCase.records).joinedload(MediationRecord.recorded_by),
        selectinload(MediationCase.follow_ups).joinedload(FollowUp.session),
        selectinload(MediationCase.follow_ups).joinedload(FollowUp.by),
        joinedload(MediationCase.mediator), joinedload(MediationCase.registered_by))
        .where(MediationCase.id == case_id))


# Cases whose agreement is inside the joint judicial-confirmation window (人民调解法 Art. 33) are those with an
# agreement still being carried out or followed up; a closed case needs nothing more from the committee.
WINDOW_STATUSES = (CaseStatus.AGREEMENT, CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP)
OPEN_CASE_STATUSES = (CaseStatus.APPLIED, CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION)


def cases_with_deadlines(unit_filter, *, today: date, limit: int = 20) -> list[MediationCase]:
    """Cases in scope with a date to keep: an agreement inside its 30-day judicial-confirmation window, and
    cases still open more than 30 days after the application; the most urgent first. One statement."""
    window_opened = today - timedelta(days=JUDICIAL_WINDOW_DAYS)
    too_old = today - timedelta(days=OPEN_DAYS_WARNING)
    in_window = and_(MediationCase.status.in_(WINDOW_STATUSES), MediationCase.effective_on >= window_opened)
    overdue = and_(MediationCase.status.in_(OPEN_CASE_STATUSES), MediationCase.applied_on < too_old)
    # Days to the deadline: the window's end, or (for overdue cases, already past theirs) the application day.
    due = case((in_window, MediationCase.effective_on), else_=MediationCase.applied_on)
    return list(db.session.scalars(
        select(MediationCase).join(ServicePoint, ServicePoint.id == MediationCase.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(MediationCase.point).joinedload(ServicePoint.unit))
        .where(unit_filter, or_(in_window, overdue)).order_by(due, MediationCase.id).limit(limit)))
