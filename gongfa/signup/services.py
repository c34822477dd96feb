"""Sign-ups: slots inside office hours, booking without overbooking, waitlist, cancelling, ratings.

Capacity is guarded by the database, never by a read-then-write in Python (DESIGN §7): a slot's
``booked`` counter only moves through ``UPDATE … SET booked = booked + 1 WHERE booked < capacity``, and
the row count says whether the place was won. That is atomic on SQLite (one writer at a time) and on
PostgreSQL (the row is locked by the UPDATE), and a check constraint backs it up. A double tap carries
the same one-time form token, whose unique constraint turns the second submit into the first booking.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from gongfa import clock
from gongfa.audit import services as audit
from gongfa.auth.scope import Scope
from gongfa.db import db, dialect_insert, utcnow
from gongfa.duty.models import DutySession, ExtraKind, RuleKind, SessionStatus
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org.models import ServicePoint, Unit, UnitLevel
from gongfa.people.models import Role, User
from gongfa.ratings import services as ratings
from gongfa.ratings.models import Rating, RatingValue
from gongfa.signup.models import ACTIVE, Booking, BookingChannel, BookingKind, BookingStatus, Slot

BOOKABLE_STATUSES = (SessionStatus.PLANNED, SessionStatus.PROPOSED, SessionStatus.CONFIRMED,
                     SessionStatus.CHECKED_IN)
HORIZON_DAYS = 42  # residents can book up to six weeks ahead
CODE_DIGITS = 6


# --- office hours and slots ------------------------------------------------------------------


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def office_periods(on: date) -> list[tuple[time, time]]:
    """Xinjiang's office hours on a day: summer from 5/1, winter from 10/1 (config OFFICE_HOURS)."""
    conf = current_app.config["OFFICE_HOURS"]
    summer_from = date(on.year, *map(int, conf["summer_from"].split("-")))
    winter_from = date(on.year, *map(int, conf["winter_from"].split("-")))
    season = "summer" if summer_from <= on < winter_from else "winter"
    return [(_hm(a), _hm(b)) for a, b in conf[season]]


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def slot_times(session: DutySession) -> list[tuple[time, time]]:
    """The session's slots: its hours cut into ``slot_minutes`` pieces.

    Weekly and monthly sessions keep to office hours (no slot in the lunch break); an evening or
    weekend clinic is outside office hours on purpose and keeps its own hours.
    """
    step = session.slot_minutes
    if step <= 0:
        return []
    start, end = _minutes(session.starts_at), _minutes(session.ends_at)
    if session.kind == RuleKind.EXTRA:
        periods = [(start, end)]
    else:
        periods = [(max(start, _minutes(a)), min(end, _minutes(b))) for a, b in office_periods(session.on)]
    slots = []
    for first, last in periods:
        t = first
        while t + step <= last:
            slots.append((_time(t), _time(t + step)))
            t += step
    return slots


# Who books for residents and records who came: the place's staff and the bureau. Inspectors only read.
BOOKING_STAFF = (Role.OFFICER, Role.STATION_HEAD, Role.MEDIATOR, Role.BUREAU_ADMIN)


def may_act_for_residents(session: DutySession, user: User, scope: Scope) -> bool:
    """The session's own lawyer, and the staff of its place (village officer, station head, mediators, bureau)."""
    return session.lawyer_id == user.id or scope.covers(session.point.unit, *BOOKING_STAFF)


class BookingAction(StrEnum):
    """What can be done to a booking once it is made."""

    CANCEL = "cancel"  # while booked or waiting (the first person waiting moves up)
    ATTENDED = "attended"  # came: on the session's day or later, while booked or waiting
    NO_SHOW = "no_show"  # did not come: the same
    RATE = "rate"  # 一事一评, once, after attending
    REVEAL = "reveal"  # show the full phone number to call them (recorded): staff, where there is one


STAFF_ACTIONS = tuple(BookingAction)
RESIDENT_ACTIONS = (BookingAction.CANCEL, BookingAction.RATE)  # whoever holds the receipt


def _open(booking: Booking) -> bool:
    """Booked or waiting: it can still be cancelled, or marked as came or did not come."""
    return booking.status in ACTIVE


def _due(booking: Booking, today: date) -> bool:
    """The session's day has come: whether the resident came can be recorded."""
    return booking.session.on <= today


