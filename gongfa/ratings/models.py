"""One rating per booking or closed mediation case (DESIGN §3: Rating)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import UTCDateTime, db, str_enum, utcnow
from gongfa.i18n import TitledEnum, _l


class RatingValue(TitledEnum):
    """一事一评: the three answers on the official slips."""

    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"

    @classmethod
    def _titles(cls):
        return {"satisfied": _l("满意"), "basic": _l("基本满意"), "unsatisfied": _l("不满意")}



class Rating(db.Model):
    """一事一评: one rating per booking or closed mediation case, by the resident or recorded by staff."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), unique=True)
    mediation_case_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_cases.id"), unique=True)
    value: Mapped[RatingValue] = mapped_column(str_enum(RatingValue, 12))
    comment: Mapped[str] = mapped_column(String(200), default="")
    by_resident: Mapped[bool] = mapped_column(default=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking: Mapped["Booking | None"] = relationship(back_populates="rating")  # noqa: F821
    recorded_by: Mapped["User | None"] = relationship()  # noqa: F821
