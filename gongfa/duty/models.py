"""Holidays, duty rules, sessions and the history of changes to them (DESIGN §3)."""

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import TimestampMixin, UTCDateTime, db, str_enum, utcnow
from gongfa.i18n import TitledEnum, _l


class HolidayKind(TitledEnum):
    """A day off, or a weekend day that is worked instead (调休)."""

    HOLIDAY = "holiday"
    MAKEUP = "makeup_workday"

    @classmethod
    def _titles(cls):
        return {"holiday": _l("放假"), "makeup_workday": _l("调休上班")}


class HolidayScope(TitledEnum):
    """Who the day applies to."""

    NATIONAL = "national"
    XINJIANG = "xinjiang"
    LOCAL = "local"

    @classmethod
    def _titles(cls):
        return {"national": _l("全国"), "xinjiang": _l("新疆"), "local": _l("本地")}


class Holiday(TimestampMixin, db.Model):
    """One day off or make-up working day."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("on", "scope", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[HolidayKind] = mapped_column(str_enum(HolidayKind, 20))
    scope: Mapped[HolidayScope] = mapped_column(str_enum(HolidayScope, 10))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # local closures only
    name: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(30), default="")  # "chinese-calendar 1.11.0", "新政办发…"


class RuleKind(TitledEnum):
    """How sessions recur."""

    WEEKLY = "weekly"  # 周三见 at a township station
    MONTHLY = "monthly"  # 月月见 at a village studio
    EXTRA = "extra"  # evening/weekend clinic, mobile clinic, home visit, lecture

    @classmethod
    def _titles(cls):
        return {"weekly": _l("每周值班"), "monthly": _l("每月来村"), "extra": _l("专项服务")}


class ExtraKind(TitledEnum):
    """The extra kinds of session (常州 seed) plus lectures, which compliance counts."""

    EVENING = "evening"
    WEEKEND = "weekend"
    MOBILE = "mobile"
    HOME_VISIT = "home_visit"
    LECTURE = "lecture"

    @classmethod
    def _titles(cls):
        return {"evening": _l("夜间门诊"), "weekend": _l("周末门诊"), "mobile": _l("流动服务"),
                "home_visit": _l("上门服务"), "lecture": _l("法治讲座")}


class HolidayPolicy(TitledEnum):
    """What happens to a session that falls on a day off."""

    MOVE = "move"
    CANCEL = "cancel"

    @classmethod
    def _titles(cls):
        return {"move": _l("顺延到下一个工作日"), "cancel": _l("取消")}


class DutyRule(TimestampMixin, db.Model):
    """Where and when sessions recur, and who sits them."""

    __tablename__ = "duty_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"), index=True)
    kind: Mapped[RuleKind] = mapped_column(str_enum(RuleKind, 10))
    weekday: Mapped[int] = mapped_column(default=2)  # Monday = 0; Wednesday by default (周三见)
    day_of_month: Mapped[int] = mapped_column(default=15)  # suggested day before the lawyer proposes one
    starts_at: Mapped[time] = mapped_column(Time, default=time(10, 0))
    ends_at: Mapped[time] = mapped_column(Time, default=time(14, 0))
    holiday_policy: Mapped[HolidayPolicy] = mapped_column(str_enum(HolidayPolicy, 10), default=HolidayPolicy.MOVE)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(default=True)

    point: Mapped["ServicePoint"] = relationship()  # noqa: F821


class SessionStatus(TitledEnum):
    """planned → proposed → confirmed → checked_in → done → countersigned; or cancelled / missed."""

    PLANNED = "planned"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    DONE = "done"
    COUNTERSIGNED = "countersigned"
    CANCELLED = "cancelled"
    MISSED = "missed"

    @classmethod
    def _titles(cls):
        return {"planned": _l("待确认"), "proposed": _l("已提议日期"), "confirmed": _l("已确认"),
                "checked_in": _l("已签到"), "done": _l("已完成"), "countersigned": _l("已签字确认"),
                "cancelled": _l("已取消"), "missed": _l("未履行")}


OPEN_STATUSES = (SessionStatus.PLANNED, SessionStatus.PROPOSED, SessionStatus.CONFIRMED)


class DutySession(TimestampMixin, db.Model):
    """One occurrence: a Wednesday at a station, a month's visit to a village, or an extra session."""

    __tablename__ = "duty_sessions"
    __table_args__ = (
        # Generating twice creates nothing twice: one session per rule and scheduled date.
        UniqueConstraint("rule_id", "scheduled_on"),
        Index("ix_duty_sessions_point_on", "point_id", "on"),
        Index("ix_duty_sessions_lawyer_on", "lawyer_id", "on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("duty_rules.id"))
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"))
    kind: Mapped[RuleKind] = mapped_column(str_enum(RuleKind, 10))
    extra_kind: Mapped[ExtraKind | None] = mapped_column(str_enum(ExtraKind, 12))
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scheduled_on: Mapped[date] = mapped_column(Date)  # what the rule produced (month's 1st for monthly)
    on: Mapped[date] = mapped_column(Date)  # the actual day, after holiday moves and proposals
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    status: Mapped[SessionStatus] = mapped_column(str_enum(SessionStatus, 15), default=SessionStatus.PLANNED)
    note: Mapped[str] = mapped_column(String(200), default="")  # why it moved or was cancelled
    place: Mapped[str] = mapped_column(String(100), default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    needs_substitute: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    countersigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    countersigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    # Sign-ups (gongfa/signup): slot length and people per slot; 0 minutes = no sign-up at this session.
    slot_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    slot_capacity: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (two people, one session: no lost update)

    rule: Mapped[DutyRule | None] = relationship()
    point: Mapped["ServicePoint"] = relationship()  # noqa: F821
    lawyer: Mapped["User | None"] = relationship(foreign_keys=[lawyer_id])  # noqa: F821
    proposed_by: Mapped["User | None"] = relationship(foreign_keys=[proposed_by_id])  # noqa: F821
    countersigned_by: Mapped["User | None"] = relationship(foreign_keys=[countersigned_by_id])  # noqa: F821
    changes: Mapped[list["SessionChange"]] = relationship(back_populates="session", order_by="SessionChange.id")

    @property
    def minutes(self) -> int:
        """Whole minutes between check-in and check-out as the clock showed them (0 until checked out).

        Counted from minute to minute (10:00:59 → 10:01:00 is one minute), as the times are shown; printed
        with the ``hm`` filter as h:mm.
        """
        if self.checked_in_at and self.checked_out_at:
            start = self.checked_in_at.replace(second=0, microsecond=0)
            end = self.checked_out_at.replace(second=0, microsecond=0)
            return max(int((end - start).total_seconds()) // 60, 0)
        return 0

    @property
    def hours(self) -> float:
        """The same as decimal hours, for .xlsx cells and ledger digests only: screens and PDFs print h:mm."""
        return round(self.minutes / 60, 2)

    def log(self, kind: "ChangeKind", *, actor_id: int | None, reason: str = "", from_lawyer_id: int | None = None,
            to_lawyer_id: int | None = None, from_on: date | None = None, to_on: date | None = None) -> None:
        """Add a line to the session's history: who did what, from which lawyer or day to which."""
        self.changes.append(SessionChange(kind=kind, actor_id=actor_id, reason=reason[:200],
                                          from_lawyer_id=from_lawyer_id, to_lawyer_id=to_lawyer_id,
                                          from_on=from_on, to_on=to_on))


class ChangeKind(TitledEnum):
    """What happened to a session."""

    GENERATED = "generated"
    MOVED = "moved"
    CANCELLED = "cancelled"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    PROPOSED = "proposed"
    SUBSTITUTED = "substituted"
    SWAPPED = "swapped"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    COUNTERSIGNED = "countersigned"
    MISSED = "missed"

    @classmethod
    def _titles(cls):
        return {"generated": _l("生成"), "moved": _l("因节假日顺延"), "cancelled": _l("取消"),
                "accepted": _l("接受"), "declined": _l("请求替班"), "proposed": _l("提议日期"),
                "substituted": _l("替班"), "swapped": _l("互换"), "checked_in": _l("签到"),
                "checked_out": _l("签退"), "countersigned": _l("签字确认"), "missed": _l("未履行")}


class SessionChange(db.Model):
    """One line of a session's history; who actually sat is read from here, never overwritten."""

    __tablename__ = "session_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("duty_sessions.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[ChangeKind] = mapped_column(str_enum(ChangeKind, 15))
    from_lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_on: Mapped[date | None] = mapped_column(Date)
    to_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    session: Mapped[DutySession] = relationship(back_populates="changes")
    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    from_lawyer: Mapped["User | None"] = relationship(foreign_keys=[from_lawyer_id])  # noqa: F821
    to_lawyer: Mapped["User | None"] = relationship(foreign_keys=[to_lawyer_id])  # noqa: F821
