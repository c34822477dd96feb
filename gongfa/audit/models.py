"""The append-only audit trail (DESIGN §3): who changed what, when, from where, chained by hashes."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """One change to one record. Rows are only ever inserted (and sealed into the chain once, at commit).

    ``seq`` and ``chain_hash`` are given when the transaction commits, under the chain head's lock:
    ``chain_hash`` is a keyed hash of the previous event's ``chain_hash`` and this event's fields
    (``gongfa.audit.chain``), so an edited, deleted or inserted row breaks the chain at that point.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int | None] = mapped_column(unique=True)  # position in the chain; None only before commit
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)  # e.g. unit.create, login.failed
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    # Path of the unit the event is about ("/1/5/42/"; "" = none): a county sees its own subtree.
    unit_path: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)
    before: Mapped[str] = mapped_column(Text, default="")  # JSON of changed fields (masked, no secrets)
    after: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str] = mapped_column(String(64), default="")  # sha256 of after-state
    ip: Mapped[str] = mapped_column(String(45), default="")

    actor: Mapped["User | None"] = relationship()  # noqa: F821


class AuditChain(db.Model):
    """The chain's head, one row (id 1): the lock every sealing commit takes, and what verify starts from.

    ``first_seq``/``first_prev_hash`` are the checkpoint left by pruning: the first event still kept
    and the hash it chains to. ``mac`` seals the row itself, so winding the head back to hide events
    cut off the end needs the key.
    """

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)  # last sealed event
    last_hash: Mapped[str] = mapped_column(String(64))
    first_seq: Mapped[int] = mapped_column(default=1)
    first_prev_hash: Mapped[str] = mapped_column(String(64))
    pruned_before: Mapped[datetime | None] = mapped_column(UTCDateTime)  # cut-off of the last prune
    mac: Mapped[str] = mapped_column(String(64), default="")
