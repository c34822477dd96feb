"""audit trail: hash chain, unit paths, masked snapshots

Existing events get their phones, ID numbers, booking codes and tokens masked (with a keyed digest),
a unit path, and then a place in the hash chain, in id order, before the app seals anything new.
Needs the site's AUDIT_KEY or SECRET_KEY (run it with the app's configuration, `flask db upgrade`).

Revision ID: d31c7b92a76c
Revises: b7c1d2e3f4a5
Create Date: 2026-12-07 06:45:50.018002

"""
import hashlib
import json
from datetime import date

from alembic import op
import sqlalchemy as sa

import gongfa.db


# revision identifiers, used by Alembic.
revision = 'd31c7b92a76c'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None

# The same foreign keys, in the same order, as gongfa.audit.services.UNIT_HOPS.
UNIT_HOPS = ("unit_id", "point_id", "session_id", "case_id", "mediation_case_id", "entry_id", "booking_id",
             "county_id")
BATCH = 1000


def upgrade():
    op.create_table('audit_chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('first_seq', sa.Integer(), nullable=False),
    sa.Column('first_prev_hash', sa.String(length=64), nullable=False),
    sa.Column('pruned_before', gongfa.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('unit_path', sa.String(length=120), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_unit_path'), ['unit_path'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])
    _mask_place_and_seal(op.get_bind())


def downgrade():
    # Masked values stay masked: the full numbers were never kept.
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_audit_events_unit_path'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))
        batch_op.drop_column('unit_path')
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('seq')

    op.drop_table('audit_chain')


def _mask_place_and_seal(conn) -> None:
    from flask import current_app

    from gongfa.audit import chain, masking

    secret = current_app.config.get("AUDIT_KEY") or current_app.config["SECRET_KEY"]
    mask_key, chain_key = masking.derive_key(secret, "mask"), masking.derive_key(secret, "chain")
    events = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
        sa.column("chain_hash", sa.String), sa.column("at", gongfa.db.UTCDateTime(timezone=True)),
        sa.column("actor_id", sa.Integer), sa.column("action", sa.String), sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer), sa.column("unit_path", sa.String), sa.column("before", sa.Text),
        sa.column("after", sa.Text), sa.column("digest", sa.String), sa.column("ip", sa.String))
    places = _Places(conn)
    seq, prev, last_id = 0, chain.GENESIS, 0
    while True:
        rows = conn.execute(sa.select(events).where(events.c.id > last_id).order_by(events.c.id).limit(BATCH)).all()
        if not rows:
            break
        changes = []
        for r in rows:
            before = _masked(r.object_type, r.before, mask_key, masking)
            after = _masked(r.object_type, r.after, mask_key, masking)
            digest = hashlib.sha256(after.encode()).hexdigest() if after != r.after else r.digest
            unit_path = places.path(r.object_type, r.object_id, r.actor_id)
            seq += 1
            prev = chain.event_hash(chain_key, prev, chain.canonical(
                seq=seq, id=r.id, at=r.at, actor_id=r.actor_id, action=r.action, object_type=r.object_type,
                object_id=r.object_id, unit_path=unit_path, before=before, after=after, digest=digest, ip=r.ip))
            changes.append({"b_id": r.id, "b_seq": seq, "b_hash": prev, "b_before": before, "b_after": after,
                            "b_digest": digest, "b_path": unit_path})
        conn.execute(events.update().where(events.c.id == sa.bindparam("b_id")).values(
            seq=sa.bindparam("b_seq"), chain_hash=sa.bindparam("b_hash"), before=sa.bindparam("b_before"),
            after=sa.bindparam("b_after"), digest=sa.bindparam("b_digest"), unit_path=sa.bindparam("b_path")),
            changes)
        last_id = rows[-1].id
    head = sa.table("audit_chain", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                    sa.column("last_hash", sa.String), sa.column("first_seq", sa.Integer),
                    sa.column("first_prev_hash", sa.String), sa.column("mac", sa.String))
    conn.execute(head.insert().values(id=1, seq=seq, last_hash=prev, first_seq=1, first_prev_hash=chain.GENESIS,
                                      mac=chain.head_mac(chain_key, seq=seq, last_hash=prev, first_seq=1,
                                                         first_prev_hash=chain.GENESIS, pruned_before=None)))


def _masked(object_type, text, key, masking) -> str:
    try:
        values = json.loads(text) if text else {}
    except ValueError:
        return text
    if not isinstance(values, dict):
        return text
    masked = masking.mask_snapshot(object_type, values, key)
    return text if masked == values else json.dumps(masked, ensure_ascii=False, sort_keys=True)


class _Places:
    """Unit paths of records, found through the same foreign keys the app follows (tables read lazily)."""

    def __init__(self, conn):
        self.conn, self.inspector = conn, sa.inspect(conn)
        self.tables = set(self.inspector.get_table_names())
        self.links: dict[str, tuple[dict, dict]] = {}  # table → (hop column → target table, id → row)
        self.users: dict[int, str] | None = None

    def _table(self, name):
        if name not in self.links:
            columns = {c["name"] for c in self.inspector.get_columns(name)}
            targets = {fk["constrained_columns"][0]: fk["referred_table"]
                       for fk in self.inspector.get_foreign_keys(name) if len(fk["constrained_columns"]) == 1}
            hops = [h for h in UNIT_HOPS if h in columns and h in targets]
            wanted = ["id", *hops] + (["path"] if name == "units" else [])
            rows = self.conn.execute(sa.text(f'SELECT {", ".join(wanted)} FROM "{name}"')).mappings()
            self.links[name] = ({h: targets[h] for h in hops}, {r["id"]: r for r in rows})
        return self.links[name]

    def unit(self, table, row_id, depth=0):
        if row_id is None or table not in self.tables or depth > 5:
            return None
        hops, rows = self._table(table)
        row = rows.get(row_id)
        if row is None:
            return None
        if table == "units":
            return row["path"]
        for hop, target in hops.items():
            if row[hop] is not None:
                return self.unit(target, row[hop], depth + 1)
        return None

    def user(self, user_id):
        if user_id is None:
            return ""
        if self.users is None:
            today = date.today()
            found: dict[int, list[str]] = {}
            for r in self.conn.execute(sa.text(
                    "SELECT m.user_id, u.path, m.starts_on, m.ends_on FROM memberships m "
                    "JOIN service_points p ON p.id = m.point_id JOIN units u ON u.id = p.unit_id")).mappings():
                starts, ends = _day(r["starts_on"]), _day(r["ends_on"])
                if starts <= today and (ends is None or ends >= today):
                    found.setdefault(r["user_id"], []).append(r["path"])
            self.users = {uid: _common(paths) for uid, paths in found.items()}
        return self.users.get(user_id, "")

    def path(self, object_type, object_id, actor_id) -> str:
        if object_type != "users":
            path = self.unit(object_type, object_id)
            if path is not None:
                return path
        elif object_id is not None:
            path = self.user(object_id)
            if path or actor_id == object_id:
                return path
        return self.user(actor_id)


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _common(paths) -> str:
    split = [p.strip("/").split("/") for p in paths if p]
    common = []
    for parts in zip(*split):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/" + "/".join(common) + "/" if common else ""
