"""Writing the audit trail. Every service that changes a record calls ``record``."""

import hashlib
import json
from contextlib import contextmanager
from datetime import date, datetime, time
from enum import Enum

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from gongfa.audit import masking
from gongfa.audit.models import AuditEvent
from gongfa.db import db

# Never copied into the trail, not even masked.
SECRET_FIELDS = {"password_hash"}


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
    """Append one audit event; flushes so it shares the caller's transaction.

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
        before=json.dumps(before, ensure_ascii=False, sort_keys=True), after=after_json,
        digest=hashlib.sha256(after_json.encode()).hexdigest(),
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(event_)
    db.session.flush()
    return event_


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
        if isinstance(obj, AuditEvent):
            raise PermissionError("audit events are append-only")