def _unrated(booking: Booking) -> bool:
    """Attended and not rated yet: 一事一评 once."""
    return booking.status == BookingStatus.ATTENDED and booking.rating is None


def _possible(booking: Booking, action: BookingAction, today: date) -> bool:
    """Whether the booking's state (and the day) allows an action now, whoever asks; the services refuse the rest."""
    if action == BookingAction.CANCEL:
        return _open(booking)
    if action in (BookingAction.ATTENDED, BookingAction.NO_SHOW):
        return _open(booking) and _due(booking, today)
    if action == BookingAction.RATE:
        return _unrated(booking)
    return bool(booking.phone)


def booking_actions(booking: Booking, *, user: User | None, scope: Scope | None,
                    today: date) -> dict[BookingAction, bool]:
    """What someone may do to ``booking``: each action that is theirs to take, and whether it is allowed now.

    ``user`` None is the resident holding the receipt (cancel, rate). Staff of the session's place and
    its lawyer take every action; anyone else none. An action missing from the answer is never theirs
    (the view answers 403); one mapped to False is theirs in another state or on another day (no button;
    a POST from a page that was out of date gets the service's message). Pages show a button exactly for
    the actions mapped to True.
    """
    if user is None:
        theirs = RESIDENT_ACTIONS
    elif scope is not None and may_act_for_residents(booking.session, user, scope):
        theirs = STAFF_ACTIONS
    else:
        theirs = ()
    return {a: _possible(booking, a, today) for a in theirs}


def is_bookable(session: DutySession, today: date) -> bool:
    """Residents can sign up: an open weekly/monthly session or clinic from today to six weeks ahead."""
    return (session.status in BOOKABLE_STATUSES and today <= session.on <= today + timedelta(days=HORIZON_DAYS)
            and session.extra_kind not in (ExtraKind.HOME_VISIT, ExtraKind.LECTURE)
            and session.slot_minutes > 0)


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING on either database (two requests may create the same slots)."""
    if not rows:
        return
    db.session.execute(dialect_insert(Slot).values(rows)
                       .on_conflict_do_nothing(index_elements=["session_id", "starts_at"]))


def ensure_slots(session: DutySession) -> None:
    """Create the session's slot rows (idempotent, safe under concurrency)."""
    _insert_ignoring_duplicates([{"session_id": session.id, "starts_at": a, "ends_at": b,
                                  "capacity": session.slot_capacity, "booked": 0}
                                 for a, b in slot_times(session)])


@dataclass
class SlotView:
    """A slot as a resident sees it, before or after its row exists."""

    starts_at: time
    ends_at: time
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        """Places left."""
        return max(self.capacity - self.booked, 0)

    @property
    def key(self) -> str:
        """The form value: the start time."""
        return self.starts_at.strftime("%H:%M")


def slot_views(sessions: list[DutySession]) -> dict[int, list[SlotView]]:
    """Each session's slots with places left, in one query (rows not created yet are empty)."""
    ids = [s.id for s in sessions]
    rows = defaultdict(dict)
    if ids:
        for slot in db.session.scalars(select(Slot).where(Slot.session_id.in_(ids))):
            rows[slot.session_id][slot.starts_at] = slot
    out = {}
    for s in sessions:
        views = []
        for a, b in slot_times(s):
            row = rows[s.id].get(a)
            views.append(SlotView(a, b, row.capacity if row else s.slot_capacity, row.booked if row else 0))
        out[s.id] = views
    return out


def bookable_sessions(village: Unit, today: date) -> list[DutySession]:
    """The sessions a resident of a village can book: the village's visits and the township's Wednesdays."""
    unit_ids = [village.id] + ([village.parent_id] if village.parent_id else [])
    sessions = db.session.scalars(
        select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer))
        .where(ServicePoint.unit_id.in_(unit_ids), DutySession.on.between(today, today + timedelta(days=HORIZON_DAYS)),
               DutySession.status.in_(BOOKABLE_STATUSES))
        .order_by(DutySession.on, DutySession.starts_at))
    return [s for s in sessions if is_bookable(s, today)]


def villages_of(township: Unit) -> list[Unit]:
    """A township's villages and communities, for the resident's "which village" choice."""
    return list(db.session.scalars(select(Unit).where(
        Unit.parent_id == township.id, Unit.level == UnitLevel.VILLAGE, Unit.is_active.is_(True))
        .order_by(Unit.code)))


