"""The hash chain's canonical form (format "v1"): pure functions shared by the app, verify and migrations.

chain_hash(n) = HMAC-SHA256(chain key, chain_hash(n-1) + "\\n" + canonical JSON of event n), where the
chain key is derived from AUDIT_KEY (else SECRET_KEY). A keyed hash, not a plain one: someone who can
write to the database but does not hold the key cannot recompute the chain after editing a row.
Changing anything here breaks every existing chain: add a "v2" beside it instead.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def _at(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else None


def canonical(*, seq: int, id: int, at: datetime, actor_id: int | None, action: str,  # noqa: A002
              object_type: str, object_id: int | None, unit_path: str, before: str, after: str, digest: str,
              ip: str) -> bytes:
    """One event's fields in a fixed order, as compact JSON."""
    return json.dumps([seq, id, _at(at), actor_id, action, object_type, object_id, unit_path, before, after, digest,
                       ip], ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(key: bytes, prev_hash: str, fields: bytes) -> str:
    """The chain hash of an event following ``prev_hash``."""
    return hmac.new(key, prev_hash.encode() + b"\n" + fields, hashlib.sha256).hexdigest()


def head_mac(key: bytes, *, seq: int, last_hash: str, first_seq: int, first_prev_hash: str,
             pruned_before: datetime | None) -> str:
    """The seal of the chain head row."""
    body = json.dumps(["head", seq, last_hash, first_seq, first_prev_hash, _at(pruned_before)],
                      separators=(",", ":")).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two hex digests."""
    return a is not None and b is not None and hmac.compare_digest(a, b)
