"""users: the language a native-script name is written in (ug, kk-Arab)

Existing native names get a language from their letters: Uyghur writes ئ before a word's first vowel and
has ې ۈ ۆ ھ; Kazakh Arabic orthography has none of these, writes ء and ح, and starts words with a bare
vowel. A name with none of these stays without a language (pages mark it with their own Arabic-script
language); an administrator sets it on the person's page.

Revision ID: 5a9e4c21b7d0
Revises: e5a1c3d7f9b2
Create Date: 2026-12-07 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a9e4c21b7d0'
down_revision = 'e5a1c3d7f9b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('native_lang', sa.Enum('ug', 'kk-Arab', name='namelang', native_enum=False,
                                                             length=10, create_constraint=False), nullable=True))
    conn = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("full_name_native", sa.String),
                     sa.column("native_lang", sa.String))
    for row in conn.execute(sa.select(users.c.id, users.c.full_name_native)
                            .where(users.c.full_name_native != "")).all():
        conn.execute(users.update().where(users.c.id == row.id).values(native_lang=_guess(row.full_name_native)))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('native_lang')


def _guess(name: str) -> str | None:
    if any(ch in name for ch in "\u0626\u06d0\u06c8\u06c6\u06be"):  # ئ ې ۈ ۆ ھ
        return "ug"
    kazakh = any(ch in name for ch in "\u0621\u062d") or any(
        word[:1] in "\u0627\u06d5\u0648\u06c7\u0649" for word in name.split())  # ء ح; a bare ا ە و ۇ ى
    return "kk-Arab" if kazakh else None
