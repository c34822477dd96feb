"""opening hours and membership positions as data

Service points' typed Chinese hours ("周一至周五 10:00–14:00，16:00–20:00") become weekdays and periods
(JSON, gongfa.org.hours); a string that cannot be read is kept in ``hours_note`` and named in the log.
Memberships' typed positions (站长, 专职调解员, 乡贤 …) become codes (gongfa.people.models.Position); a post
not on the list becomes "other" with the typed words kept in ``position_note``.

Revision ID: e5f0a1c2b3d4
Revises: d31c7b92a76c
Create Date: 2026-12-07 21:00:00

"""
import logging

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e5f0a1c2b3d4'
down_revision = 'd31c7b92a76c'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Frozen here (the app's list may grow): the usual spellings of each post, and the codes.
POSITION_WORDS = {
    "法律服务科": "section_staff", "法律服务科工作人员": "section_staff", "验收小组": "inspection_team",
    "验收小组成员": "inspection_team", "审计员": "auditor", "审计管理员": "auditor", "站长": "station_head",
    "所长": "station_head", "司法所所长": "station_head", "工作站站长": "station_head",
    "司法所负责人": "station_head", "值班律师": "duty_lawyer", "法律顾问": "legal_adviser",
    "村居法律顾问": "legal_adviser", "村法律顾问": "legal_adviser", "专职调解员": "full_time_mediator",
    "专职人民调解员": "full_time_mediator", "乡贤": "local_mediator", "乡贤调解员": "local_mediator",
    "综治专干": "comprehensive_officer", "村综治专干": "comprehensive_officer", "网格员": "grid_worker",
    "志愿者": "volunteer", "书记员": "clerk", "村民代表": "villager_representative",
}
CODES = set(POSITION_WORDS.values()) | {"other"}


def _hours_as_data(text):
    """(json, note): the parsed hours, or nothing and the text kept as a note."""
    from gongfa.org.hours import HoursError, parse_text

    try:
        return parse_text(text or "").to_json(), ""
    except HoursError:
        return {}, (text or "")[:100]


def upgrade():
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opening_hours', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('hours_note', sa.String(length=100), nullable=True))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position_note', sa.String(length=50), nullable=True))

    bind = op.get_bind()
    points = sa.table('service_points', sa.column('id', sa.Integer), sa.column('hours', sa.String),
                      sa.column('opening_hours', sa.JSON), sa.column('hours_note', sa.String))
    unread = 0
    for point_id, text in bind.execute(sa.select(points.c.id, points.c.hours)).all():
        data, note = _hours_as_data(text)
        if note:
            unread += 1
            log.warning("service point %s: hours %r could not be read; kept as a note", point_id, note)
        bind.execute(points.update().where(points.c.id == point_id).values(opening_hours=data, hours_note=note))
    if unread:
        log.warning("%d service points' hours kept as notes: enter them on the point form", unread)

    # A membership with no position typed becomes NULL (no position): the column may hold it first.
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('position', existing_type=sa.String(length=50), nullable=True)
    members = sa.table('memberships', sa.column('id', sa.Integer), sa.column('position', sa.String),
                       sa.column('position_note', sa.String))
    for member_id, typed in bind.execute(sa.select(members.c.id, members.c.position)).all():
        typed = (typed or "").strip()
        code = typed if typed in CODES else POSITION_WORDS.get(typed)
        note = ""
        if typed and code is None:
            code, note = "other", typed
        bind.execute(members.update().where(members.c.id == member_id).values(position=code, position_note=note))

    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.alter_column('opening_hours', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('hours_note', existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_column('hours')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('position', existing_type=sa.String(length=50), type_=sa.String(length=30),
                              existing_nullable=True)
        batch_op.alter_column('position_note', existing_type=sa.String(length=50), nullable=False)


def downgrade():
    from gongfa.org.hours import OpeningHours

    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours', sa.String(length=100), nullable=True))
    bind = op.get_bind()
    points = sa.table('service_points', sa.column('id', sa.Integer), sa.column('hours', sa.String),
                      sa.column('opening_hours', sa.JSON), sa.column('hours_note', sa.String))
    for point_id, data, note in bind.execute(
            sa.select(points.c.id, points.c.opening_hours, points.c.hours_note)).all():
        text = OpeningHours.from_json(data).text("zh_Hans") or note or ""
        bind.execute(points.update().where(points.c.id == point_id).values(hours=text[:100]))
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.alter_column('hours', existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_column('hours_note')
        batch_op.drop_column('opening_hours')
    words = {code: word for word, code in reversed(list(POSITION_WORDS.items()))}
    members = sa.table('memberships', sa.column('id', sa.Integer), sa.column('position', sa.String),
                       sa.column('position_note', sa.String))
    for member_id, code, note in bind.execute(
            sa.select(members.c.id, members.c.position, members.c.position_note)).all():
        typed = note if code == "other" and note else words.get(code or "", "")
        bind.execute(members.update().where(members.c.id == member_id).values(position=typed))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('position', existing_type=sa.String(length=30), type_=sa.String(length=50),
                              nullable=False)
        batch_op.drop_column('position_note')
