"""Coded values of the mediation forms: ethnicity, occupation, performance method, document language.

Each list is (code, source-language title); the database, the statistics and the exports keep the code and
every page and print shows the title in the reader's language. A value recorded before the lists existed
(free text an older form accepted and the data migration could not map) is shown as it was typed.

Sources:
- ethnicity: GB/T 3304-1991《中国各民族名称的罗马字母拼写法和代码》, the two-digit codes 01–56 in the
  standard's order, plus 97 其他未识别民族 and 98 外国血统中国籍人士;
- occupation: the eight major groups (大类) of GB/T 6565-2015《职业分类与代码》 (= 《中华人民共和国职业分类
  大典（2015年版）》), codes 1–8, plus the entries the people's-mediation registration forms (人民调解受理登记表,
  当事人基本情况) ask for and residents answer with: 农民, 牧民, 个体工商户, 学生, 退休人员, 无业人员;
- performance method: the ways the MoJ model agreement (人民调解协议书 "履行方式、时限") is filled in.
"""

from gongfa.i18n import LOCALES, _l

ETHNICITIES = [
    ("01", _l("汉族")), ("02", _l("蒙古族")), ("03", _l("回族")), ("04", _l("藏族")), ("05", _l("维吾尔族")),
    ("06", _l("苗族")), ("07", _l("彝族")), ("08", _l("壮族")), ("09", _l("布依族")), ("10", _l("朝鲜族")),
    ("11", _l("满族")), ("12", _l("侗族")), ("13", _l("瑶族")), ("14", _l("白族")), ("15", _l("土家族")),
    ("16", _l("哈尼族")), ("17", _l("哈萨克族")), ("18", _l("傣族")), ("19", _l("黎族")), ("20", _l("傈僳族")),
    ("21", _l("佤族")), ("22", _l("畲族")), ("23", _l("高山族")), ("24", _l("拉祜族")), ("25", _l("水族")),
    ("26", _l("东乡族")), ("27", _l("纳西族")), ("28", _l("景颇族")), ("29", _l("柯尔克孜族")), ("30", _l("土族")),
    ("31", _l("达斡尔族")), ("32", _l("仫佬族")), ("33", _l("羌族")), ("34", _l("布朗族")), ("35", _l("撒拉族")),
    ("36", _l("毛南族")), ("37", _l("仡佬族")), ("38", _l("锡伯族")), ("39", _l("阿昌族")), ("40", _l("普米族")),
    ("41", _l("塔吉克族")), ("42", _l("怒族")), ("43", _l("乌孜别克族")), ("44", _l("俄罗斯族")),
    ("45", _l("鄂温克族")), ("46", _l("德昂族")), ("47", _l("保安族")), ("48", _l("裕固族")), ("49", _l("京族")),
    ("50", _l("塔塔尔族")), ("51", _l("独龙族")), ("52", _l("鄂伦春族")), ("53", _l("赫哲族")), ("54", _l("门巴族")),
    ("55", _l("珞巴族")), ("56", _l("基诺族")), ("97", _l("其他未识别民族")), ("98", _l("外国血统中国籍人士")),
]

OCCUPATIONS = [
    ("farmer", _l("农民")), ("herder", _l("牧民")), ("self_employed", _l("个体工商户")), ("student", _l("学生")),
    ("retired", _l("退休人员")), ("unemployed", _l("无业人员")),
    ("1", _l("党的机关、国家机关、群众团体和社会组织、企事业单位负责人")), ("2", _l("专业技术人员")),
    ("3", _l("办事人员和有关人员")), ("4", _l("社会生产服务和生活服务人员")),
    ("5", _l("农、林、牧、渔业生产及辅助人员")), ("6", _l("生产制造及有关人员")), ("7", _l("军人")),
    ("8", _l("不便分类的其他从业人员")),
]

PERFORMANCE_METHODS = [
    ("on_the_spot", _l("当场履行")), ("cash", _l("现金支付")), ("transfer", _l("银行转账")),
    ("instalments", _l("分期履行")), ("in_kind", _l("交付实物")), ("act", _l("按协议约定的行为履行")),
    ("other", _l("其他方式")),
]

# The language a party chose for the documents they sign and keep (the locale codes of the interface).
DOC_LANGUAGES = [("zh_Hans", _l("汉语")), ("ug", _l("维吾尔语")), ("kk_Arab", _l("哈萨克语"))]
assert [code for code, _t in DOC_LANGUAGES] == list(LOCALES)  # one list of languages in the whole app

def _title(pairs, code: str) -> str:
    """A code's title in the reader's language; an unmapped old value as it was typed; "" for none."""
    if not code:
        return ""
    return next((str(title) for c, title in pairs if c == code), code)


def ethnicity_title(code: str) -> str:
    """民族, by GB/T 3304 code."""
    return _title(ETHNICITIES, code)


def occupation_title(code: str) -> str:
    """职业, by code."""
    return _title(OCCUPATIONS, code)


def performance_title(code: str) -> str:
    """履行方式, by code."""
    return _title(PERFORMANCE_METHODS, code)


def language_title(code: str) -> str:
    """The document language's name in the reader's language."""
    return _title(DOC_LANGUAGES, code)


def is_code(kind: str, value: str) -> bool:
    """Whether ``value`` is one of the list's codes (else it is an old free-text value)."""
    pairs = {"ethnicity": ETHNICITIES, "occupation": OCCUPATIONS, "performance": PERFORMANCE_METHODS}[kind]
    return any(c == value for c, _t in pairs)
