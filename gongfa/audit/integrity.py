"""Checking the chain (``flask audit verify``) and pruning old events (``flask audit prune``)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from gongfa.audit import chain
from gongfa.audit import services as audit
from gongfa.audit.models import AuditChain, AuditEvent
from gongfa.db import db, utcnow

# Cybersecurity Law art. 21(3): network logs kept "不少于六个月". 183 days covers any six months.
MIN_RETENTION_DAYS = 183
BATCH = 2000
_events = AuditEvent.__table__
_head_table = AuditChain.__table__


@dataclass
class Problem:
    """The first thing wrong with the chain: kind (changed, missing, outside, truncated, head, pruned,
    anchor), the sequence number and row id where it shows, and a sentence for the operator."""

    kind: str
    seq: int | None
    event_id: int | None
    message: str


@dataclass
class Verdict:
    """What verify found: how many events it checked, the head it ends on, and the first problem."""

    events: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str = chain.GENESIS
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return self.problem is None


def verify(*, anchors: list[tuple[int, str]] = (), now: datetime | None = None) -> Verdict:
    """Walk the chain from its checkpoint to its head and report the first edited, deleted, inserted or
    cut-off event; ``anchors`` are (seq, hash) pairs written down earlier (off the machine) that must
    still be in the chain.

    Safe while the app runs (cron): events and the head are read statement by statement, and a commit
    seals its events and moves the head at once, so anything past the head read first is checked
    against a fresh read of the head before it is called an intruder.
    """
    now = now or utcnow()
    key = audit.chain_key()
    verdict = Verdict()
    unsealed = db.session.execute(select(_events.c.id).where(_events.c.seq.is_(None)).order_by(_events.c.id)
                                  .limit(1)).scalar()
    if unsealed is not None:
        return _fail(verdict, "outside", None, unsealed,
                     f"outside the chain: row id {unsealed} has no place in the chain (inserted bypassing the app)")
    head = _head()
    if head is None:
        if db.session.scalar(select(func.count()).select_from(_events)) and _head() is None:
            return _fail(verdict, "head", None, None, "chain head missing while events exist")
        return _anchors(verdict, anchors, {})
    if problem := _head_problem(key, head, now):
        return _fail(verdict, *problem)
    early = db.session.execute(select(_events.c.seq, _events.c.id).where(_events.c.seq < head.first_seq)
                               .order_by(_events.c.seq).limit(1)).first()
    if early is not None:
        return _fail(verdict, "outside", early.seq, early.id,
                     f"outside the chain: event {early.seq} (row id {early.id}) lies before the checkpoint")
    expected, prev, last_seq = head.first_seq, head.first_prev_hash, 0
    seen_anchors, wanted = {}, {seq for seq, _ in anchors}
    verdict.first_seq = head.first_seq
    while True:
        rows = _rows(expected)
        if not rows:
            newer = _head()
            if problem := _head_problem(key, newer, now):
                return _fail(verdict, *problem)
            head = newer
            if head.seq < expected:
                break
            rows = _rows(expected)  # the head moved on since: its events are committed, hence visible now
            if not rows:
                first_gone = max(expected, head.first_seq)
                return _fail(verdict, "truncated", first_gone, None,
                             f"truncated: events {first_gone}–{head.seq} are missing from the end")
        for e in rows:
            if e.seq > head.seq or e.seq > expected:
                newer = _head()
                if problem := _head_problem(key, newer, now):
                    return _fail(verdict, *problem)
                if newer.first_seq > expected:  # pruned meanwhile: go on from the new checkpoint
                    expected, prev = newer.first_seq, newer.first_prev_hash
                    verdict.first_seq = newer.first_seq
                head = newer
            if e.seq > head.seq:
                return _fail(verdict, "outside", e.seq, e.id,
                             f"outside the chain: event {e.seq} (row id {e.id}) lies beyond the head ({head.seq})")
            if e.seq > expected:
                return _fail(verdict, "missing", expected, None,
                             f"missing: event {expected}" + (f"–{e.seq - 1}" if e.seq - 1 > expected else "")
                             + " deleted")
            if e.seq < expected:
                continue  # read before a prune moved the checkpoint past it
            computed = chain.event_hash(key, prev, audit.event_fields(e, e.seq))
            if not chain.same(computed, e.chain_hash):
                return _fail(verdict, "changed", e.seq, e.id,
                             f"changed: event {e.seq} (row id {e.id}) is not what was sealed "
                             "(or AUDIT_KEY/SECRET_KEY is not the one the chain was made with)")
            if e.seq in wanted:
                seen_anchors[e.seq] = e.chain_hash
            prev, expected, last_seq = e.chain_hash, expected + 1, e.seq
            verdict.events += 1
    verdict.last_seq = last_seq or None
    if not chain.same(prev, head.last_hash):
        return _fail(verdict, "head", head.seq, None, "chain head does not match the last event")
    verdict.head_hash = prev
    if head.first_seq > 1:
        verdict.notes.append(f"events before {head.first_seq} pruned (older than "
                             f"{head.pruned_before:%Y-%m-%d} UTC); the chain is checked from that checkpoint")
    return _anchors(verdict, anchors, seen_anchors, pruned_below=head.first_seq)


def _head():
    """The chain head as it is now (a plain row: never a cached object)."""
    return db.session.execute(select(_head_table).where(_head_table.c.id == 1)).first()


def _rows(from_seq: int):
    """The next batch of events (plain rows: nothing piles up in the session on a long trail)."""
    return db.session.execute(select(_events).where(_events.c.seq >= from_seq).order_by(_events.c.seq)
                              .limit(BATCH)).all()


def _head_problem(key: bytes, head, now: datetime) -> tuple | None:
    mac = chain.head_mac(key, seq=head.seq, last_hash=head.last_hash, first_seq=head.first_seq,
                         first_prev_hash=head.first_prev_hash, pruned_before=head.pruned_before)
    if not chain.same(mac, head.mac):
        return ("head", head.seq, None, "chain head does not match its seal: edited, or AUDIT_KEY/SECRET_KEY is "
                "not the one the chain was made with")
    if head.pruned_before and head.pruned_before > now - timedelta(days=MIN_RETENTION_DAYS):
        return ("pruned", head.first_seq, None,
                f"pruned: events up to {head.first_seq - 1} were removed before they were six months old")
    return None


def _anchors(verdict: Verdict, anchors, seen: dict, pruned_below: int = 1) -> Verdict:
    for seq, value in anchors:
        if seq < pruned_below:
            verdict.notes.append(f"anchor {seq}: pruned since, not checked")
        elif not chain.same(seen.get(seq), value.lower()):
            return _fail(verdict, "anchor", seq, None,
                         f"anchor: event {seq} no longer has the hash written down ({value[:12]}…)")
    return verdict


def _fail(verdict: Verdict, kind: str, seq: int | None, event_id: int | None, message: str) -> Verdict:
    verdict.problem = Problem(kind, seq, event_id, message)
    return verdict


def retention_days(config=None) -> int:
    """AUDIT_RETENTION_DAYS, refused below six months."""
    days = int((config or current_app.config)["AUDIT_RETENTION_DAYS"])
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"AUDIT_RETENTION_DAYS={days}: the audit trail must be kept at least "
                         f"{MIN_RETENTION_DAYS} days (six months)")
    return days


@dataclass
class Pruned:
    """What prune removed: how many events, up to which sequence number, older than when."""

    removed: int
    up_to_seq: int | None
    cutoff: datetime


def prune(*, now: datetime | None = None) -> Pruned:
    """Delete the chain's oldest events that are all older than the retention period, and move the
    checkpoint past them (so verify still checks what remains). The only place audit rows are deleted.

    Removes a prefix of the chain: up to the first event younger than the cut-off, so a late-sealed old
    event never leaves a hole. Refuses a broken chain: evidence is not thrown away unchecked.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days())
    verdict = verify(now=now)
    if not verdict.ok:
        raise ValueError(f"the chain does not verify, nothing pruned: {verdict.problem.message}")
    head = db.session.get(AuditChain, 1)
    if head is None:
        return Pruned(0, None, cutoff)
    young = db.session.scalar(select(func.min(AuditEvent.seq)).where(AuditEvent.at >= cutoff))
    up_to = (young - 1) if young is not None else head.seq
    if up_to < head.first_seq:
        return Pruned(0, None, cutoff)
    last_hash = db.session.scalar(select(AuditEvent.chain_hash).where(AuditEvent.seq == up_to))
    removed = db.session.execute(delete(AuditEvent).where(AuditEvent.seq <= up_to)
                                 .execution_options(synchronize_session=False)).rowcount
    # The head row is re-read under its lock by the next seal; write the checkpoint with a fresh seal.
    locked = db.session.execute(update(AuditChain.__table__).where(AuditChain.__table__.c.id == 1)
                                .values(first_seq=up_to + 1, first_prev_hash=last_hash, pruned_before=cutoff)
                                .returning(AuditChain.__table__.c.seq, AuditChain.__table__.c.last_hash)).one()
    db.session.execute(update(AuditChain.__table__).where(AuditChain.__table__.c.id == 1).values(
        mac=chain.head_mac(audit.chain_key(), seq=locked.seq, last_hash=locked.last_hash, first_seq=up_to + 1,
                           first_prev_hash=last_hash, pruned_before=cutoff)))
    db.session.expire_all()
    audit.record("audit.prune", object_type="audit_events",
                 after={"removed": removed, "up_to_seq": up_to, "older_than": cutoff.isoformat()})
    return Pruned(removed, up_to, cutoff)
