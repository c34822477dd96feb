"""Writing the audit trail. Every service that changes a record calls ``record``."""

import hashlib
import json
from contextlib import contextmanager
from datetime import date, datetime, time
from enum import Enum

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import bindparam, event, inspect, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gongfa import clock
from gongfa.audit import chain, masking
from gongfa.audit.models import AuditChain, AuditEvent
from gongfa.db import db

# Never copied into the trail, not even masked.
SECRET_FIELDS = {"password_hash", "activation_nonce"}


def _secret() -> str:
    """AUDIT_KEY, else SECRET_KEY: digests and the chain stay checkable only with the same key."""
    return current_app.config.get("AUDIT_KEY") or current_app.config["SECRET_KEY"]


def mask_key() -> bytes:
    """The key of the digests kept next to masked values."""
    return masking.derive_key(_secret(), "mask")


def value_digest(value) -> str:
    """The digest the trail keeps for a phone, ID number or booking code: "was it this number?"."""
    return masking.value_digest(value, mask_key())


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if hasattr(value, "to_json"):  # a value object stored as JSON (gongfa.org.hours.OpeningHours)
        return value.to_json()
    return value


def snapshot(obj) -> dict:
    """The column values of a model instance, JSON-ready, without secrets."""
    mapper = inspect(obj).mapper
    return {c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs
            if c.key not in SECRET_FIELDS and c.key not in ("created_at", "updated_at")}


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(action: str, obj=None, *, before: dict | None = None, after: dict | None = None,
           actor_id: int | None = None, object_type: str = "", object_id: int | None = None) -> AuditEvent:
    """Append one audit event; flushes so it shares the caller's transaction (sealed into the chain at commit).

    The actor defaults to the logged-in user and the address to the request's (the audit trail is
    the one place a service may look at the request: it must name who acted and from where).
    """
    if obj is not None:
        object_type = object_type or obj.__tablename__
        db.session.flush()
        object_id = object_id if object_id is not None else obj.id
        if after is None:
            after = snapshot(obj)
    if actor_id is None and has_request_context() and current_user and current_user.is_authenticated:
        actor_id = current_user.id
    key = mask_key()
    before = masking.mask_snapshot(object_type, before or {}, key)
    after_json = json.dumps(masking.mask_snapshot(object_type, after or {}, key), ensure_ascii=False, sort_keys=True)
    event_ = AuditEvent(
        action=action, object_type=object_type, object_id=object_id, actor_id=actor_id,
        unit_path=_unit_path(obj, object_type, object_id, actor_id),
        before=json.dumps(before, ensure_ascii=False, sort_keys=True), after=after_json,
        digest=hashlib.sha256(after_json.encode()).hexdigest(),
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(event_)
    db.session.flush()
    db.session.info.setdefault(_UNSEALED, []).append(event_)
    return event_


# --- the unit an event is about (a county's auditors see their own subtree) ------------------

# Foreign keys followed, in this order, from a record towards its unit: a booking → its session →
# the session's service point → the point's unit; a firm → its county.
UNIT_HOPS = ("unit_id", "point_id", "session_id", "case_id", "mediation_case_id", "entry_id", "booking_id",
             "county_id")


def _model_for(table_name: str):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table_name:
            return mapper.class_
    return None


def _unit_of(obj, depth: int = 0):
    """The unit a record belongs to, found through its foreign keys (None for records without one)."""
    if obj is None or depth > 5:
        return None
    if obj.__tablename__ == "units":
        return obj
    mapper = inspect(obj).mapper
    for name in UNIT_HOPS:
        value = getattr(obj, name, None) if name in mapper.columns else None
        if value is None:
            continue
        target = _model_for(next(iter(mapper.columns[name].foreign_keys)).column.table.name)
        # Session.get answers from the identity map first: usually no SQL, the view loaded these.
        return _unit_of(db.session.get(target, value), depth + 1) if target else None
    return None


def common_path(paths) -> str:
    """The deepest unit path containing all of ``paths`` ("" when there are none)."""
    split = [p.strip("/").split("/") for p in paths if p]
    if not split:
        return ""
    common = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/" + "/".join(common) + "/" if common else ""


def user_path(user_id: int | None) -> str:
    """The common unit of a person's current memberships: a county admin's county, an officer's village."""
    if user_id is None:
        return ""
    # The tables, not the models: the trail sits under the domains and imports none of them.
    units, points, members = (db.metadata.tables[t] for t in ("units", "service_points", "memberships"))
    today = clock.today()
    paths = db.session.scalars(
        select(units.c.path).join(points, points.c.unit_id == units.c.id)
        .join(members, members.c.point_id == points.c.id)
        .where(members.c.user_id == user_id, members.c.starts_on <= today,
               or_(members.c.ends_on.is_(None), members.c.ends_on >= today)))
    return common_path(paths)


def _unit_path(obj, object_type: str, object_id: int | None, actor_id: int | None) -> str:
    """The event's unit: the record's own; for an account, where the person serves; else where the actor does."""
    if obj is None and object_id is not None and object_type and object_type != "users":
        model = _model_for(object_type)
        obj = db.session.get(model, object_id) if model else None
    unit = _unit_of(obj) if obj is not None else None
    if unit is not None:
        return unit.path
    if object_type == "users" and object_id is not None:
        path = user_path(object_id)
        if path or actor_id == object_id:
            return path
    return user_path(actor_id)


@contextmanager
def tracking(obj, action: str):
    """Record one audit event with the fields an edit inside the ``with`` block changed."""
    before = snapshot(obj)
    yield obj
    db.session.flush()
    b, a = changes(before, snapshot(obj))
    record(action, obj, before=b, after=a)


@event.listens_for(Session, "before_flush")
def _append_only(session, _ctx, _instances) -> None:
    """Refuse to change or delete audit rows through the ORM."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent | AuditChain):
            raise PermissionError("audit events are append-only")


# --- the chain: sealing at commit --------------------------------------------------------------

_UNSEALED = "audit_unsealed"
_head = AuditChain.__table__
_events = AuditEvent.__table__


def chain_key() -> bytes:
    """The key of the hash chain."""
    return masking.derive_key(_secret(), "chain")


@event.listens_for(Session, "before_commit")
def _seal(session) -> None:
    """Number and chain the events this transaction recorded, under the head's lock, as its last writes.

    Taking the head's lock last (services lock slots, bookings or cases earlier) means two commits can
    wait for each other only here, never in a cycle. On SQLite the transaction already holds the
    write lock (it inserted the events); on PostgreSQL the UPDATE … RETURNING row lock orders commits,
    and READ COMMITTED hands the waiting one the head as the first one left it. Cost: three statements
    per committing transaction that recorded anything (head, events in one executemany, head).

    SQLAlchemy runs this for a savepoint's release too; that is not the end of the transaction, so the
    events wait for the outermost commit (else the head's lock would be taken in the middle of a request).
    """
    if not session.info.get(_UNSEALED) or session.in_nested_transaction():
        return
    session.flush()
    events = sorted((e for e in session.info.pop(_UNSEALED) if inspect(e).persistent and e.seq is None),
                    key=lambda e: e.id)
    if not events:
        return
    conn = session.connection()
    head = _take_head(conn, len(events))
    key = chain_key()
    prev, rows = head.last_hash, []
    for n, e in enumerate(events, head.seq - len(events) + 1):
        prev = chain.event_hash(key, prev, event_fields(e, n))
        rows.append({"b_id": e.id, "b_seq": n, "b_hash": prev})
    conn.execute(update(_events).where(_events.c.id == bindparam("b_id"))
                 .values(seq=bindparam("b_seq"), chain_hash=bindparam("b_hash")), rows)
    conn.execute(update(_head).where(_head.c.id == 1).values(last_hash=prev, mac=chain.head_mac(
        key, seq=head.seq, last_hash=prev, first_seq=head.first_seq, first_prev_hash=head.first_prev_hash,
        pruned_before=head.pruned_before)))
    for e, row in zip(events, rows, strict=True):
        set_committed_value(e, "seq", row["b_seq"])
        set_committed_value(e, "chain_hash", row["b_hash"])


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    # SQLAlchemy fires this for a savepoint's rollback too; the transaction's earlier events must still be
    # sealed at commit (those inside the savepoint are gone from the session, and _seal skips them).
    if not session.in_nested_transaction():
        session.info.pop(_UNSEALED, None)


def event_fields(e, seq: int) -> bytes:
    """The canonical bytes of an event (an ORM object or a row) at position ``seq``."""
    return chain.canonical(seq=seq, id=e.id, at=e.at, actor_id=e.actor_id, action=e.action,
                           object_type=e.object_type, object_id=e.object_id, unit_path=e.unit_path,
                           before=e.before, after=e.after, digest=e.digest, ip=e.ip)


def _take_head(conn, n: int):
    """Advance the head by ``n`` and return it (locked until commit); create it on a fresh database."""
    stmt = (update(_head).where(_head.c.id == 1).values(seq=_head.c.seq + n)
            .returning(_head.c.seq, _head.c.last_hash, _head.c.first_seq, _head.c.first_prev_hash,
                       _head.c.pruned_before))
    head = conn.execute(stmt).one_or_none()
    if head is None:
        insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(_head).values(id=1, seq=0, last_hash=chain.GENESIS, first_seq=1,
                                          first_prev_hash=chain.GENESIS, mac="").on_conflict_do_nothing())
        head = conn.execute(stmt).one()
    return head


def record_export(*, filters: dict, rows: int, capped: bool) -> AuditEvent:
    """Write the export itself to the trail: who took which events away."""
    terms = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if v not in (None, "")}
    return record("audit.export", object_type="audit_events", after={"filters": terms, "rows": rows,
                                                                      "capped": capped})
