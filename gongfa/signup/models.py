"""Slots and bookings (DESIGN §3: Booking); their ratings are gongfa.ratings'."""

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import TimestampMixin, UTCDateTime, db, str_enum
from gongfa.i18n import TitledEnum, _l
from gongfa.ratings import models as _ratings  # noqa: F401  (Booking.rating: the model must be known)


class BookingKind(TitledEnum):
    """What the resident comes for."""

    CONSULTATION = "consultation"
    MEDIATION = "mediation"

    @classmethod
    def _titles(cls):
        return {"consultation": _l("法律咨询"), "mediation": _l("申请调解")}


class BookingStatus(TitledEnum):
    """booked → attended | no_show | cancelled, or waitlisted (→ booked when a place frees up)."""

    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @classmethod
    def _titles(cls):
        return {"booked": _l("已预约"), "waitlisted": _l("候补中"), "attended": _l("已到场"),
                "no_show": _l("未到场"), "cancelled": _l("已取消")}


ACTIVE = (BookingStatus.BOOKED, BookingStatus.WAITLISTED)
PUBLIC_ACTIVE = "channel = 'public' AND status IN ('booked', 'waitlisted')"


class BookingChannel(TitledEnum):
    """Who made the booking."""

    PUBLIC = "public"
    STAFF = "staff"
    WALK_IN = "walk_in"

    @classmethod
    def _titles(cls):
        return {"public": _l("居民自助预约"), "staff": _l("工作人员代为预约"), "walk_in": _l("现场来访")}


class Slot(db.Model):
    """One bookable time within a session. ``booked`` is only ever changed by a conditional UPDATE.

    The check constraint is the last line of defence: even a bug elsewhere cannot overfill a slot.
    """

    __tablename__ = "booking_slots"
    __table_args__ = (
        UniqueConstraint("session_id", "starts_at"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("duty_sessions.id"))
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    capacity: Mapped[int] = mapped_column(default=1)
    booked: Mapped[int] = mapped_column(default=0)


class Booking(TimestampMixin, db.Model):
    """A resident's sign-up for a session (and a slot), or a walk-in recorded by staff."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_session_status", "session_id", "status"),
        # One active public sign-up per phone number and session, held by the database under simultaneous
        # requests (staff may book two people who share a family phone: their channel is not included).
        Index("uq_bookings_public_phone_active", "session_id", "phone", unique=True,
              sqlite_where=text(PUBLIC_ACTIVE), postgresql_where=text(PUBLIC_ACTIVE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("duty_sessions.id"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("booking_slots.id"), index=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # read out over the phone
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)  # a double tap makes one booking
    kind: Mapped[BookingKind] = mapped_column(str_enum(BookingKind, 15))
    status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus, 12), default=BookingStatus.BOOKED)
    channel: Mapped[BookingChannel] = mapped_column(str_enum(BookingChannel, 10))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20), default="")
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    language: Mapped[str] = mapped_column(String(10), default="zh")
    description: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # moved up from the waitlist
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # attended, no-show or cancelled

    session: Mapped["DutySession"] = relationship()  # noqa: F821
    slot: Mapped[Slot | None] = relationship()
    village: Mapped["Unit | None"] = relationship()  # noqa: F821
    created_by: Mapped["User | None"] = relationship()  # noqa: F821
    rating: Mapped["Rating | None"] = relationship(back_populates="booking", uselist=False)  # noqa: F821

    @property
    def phone_tail(self) -> str:
        """The last four digits, which the resident quotes with the code."""
        return self.phone[-4:]
