"""The append-only audit trail (DESIGN §3): who changed what, when, from where."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gongfa.db import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """One change to one record. Rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))  # e.g. unit.create, login.failed
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    before: Mapped[str] = mapped_column(Text, default="")  # JSON of changed fields (no secrets)
    after: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str] = mapped_column(String(64), default="")  # sha256 of after-state
    ip: Mapped[str] = mapped_column(String(45), default="")
