"""What was printed (with a verification code), what was submitted each quarter, and inspection draws."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import UTCDateTime, db, utcnow


class PrintRecord(db.Model):
    """One printed document: its short code (on every page) resolves to the digest of what it printed."""

    __tablename__ = "print_records"
    __table_args__ = (UniqueConstraint("kind", "unit_id", "first", "last", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # volume, duty, statistics
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the printed records, canonical JSON
    rows: Mapped[list] = mapped_column(JSON)  # per record: id, date, times, category, short digest (no names)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped["Unit"] = relationship()  # noqa: F821


class QuarterSubmission(db.Model):
    """A township's quarter as submitted by its station head: frozen statistics and ledger digest, the PDF kept."""

    __tablename__ = "quarter_submissions"
    __table_args__ = (UniqueConstraint("unit_id", "year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON)  # statistics rows and totals as submitted
    ledger_digest: Mapped[str] = mapped_column(String(64))  # of every entry of the quarter, as submitted
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_digest: Mapped[str] = mapped_column(String(64))

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    submitted_by: Mapped["User"] = relationship()  # noqa: F821


class InspectionDraw(db.Model):
    """An inspector's random draw of villages (2–3 per township), recorded with its seed: reproducible."""

    __tablename__ = "inspection_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # the county or prefecture inspected
    year: Mapped[int] = mapped_column()
    quarter: Mapped[int] = mapped_column()
    per_township: Mapped[int] = mapped_column()
    seed: Mapped[int] = mapped_column()
    villages: Mapped[list] = mapped_column(JSON)  # village codes drawn, in township order
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    created_by: Mapped["User"] = relationship()  # noqa: F821
