"""mediation: coded ethnicity/occupation/performance, parties' native names and languages, second-language texts

Typed values become codes (gongfa.mediation.codes): GB/T 3304 ethnicity codes, occupation and performance-method
codes. A value no list holds (an unusual occupation someone typed) is left as it was typed: the pages show it as
is, so nothing recorded is lost. The mapping is frozen here, as it stood when the lists were introduced.

Revision ID: e5a1c0d4b2f7
Revises: e5f0a1c2b3d4
Create Date: 2026-12-07 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c0d4b2f7'
down_revision = 'e5f0a1c2b3d4'
branch_labels = None
depends_on = None

_ETHNIC_NAMES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺").split()
MAPS = {
    # 维吾尔族 and 维吾尔 alike (GB/T 3304 order: 01 汉族 … 56 基诺族), and the usual short forms.
    "ethnicity": {**{name: f"{i:02d}" for i, name in enumerate(_ETHNIC_NAMES, 1)},
                  **{name + "族": f"{i:02d}" for i, name in enumerate(_ETHNIC_NAMES, 1)},
                  "维": "05", "哈": "17", "蒙": "02", "柯": "29", "其他": "97", "未识别民族": "97",
                  "其他未识别民族": "97", "外国血统中国籍人士": "98", "外国血统": "98"},
    "occupation": {"农民": "farmer", "务农": "farmer", "村民": "farmer", "牧民": "herder", "放牧": "herder",
                   "个体": "self_employed", "个体户": "self_employed", "个体工商户": "self_employed",
                   "个体经营": "self_employed", "学生": "student", "退休": "retired", "退休人员": "retired",
                   "无业": "unemployed", "无业人员": "unemployed", "待业": "unemployed", "军人": "7",
                   "教师": "2", "医生": "2", "工人": "6", "务工": "6", "打工": "6", "务工人员": "6"},
    "performance": {"当场履行": "on_the_spot", "即时履行": "on_the_spot", "当场": "on_the_spot",
                    "现金": "cash", "现金支付": "cash", "现金赔偿": "cash", "转账": "transfer",
                    "银行转账": "transfer", "分期": "instalments", "分期履行": "instalments",
                    "分期支付": "instalments", "分期付款": "instalments", "实物": "in_kind",
                    "交付实物": "in_kind", "实物交付": "in_kind"},
}
# What a downgrade writes back: the list's own title of each code, as gongfa.mediation.codes had it.
TITLES = {
    "ethnicity": {**{f"{i:02d}": name + "族" for i, name in enumerate(_ETHNIC_NAMES, 1)},
                  "97": "其他未识别民族", "98": "外国血统中国籍人士"},
    "occupation": {"farmer": "农民", "herder": "牧民", "self_employed": "个体工商户", "student": "学生",
                   "retired": "退休人员", "unemployed": "无业人员",
                   "1": "党的机关、国家机关、群众团体和社会组织、企事业单位负责人", "2": "专业技术人员",
                   "3": "办事人员和有关人员", "4": "社会生产服务和生活服务人员", "5": "农、林、牧、渔业生产及辅助人员",
                   "6": "生产制造及有关人员", "7": "军人", "8": "不便分类的其他从业人员"},
    "performance": {"on_the_spot": "当场履行", "cash": "现金支付", "transfer": "银行转账", "instalments": "分期履行",
                    "in_kind": "交付实物", "act": "按协议约定的行为履行", "other": "其他方式"},
}
for _kind, _titles in TITLES.items():  # the titles themselves, as a form might have had them typed
    MAPS[_kind] = {**{word: code for code, word in _titles.items()}, **MAPS[_kind]}
COLUMNS = {"ethnicity": ("mediation_parties", "ethnicity"), "occupation": ("mediation_parties", "occupation"),
           "performance": ("mediation_cases", "performance")}


def code_for(kind: str, value: str) -> str:
    """The code for an old typed value; the value itself (trimmed) when no list holds it."""
    value = (value or "").strip()
    return MAPS[kind].get(value, value)


def upgrade():
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_facts_alt', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('agreement_clauses_alt', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('mediation_parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_native', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default='zh_Hans'))
    with op.batch_alter_table('mediation_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_alt', sa.Text(), nullable=False, server_default=''))

    conn = op.get_bind()
    for kind, (table_name, column) in COLUMNS.items():
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.String))
        for row_id, value in conn.execute(sa.select(table.c.id, table.c[column]).where(table.c[column] != "")):
            code = code_for(kind, value)
            if code != value:
                conn.execute(table.update().where(table.c.id == row_id).values({column: code}))


def downgrade():
    conn = op.get_bind()
    for kind, (table_name, column) in COLUMNS.items():  # back to the Chinese words
        table = sa.table(table_name, sa.column(column, sa.String))
        for code, word in TITLES[kind].items():
            conn.execute(table.update().where(table.c[column] == code).values({column: word}))
    with op.batch_alter_table('mediation_records', schema=None) as batch_op:
        batch_op.drop_column('content_alt')
    with op.batch_alter_table('mediation_parties', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('name_native')
    with op.batch_alter_table('mediation_cases', schema=None) as batch_op:
        batch_op.drop_column('agreement_clauses_alt')
        batch_op.drop_column('agreement_facts_alt')
