"""One lawyer, one place at a time.

Every session but a cancelled one holds its lawyer's hours on its day. Two sessions clash when they have the
same lawyer on the same day and their hours overlap (one ending at 14:00 and another starting at 14:00 do
not). Generation books into a ``Calendar`` of the window loaded once; the actions that put a lawyer on a day
(accept, propose, substitute, swap, an extra session) ask ``refuse_clash``, which raises the one message.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from gongfa.db import db
from gongfa.duty.models import DutySession, SessionStatus
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org.models import ServicePoint
from gongfa.people.display import person_text
from gongfa.people.models import User
from gongfa.web.rendering import fmt_date, local_name

# Statuses in which a session holds its lawyer's hours.
HOLDING = tuple(s for s in SessionStatus if s != SessionStatus.CANCELLED)


def overlaps(a_start: time, a_end: time, b_start: time, b_end: time) -> bool:
    """Whether two spans of one day share any minute."""
    return a_start < b_end and b_start < a_end


def find_clash(lawyer_id: int, on: date, starts_at: time, ends_at: time, *,
               ignore: Iterable[int] = ()) -> DutySession | None:
    """The lawyer's session that the hours ``starts_at``–``ends_at`` on ``on`` would overlap, if any."""
    return db.session.scalar(
        select(DutySession).options(joinedload(DutySession.point).joinedload(ServicePoint.unit))
        .where(DutySession.lawyer_id == lawyer_id, DutySession.on == on, DutySession.status.in_(HOLDING),
               DutySession.starts_at < ends_at, DutySession.ends_at > starts_at,
               DutySession.id.not_in(list(ignore) or [0]))
        .order_by(DutySession.starts_at).limit(1))


def refuse_clash(lawyer: User | None, on: date, starts_at: time, ends_at: time, *, field: str | None,
                 ignore: Iterable[int] = ()) -> None:
    """Raise the clash message (next to ``field``) when ``lawyer`` already sits somewhere at those hours."""
    if lawyer is None:
        return
    # Two people putting one lawyer on two places at once: the second waits here for the first to commit, then
    # sees its session (PostgreSQL; SQLite's writers already take turns, BEGIN IMMEDIATE in gongfa.db).
    db.session.execute(select(User.id).where(User.id == lawyer.id).with_for_update())
    clash = find_clash(lawyer.id, on, starts_at, ends_at, ignore=ignore)
    if clash is not None:
        raise ServiceError(_l("%(name)s %(day)s %(start)s–%(end)s 已在%(place)s值班，同一时间不能安排在两处。",
                              name=person_text(lawyer), day=fmt_date(clash.on), start=f"{clash.starts_at:%H:%M}",
                              end=f"{clash.ends_at:%H:%M}", place=local_name(clash.point)), field)


@dataclass(eq=False)
class Booking:
    """Hours a lawyer holds on a day; ``session`` is set for sessions being generated (they may still move)."""

    starts_at: time
    ends_at: time
    session: DutySession | None = None


class Calendar:
    """Lawyers' held hours over a window, read in one query; generation books into it as it goes."""

    def __init__(self):
        self._days: dict[tuple[int, date], list[Booking]] = defaultdict(list)

    @classmethod
    def load(cls, first: date, last: date) -> "Calendar":
        """Every session holding a lawyer's hours between two dates (plain columns, not objects)."""
        calendar = cls()
        rows = db.session.execute(
            select(DutySession.lawyer_id, DutySession.on, DutySession.starts_at, DutySession.ends_at)
            .where(DutySession.lawyer_id.is_not(None), DutySession.on.between(first, last),
                   DutySession.status.in_(HOLDING)))
        for lawyer_id, on, starts_at, ends_at in rows:
            calendar._days[(lawyer_id, on)].append(Booking(starts_at, ends_at))
        return calendar

    def clashes(self, lawyer_id: int, on: date, starts_at: time, ends_at: time) -> list[Booking]:
        """What the lawyer holds on ``on`` that overlaps those hours."""
        return [b for b in self._days.get((lawyer_id, on), ()) if overlaps(b.starts_at, b.ends_at, starts_at,
                                                                            ends_at)]

    def is_free(self, lawyer_id: int, on: date, starts_at: time, ends_at: time) -> bool:
        """Whether the lawyer holds nothing overlapping those hours on ``on``."""
        return not self.clashes(lawyer_id, on, starts_at, ends_at)

    def book(self, lawyer: User, session: DutySession) -> None:
        """Put ``lawyer`` on a session being generated, and hold their hours."""
        session.lawyer = lawyer
        self._days[(lawyer.id, session.on)].append(Booking(session.starts_at, session.ends_at, session))

    def release(self, lawyer: User, session: DutySession) -> None:
        """Take ``lawyer`` off a session being generated again, freeing their hours."""
        session.lawyer = None
        self._days[(lawyer.id, session.on)] = [b for b in self._days[(lawyer.id, session.on)]
                                               if b.session is not session]