def villages_near(village: Unit) -> list[Unit]:
    """The villages of the same township as ``village``."""
    return villages_of(village.parent) if village.parent_id else [village]


def set_slots(session: DutySession, *, slot_minutes: int, slot_capacity: int, actor: User) -> DutySession:
    """Change slot length (only while nobody has booked) and places per slot (never below those booked)."""
    booked = db.session.scalar(select(func.count(Booking.id)).where(
        Booking.session_id == session.id, Booking.slot_id.isnot(None))) or 0
    if slot_minutes != session.slot_minutes and booked:
        raise ServiceError(_l("已经有人预约，不能再改时段长度；可以改每个时段的人数。"), "slot_minutes")
    fullest = db.session.scalar(select(func.max(Slot.booked)).where(Slot.session_id == session.id)) or 0
    if slot_capacity < fullest:
        raise ServiceError(_l("有的时段已经约了%(n)d人，人数不能少于%(n)d。", n=fullest), "slot_capacity")
    with audit.tracking(session, "session.slots"):
        session.slot_minutes, session.slot_capacity = slot_minutes, slot_capacity
    if slot_minutes != 0 and not booked:
        db.session.execute(Slot.__table__.delete().where(Slot.session_id == session.id))
    db.session.execute(update(Slot).where(Slot.session_id == session.id).values(capacity=slot_capacity))
    for slot in db.session.scalars(select(Slot).where(Slot.session_id == session.id)):
        _promote(slot)
    return session


# --- booking ---------------------------------------------------------------------------------


def _new_code() -> str:
    """Six digits, easy to read out over the phone in any of the three languages."""
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if code[0] != "0" and not db.session.scalar(select(Booking.id).where(Booking.code == code)):
            return code


def by_token(token: str | None) -> Booking | None:
    """The booking a one-time form token already made."""
    return db.session.scalar(select(Booking).where(Booking.form_token == token)) if token else None


def _active_for_phone(session: DutySession, phone: str) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.session_id == session.id, Booking.phone == phone,
                                                   Booking.status.in_(ACTIVE)).limit(1)) if phone else None


@dataclass
class Outcome:
    """What a sign-up produced, and whether it was an earlier booking handed back (the same form sent twice)."""

    booking: Booking
    repeat: bool = False


# i18n: a public sign-up with a phone number that already has a booking at this session.
PHONE_TAKEN = _l("这个手机号已经预约了这次值班，每个号码每次值班只能预约一次。要查看或取消原来的预约，"
                 "请用预约码和手机号后四位查询。")


def book(session: DutySession, *, starts_at: time | None, name: str, phone: str, village: Unit | None,
         language: str, kind: BookingKind, description: str, channel: BookingChannel,
         actor: User | None = None, form_token: str | None = None, today: date | None = None) -> Outcome:
    """Sign a resident up for a slot: booked if a place is free, else waitlisted; walk-ins are attended.

    The same form sent twice (its one-time token) gives back the booking it made: only that browser holds
    the token. A phone number alone never does: on the public form a number that already booked this
    session is refused, and the answer says nothing of that booking (DESIGN §7) — its code and the phone's
    last four digits find it. A partial unique index holds this under simultaneous requests. Staff may
    book two people who share one family phone, so only the public channel is held to one per number.
    """
    today = today or clock.today()
    earlier = by_token(form_token)
    if earlier is not None:
        return Outcome(earlier, repeat=True)
    if channel == BookingChannel.PUBLIC and _active_for_phone(session, phone) is not None:
        raise ServiceError(PHONE_TAKEN, "phone")
    try:
        with db.session.begin_nested():  # a lost race undoes only this booking, not the request's transaction
            booking = _book_once(session, starts_at=starts_at, name=name, phone=phone, village=village,
                                 language=language, kind=kind, description=description, channel=channel,
                                 actor=actor, form_token=form_token, today=today)
    except IntegrityError:
        # Another request won the race: the same form (a double tap) gets its booking back; another form
        # with the same phone number is refused like above.
        earlier = by_token(form_token)
        if earlier is not None:
            return Outcome(earlier, repeat=True)
        if channel == BookingChannel.PUBLIC and _active_for_phone(session, phone) is not None:
            raise ServiceError(PHONE_TAKEN, "phone") from None
        raise
    return Outcome(booking)


