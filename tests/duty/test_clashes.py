"""No lawyer in two places at once: generation never double-books, a short firm shows as a shortage, and
accepting, proposing, swapping and substituting refuse a clash."""

from datetime import date, time

from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.org import services as org
from gongfa.org.models import AssignmentKind, UnitLevel
from gongfa.people import services as people
from gongfa.people.models import Role

SINCE = date(2025, 1, 1)


def overlapping_pairs() -> int:
    """Pairs of one lawyer's sessions on the same day whose hours overlap (cancelled ones aside): read
    straight from the table, independently of the code under test."""
    rows = db.session.execute(db.select(DutySession.lawyer_id, DutySession.on, DutySession.starts_at,
                                        DutySession.ends_at)
                              .where(DutySession.lawyer_id.is_not(None),
                                     DutySession.status != SessionStatus.CANCELLED)).all()
    by_day: dict[tuple, list] = {}
    for lawyer_id, on, starts, ends in rows:
        by_day.setdefault((lawyer_id, on), []).append((starts, ends))
    pairs = 0
    for hours in by_day.values():
        for i, (a_start, a_end) in enumerate(hours):
            pairs += sum(1 for b_start, b_end in hours[i + 1:] if a_start < b_end and b_start < a_end)
    return pairs


def lawyerless() -> list[DutySession]:
    """Open weekly and monthly sessions nobody sits."""
    return list(db.session.scalars(db.select(DutySession).where(
        DutySession.lawyer_id.is_(None), DutySession.kind != RuleKind.EXTRA,
        DutySession.status.in_([SessionStatus.PLANNED, SessionStatus.PROPOSED, SessionStatus.CONFIRMED]))))


class Firmland:
    """A county whose one firm serves several townships with the same few duty lawyers (the demo's shape)."""

    def __init__(self, *, lawyers: int, townships: int, villages: int = 0, code: str = "652799"):
        pref = org.create_unit(code="652700", level=UnitLevel.PREFECTURE, parent=None, name_zh="州")
        self.county = org.create_unit(code=code, level=UnitLevel.COUNTY, parent=pref, name_zh="县")
        self.firm = org.create_firm(name_zh="律所", name_ug="", name_kk="", county=self.county, licence_no="1",
                                    phone="", address="")
        self.lawyers = [people.create_user(username=f"l{i}", full_name=f"律师{i}", law_firm=self.firm)
                        for i in range(lawyers)]
        self.townships, self.villages = [], []
        for t in range(townships):
            town = org.create_unit(code=f"{code}{100 + t}", level=UnitLevel.TOWNSHIP, parent=self.county,
                                   name_zh=f"镇{t}")
            self.townships.append(town)
            org.create_assignment(kind=AssignmentKind.FIRM_TOWNSHIP, unit=town, firm=self.firm, starts_on=SINCE)
            for lawyer in self.lawyers:  # the firm's duty lawyers serve every township it serves
                people.add_membership(user=lawyer, point=org.point_of(town), role=Role.LAWYER, starts_on=SINCE)
            for v in range(villages):
                village = org.create_unit(code=f"{code}{100 + t}{200 + v}", level=UnitLevel.VILLAGE, parent=town,
                                          name_zh=f"村{t}-{v}")
                self.villages.append(village)
                org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=village,
                                      lawyer=self.lawyers[(t + v) % lawyers], starts_on=SINCE)

    def weekly_rules(self, starts_at=time(10, 0), ends_at=time(14, 0)):
        return [create_rule(point=org.point_of(t), kind=RuleKind.WEEKLY, valid_from=SINCE, starts_at=starts_at,
                            ends_at=ends_at) for t in self.townships]

    def monthly_rules(self, day_of_month=15):
        return [create_rule(point=org.point_of(v), kind=RuleKind.MONTHLY, valid_from=SINCE,
                            day_of_month=day_of_month) for v in self.villages]


def test_a_firm_with_two_lawyers_for_five_townships_books_nobody_twice(app):
    """The demo's shape: two duty lawyers rotate over five townships' Wednesday mornings."""
    land = Firmland(lawyers=2, townships=5)
    land.weekly_rules()
    created = generate_all(first=date(2026, 11, 2), weeks=4)
    assert created == 4 * 5  # four Wednesdays (11/4 … 11/25) at five stations
    assert overlapping_pairs() == 0
    seated = [s for s in db.session.scalars(db.select(DutySession)) if s.lawyer_id is not None]
    assert len(seated) == 2 * 4  # both lawyers sit every Wednesday, one station each
    assert len(lawyerless()) == 3 * 4  # three stations a week have nobody
