"""service points: address, description and services offered in zh, ug and kk

The Chinese address stays in ``address``; the new columns start empty (a page in Uyghur or Kazakh shows the
Chinese, marked as such, until someone fills them in on the point form or through the .xlsx template).

Revision ID: e5a1c3d7f9b2
Revises: e5a1c0d4b2f7
Create Date: 2026-12-07 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c3d7f9b2'
down_revision = 'e5a1c0d4b2f7'
branch_labels = None
depends_on = None

COLUMNS = (
    ("address_ug", sa.String(length=300)),
    ("address_kk", sa.String(length=300)),
    ("description", sa.Text()),
    ("description_ug", sa.Text()),
    ("description_kk", sa.Text()),
    ("services", sa.Text()),
    ("services_ug", sa.Text()),
    ("services_kk", sa.Text()),
)


def upgrade():
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        for name, type_ in COLUMNS:
            # server_default fills existing rows; the app always writes a value itself.
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        for name, _type in reversed(COLUMNS):
            batch_op.drop_column(name)