def _book_once(session: DutySession, *, starts_at, name, phone, village, language, kind, description, channel,
               actor, form_token, today) -> Booking:
    slot = None
    if channel == BookingChannel.WALK_IN:
        if session.on > today:
            raise ServiceError(_l("现场来访只能登记在今天或以前的值班。"))
        status = BookingStatus.ATTENDED
    else:
        if not is_bookable(session, today):
            raise ServiceError(_l("这次值班已不接受预约，请选择其他日期。"), "slot")
        ensure_slots(session)
        slot = db.session.scalar(select(Slot).where(Slot.session_id == session.id, Slot.starts_at == starts_at))
        if slot is None:
            raise ServiceError(_l("请选择一个时段。"), "slot")
        won = db.session.execute(update(Slot).where(Slot.id == slot.id, Slot.booked < Slot.capacity)
                                 .values(booked=Slot.booked + 1)).rowcount == 1
        status = BookingStatus.BOOKED if won else BookingStatus.WAITLISTED
    booking = Booking(session_id=session.id, slot_id=slot.id if slot else None, code=_new_code(),
                      form_token=form_token or None, kind=kind, status=status, channel=channel, name=name,
                      phone=phone or "", village_id=village.id if village else None, language=language,
                      description=description or "", created_by_id=actor.id if actor else None,
                      closed_at=utcnow() if status == BookingStatus.ATTENDED else None)
    db.session.add(booking)
    db.session.flush()
    audit.record("booking.create", booking, actor_id=actor.id if actor else None)
    return booking


def waitlist_position(booking: Booking) -> int:
    """1 for the first person waiting for the same slot."""
    if booking.status != BookingStatus.WAITLISTED:
        return 0
    ahead = db.session.scalar(select(func.count(Booking.id)).where(
        Booking.slot_id == booking.slot_id, Booking.status == BookingStatus.WAITLISTED, Booking.id < booking.id))
    return (ahead or 0) + 1


def _promote(slot: Slot) -> list[Booking]:
    """Move waiting people up into free places, first come first served."""
    promoted = []
    while True:
        first = db.session.scalar(select(Booking).where(Booking.slot_id == slot.id,
                                                        Booking.status == BookingStatus.WAITLISTED)
                                  .order_by(Booking.id).limit(1))
        if first is None:
            return promoted
        won = db.session.execute(update(Slot).where(Slot.id == slot.id, Slot.booked < Slot.capacity)
                                 .values(booked=Slot.booked + 1)).rowcount == 1
        if not won:
            return promoted
        taken = db.session.execute(update(Booking).where(Booking.id == first.id,
                                                         Booking.status == BookingStatus.WAITLISTED)
                                   .values(status=BookingStatus.BOOKED, promoted_at=utcnow())).rowcount == 1
        if not taken:  # someone else promoted or cancelled them meanwhile: give the place back
            db.session.execute(update(Slot).where(Slot.id == slot.id).values(booked=Slot.booked - 1))
            continue
        db.session.refresh(first)
        audit.record("booking.promote", first, before={"status": "waitlisted"}, after={"status": "booked"})
        promoted.append(first)


def record_phone_shown(booking: Booking, *, actor: User, reason: str) -> None:
    """Someone was shown a resident's full phone number (to call them, to register a case): recorded."""
    audit.record("booking.reveal_phone", booking, before={}, after={"field": "phone", "reason": reason},
                 actor_id=actor.id)


def find(code: str, phone_tail: str) -> Booking | None:
    """A booking by its code and the last four digits of the phone number (both must match)."""
    booking = db.session.scalar(select(Booking).where(Booking.code == code))
    if booking is None or not booking.phone or not secrets.compare_digest(booking.phone_tail, phone_tail):
        return None
    return booking


def _close(booking: Booking, status: BookingStatus, action: str, actor: User | None) -> list[Booking]:
    was = booking.status
    freed = db.session.execute(update(Booking).where(Booking.id == booking.id, Booking.status == was)
                               .values(status=status, closed_at=utcnow())).rowcount == 1
    if not freed:
        raise ServiceError(_l("这个预约刚刚被别人处理过，请刷新后再看。"))
    db.session.refresh(booking)
    audit.record(action, booking, before={"status": was.value}, after={"status": status.value},
                 actor_id=actor.id if actor else None)
    if was == BookingStatus.BOOKED and booking.slot_id and status == BookingStatus.CANCELLED:
        slot = db.session.get(Slot, booking.slot_id)
        db.session.execute(update(Slot).where(Slot.id == slot.id, Slot.booked > 0).values(booked=Slot.booked - 1))
        return _promote(slot)
    return []


