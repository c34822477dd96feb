"""What each role's home page shows, gathered in a handful of statements.

Each home puts first what waits for the person now, inside their scope (gongfa.auth.scope): the village
officer's entries and visits to countersign, the dates to answer, the next session's sign-ups and the mediation
cases with a date to keep; the station head the same for the township, plus the Wednesdays and visits to find a
substitute for and any lawyer booked in two places at once; the lawyer what to accept, the dates to agree,
today's session and the visits still to write up. Then the usual links: the person's own places only.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from gongfa import clock
from gongfa.auth.scope import Scope
from gongfa.db import db
from gongfa.duty import queries as duty_queries
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.mediation import services as mediation_services
from gongfa.mediation.models import MediationCase
from gongfa.org.models import Assignment, AssignmentKind, LawFirm, PointKind, ServicePoint, Unit, UnitLevel
from gongfa.people import services as people_services
from gongfa.people.models import Role, User
from gongfa.signup import services as signup_services
from gongfa.signup.services import NextSignUps
from gongfa.worklog import services as worklog_services
from gongfa.worklog.models import WorkLogEntry

OVERVIEW = (Role.BUREAU_ADMIN, Role.INSPECTOR)  # the county or prefecture: counts, not lists of items
STAFF = (Role.OFFICER, Role.STATION_HEAD)  # the village's and the township's people: what waits for them
LAWYER_AHEAD_DAYS = 62  # as far ahead as "my visits" looks
WRITE_UP_DAYS = 92  # visits older than a quarter are no longer nagged about (the work log looks as far back)


@dataclass
class PlaceEntries:
    """Work-log entries waiting for a countersignature at one place: how many, the oldest few, and whether the
    person signs there (the village's officer signs a village's entries, the head a station's)."""

    point: ServicePoint
    waiting: int
    first: list[WorkLogEntry]
    mine: bool


@dataclass
class StaffWaits:
    """What waits for a village officer or a station head, each list already limited to the scope."""

    supervisor: bool  # a station head: substitutions and clashes are theirs
    entries: list[PlaceEntries] = field(default_factory=list)
    sessions: dict[str, tuple[int, list[DutySession]]] = field(default_factory=dict)
    clashes: list[tuple[DutySession, DutySession]] = field(default_factory=list)
    sign_ups: list[NextSignUps] = field(default_factory=list)
    cases: list[MediationCase] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        """Nothing to do now (sign-ups and clashes aside, which are shown under their own headings)."""
        return not (self.entries or self.sessions or self.cases)

    def shortages(self) -> list[duty_queries.Shortage]:
        """The sessions to substitute that have no lawyer at all, by day and hours: how many lawyers short."""
        rows: list[duty_queries.Shortage] = []
        for s in self.sessions.get("substitute", (0, []))[1]:
            if s.lawyer_id is not None:
                continue
            if rows and (rows[-1].on, rows[-1].starts_at, rows[-1].ends_at) == (s.on, s.starts_at, s.ends_at):
                rows[-1].sessions.append(s)
            else:
                rows.append(duty_queries.Shortage(s.on, s.starts_at, s.ends_at, [s]))
        return rows


@dataclass
class LawyerWaits:
    """What waits for a lawyer: sessions to accept (or the other side's date to answer), village visits whose
    day is still to agree, today's session (check in and out), and visits done with nothing written yet."""

    accept: list[DutySession] = field(default_factory=list)
    agree: list[DutySession] = field(default_factory=list)
    today: list[DutySession] = field(default_factory=list)
    write: list[DutySession] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        """Nothing waits for her."""
        return not (self.accept or self.agree or self.today or self.write)


@dataclass
class HomePanels:
    """The blocks of a home page; empty ones are not shown."""

    roles: list[Role] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # bureau/inspector overview
    short_points: list = field(default_factory=list)  # staffing rows that fall short
    townships: list[Unit] = field(default_factory=list)  # the stations of the person's township(s)
    villages: list[tuple[Unit, User | None]] = field(default_factory=list)  # village + adviser
    staff: StaffWaits | None = None  # village officer, station head
    lawyer: LawyerWaits | None = None
    station_months: bool = False  # a station head (or the bureau) reads the station's month
    audit_trail: bool = False  # bureau admins and auditors: the link to the audit trail


def home_panels(user: User, scope: Scope) -> HomePanels:
    """Collect the home page for the roles a user holds today."""
    today = clock.today()
    panels = HomePanels(roles=sorted(scope.roles, key=list(Role).index))
    panels.audit_trail = scope.has(Role.BUREAU_ADMIN, Role.AUDITOR)
    panels.station_months = scope.has(Role.STATION_HEAD, *OVERVIEW)
    if scope.has(*OVERVIEW):
        _overview(panels, scope, today)
    if scope.has(*STAFF):
        panels.staff = staff_waits(user, scope, today)
    if scope.has(Role.LAWYER):
        panels.lawyer = lawyer_waits(user, today)
    if scope.has(Role.OFFICER, Role.LAWYER, Role.MEDIATOR, Role.STATION_HEAD):
        _places(panels, scope, today)
    return panels


def _overview(panels: HomePanels, scope: Scope, today: date) -> None:
    """The county's or prefecture's counts and the places short of staff."""
    flt = scope.unit_filter(*OVERVIEW)
    counts = db.session.execute(
        select(Unit.level, func.count()).where(flt, Unit.is_active.is_(True)).group_by(Unit.level)).all()
    panels.counts = {str(getattr(k, "value", k)): v for k, v in counts}
    panels.counts["firms"] = db.session.scalar(
        select(func.count()).select_from(LawFirm).where(LawFirm.is_active.is_(True)))
    short = [r for r in people_services.staffing(flt, today) if not r.ok]
    panels.counts["short"] = len(short)
    panels.short_points = short[:10]


def staff_waits(user: User, scope: Scope, today: date) -> StaffWaits:
    """What waits for a village officer (her village) or a station head (the township), in five statements."""
    supervisor = scope.has(Role.STATION_HEAD)
    flt = scope.unit_filter(*STAFF)
    waits = StaffWaits(supervisor=supervisor)
    by_point: dict[int, PlaceEntries] = {}
    for entry, n in worklog_services.entries_to_countersign(flt):
        if entry.point_id not in by_point:
            signer = Role.OFFICER if entry.point.kind == PointKind.STUDIO else Role.STATION_HEAD
            by_point[entry.point_id] = PlaceEntries(entry.point, n, [], scope.covers(entry.point.unit, signer))
        by_point[entry.point_id].first.append(entry)
    # The person's own first (the head's station), then the villages' (their officers sign those).
    waits.entries = sorted(by_point.values(), key=lambda p: (not p.mine, p.point.unit.code))
    waits.sessions = duty_queries.waiting_for_staff(flt, user_id=user.id, today=today, supervisor=supervisor)
    if supervisor:
        waits.clashes = duty_queries.clashes_in(scope.unit_filter(Role.STATION_HEAD), first=today)
    waits.sign_ups = signup_services.next_sign_ups(flt, today=today)
    waits.cases = mediation_services.cases_with_deadlines(flt, today=today)
    return waits


def lawyer_waits(user: User, today: date) -> LawyerWaits:
    """What waits for a lawyer, in one statement."""
    waits = LawyerWaits()
    for s, written in worklog_services.sessions_waiting_for(
            user, today=today, until=today + timedelta(days=LAWYER_AHEAD_DAYS),
            written_since=today - timedelta(days=WRITE_UP_DAYS)):
        if s.status in (SessionStatus.DONE, SessionStatus.COUNTERSIGNED):
            if not written:
                waits.write.append(s)
        elif s.on == today and s.status in (SessionStatus.CONFIRMED, SessionStatus.CHECKED_IN):
            waits.today.append(s)
        elif s.kind == RuleKind.MONTHLY and s.status == SessionStatus.PLANNED:
            waits.agree.append(s)
        else:
            waits.accept.append(s)
    return waits


def _places(panels: HomePanels, scope: Scope, today: date) -> None:
    """The person's township stations and villages (a lawyer's: only hers), each village with its adviser."""
    current = and_(Assignment.unit_id == Unit.id, Assignment.kind == AssignmentKind.ADVISER_VILLAGE,
                   Assignment.starts_on <= today, or_(Assignment.ends_on.is_(None), Assignment.ends_on >= today))
    rows = db.session.execute(
        select(Unit, User).outerjoin(Assignment, current).outerjoin(User, User.id == Assignment.lawyer_id)
        .where(scope.unit_filter(Role.OFFICER, Role.LAWYER, Role.MEDIATOR, Role.STATION_HEAD),
               Unit.level.in_((UnitLevel.TOWNSHIP, UnitLevel.VILLAGE)), Unit.is_active.is_(True))
        .order_by(Unit.code).limit(80)).all()
    panels.townships = [u for u, _adviser in rows if u.level == UnitLevel.TOWNSHIP]
    panels.villages = [(u, adviser) for u, adviser in rows if u.level == UnitLevel.VILLAGE]


def directory() -> list[tuple[Unit, list[tuple[Unit, list[Unit]]]]]:
    """Counties → townships → villages with a studio, for visitors looking for their village page."""
    units = db.session.scalars(
        select(Unit).where(Unit.is_active.is_(True), Unit.is_xpcc.is_(False),
                           Unit.level.in_([UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE]))
        .order_by(Unit.code)).all()
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    return [(county, [(town, children.get(town.id, [])) for town in children.get(county.id, [])])
            for county in units if county.level == UnitLevel.COUNTY]
