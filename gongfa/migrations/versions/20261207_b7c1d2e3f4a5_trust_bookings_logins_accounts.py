"""trust: one active public sign-up per phone and session; login failures per name and address; activation codes

Revision ID: b7c1d2e3f4a5
Revises: 876df2066aa8
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import gongfa.db


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '876df2066aa8'
branch_labels = None
depends_on = None

PUBLIC_ACTIVE = "channel = 'public' AND status IN ('booked', 'waitlisted')"


def upgrade():
    # An older database may hold several active public sign-ups of one number for one session (the defect
    # this fixes): keep the first, cancel the later ones, so the unique index can be built.
    op.execute(f"""
        UPDATE bookings SET status = 'cancelled'
        WHERE {PUBLIC_ACTIVE} AND EXISTS (
            SELECT 1 FROM bookings AS first
            WHERE first.session_id = bookings.session_id AND first.phone = bookings.phone
              AND first.channel = 'public' AND first.status IN ('booked', 'waitlisted') AND first.id < bookings.id)
    """)
    op.execute("""
        UPDATE booking_slots SET booked = (
            SELECT count(*) FROM bookings WHERE bookings.slot_id = booking_slots.id AND bookings.status = 'booked')
    """)
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('uq_bookings_public_phone_active', ['session_id', 'phone'], unique=True,
                              sqlite_where=sa.text(PUBLIC_ACTIVE), postgresql_where=sa.text(PUBLIC_ACTIVE))


    # Wrong passwords are counted per username and address (auth.models.LoginThrottle), not on the account.
    op.create_table('login_throttles',
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', gongfa.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', gongfa.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', 'ip', name=op.f('pk_login_throttles'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_window_started_at'), ['window_started_at'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.add_column(sa.Column('activation_nonce', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('activation_expires_at', gongfa.db.UTCDateTime(timezone=True), nullable=True))


    # What the database says about itself: "demo" once `flask seed-demo` loaded its published-password accounts.
    op.create_table('site_flags',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_flags'))
    )
    _mark_an_existing_demo()


def _mark_an_existing_demo():
    """A database made by an older seed-demo is recognised by its published password on the demo's "admin",
    so `bash .ci/serve` keeps working on it; any other database stays unmarked (seed-demo refuses it)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import Argon2Error, InvalidHashError

    stored = op.get_bind().execute(sa.text("SELECT password_hash FROM users WHERE username = 'admin'")).scalar()
    try:
        PasswordHasher().verify(stored or "", "Bozhou.2026")
    except (Argon2Error, InvalidHashError):
        return
    op.execute("INSERT INTO site_flags (key, value) VALUES ('demo', '1')")


def downgrade():
    op.drop_table('site_flags')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('activation_expires_at')
        batch_op.drop_column('activation_nonce')
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', gongfa.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_window_started_at'))
    op.drop_table('login_throttles')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_public_phone_active', sqlite_where=sa.text(PUBLIC_ACTIVE),
                            postgresql_where=sa.text(PUBLIC_ACTIVE))