def cancel(booking: Booking, *, actor: User | None = None) -> list[Booking]:
    """Cancel a booking or a place on the waitlist; the first person waiting moves up. Returns who did."""
    if not _open(booking):
        raise ServiceError(_l("这个预约已经不能取消了（状态：%(status)s）。", status=booking.status.title))
    return _close(booking, BookingStatus.CANCELLED, "booking.cancel", actor)


def mark(booking: Booking, status: BookingStatus, *, actor: User, today: date | None = None) -> None:
    """Staff record on the day whether the resident came."""
    today = today or clock.today()
    if status not in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise ServiceError(_l("无效的操作。"))
    if not _due(booking, today):
        raise ServiceError(_l("到场情况要在值班当天或以后登记。"))
    if not _open(booking):
        raise ServiceError(_l("这个预约已经不能改了（状态：%(status)s）。", status=booking.status.title))
    _close(booking, status, f"booking.{status.value}", actor)


# --- 一事一评 -------------------------------------------------------------------------------------


def rate(booking: Booking, *, value: RatingValue, comment: str, actor: User | None = None) -> Rating:
    """One rating per attended booking: the resident's own (with the code) or one staff wrote down."""
    if booking.status != BookingStatus.ATTENDED:
        raise ServiceError(_l("到场接受服务以后才能评价。"), "value")
    already = ServiceError(_l("这次服务已经评价过了，谢谢。"), "value")
    if not _unrated(booking):
        raise already
    rating = ratings.add_once(lambda: Rating(booking=booking, value=value, comment=comment or "",
                                             by_resident=actor is None, recorded_by_id=actor.id if actor else None),
                              already=already)
    audit.record("rating.create", rating, actor_id=actor.id if actor else None)
    return rating


def session_bookings(session: DutySession) -> list[Booking]:
    """All bookings of a session, by slot then order of arrival, with ratings and villages."""
    return list(db.session.scalars(
        select(Booking).options(joinedload(Booking.slot), joinedload(Booking.rating), joinedload(Booking.village))
        .where(Booking.session_id == session.id).order_by(Booking.slot_id.is_(None), Booking.slot_id, Booking.id)))


@dataclass
class NextSignUps:
    """A place's next session residents can sign up for, and how full it is."""

    session: DutySession
    booked: int
    waitlisted: int

    @property
    def capacity(self) -> int:
        """Places in all its slots (slot rows are made on the first sign-up; until then the rule's numbers)."""
        return len(slot_times(self.session)) * self.session.slot_capacity


def next_sign_ups(unit_filter, *, today: date) -> list[NextSignUps]:
    """Each place in scope's next session residents can sign up for, with its booked and waiting counts. One
    statement: a window function picks each place's first session, subqueries count its sign-ups."""
    counted = {status: (select(func.count(Booking.id)).where(Booking.session_id == DutySession.id,
                                                             Booking.status == status)
                        .correlate(DutySession).scalar_subquery())
               for status in (BookingStatus.BOOKED, BookingStatus.WAITLISTED)}
    ranked = (select(DutySession.id.label("id"), func.row_number().over(
                  partition_by=DutySession.point_id, order_by=(DutySession.on, DutySession.starts_at,
                                                               DutySession.id)).label("rank"))
              .join(ServicePoint, ServicePoint.id == DutySession.point_id).join(Unit, Unit.id == ServicePoint.unit_id)
              .where(unit_filter, DutySession.on.between(today, today + timedelta(days=HORIZON_DAYS)),
                     DutySession.status.in_(BOOKABLE_STATUSES), DutySession.slot_minutes > 0,
                     or_(DutySession.extra_kind.is_(None),
                         DutySession.extra_kind.not_in((ExtraKind.HOME_VISIT, ExtraKind.LECTURE))))
              .subquery())
    rows = db.session.execute(
        select(DutySession, counted[BookingStatus.BOOKED], counted[BookingStatus.WAITLISTED])
        .join(ranked, ranked.c.id == DutySession.id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer))
        .where(ranked.c.rank == 1).order_by(DutySession.on, DutySession.starts_at))
    return [NextSignUps(session, booked, waiting) for session, booked, waiting in rows]
