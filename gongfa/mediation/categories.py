"""Dispute categories of the MoJ people's-mediation statistics (research/domain.md §3.1); configurable."""

from flask import current_app

from gongfa.i18n import _l

DEFAULT = [
    ("01", _l("婚姻家庭纠纷")), ("02", _l("邻里纠纷")), ("03", _l("房屋宅基地纠纷")), ("04", _l("合同纠纷")),
    ("05", _l("生产经营纠纷")), ("06", _l("损害赔偿纠纷")), ("07", _l("山林土地纠纷")), ("08", _l("征地拆迁纠纷")),
    ("09", _l("环境污染纠纷")), ("10", _l("劳动争议纠纷")), ("11", _l("消费纠纷")), ("12", _l("医疗纠纷")),
    ("13", _l("道路交通事故纠纷")), ("14", _l("物业纠纷")), ("99", _l("其他纠纷")),
]


def categories() -> list[tuple[str, str]]:
    """(code, name in the reader's language) of the categories in use."""
    site = current_app.config.get("MEDIATION_CATEGORIES")
    if site:
        from flask_babel import gettext

        return [(code, gettext(name)) for code, name in site]
    return [(code, str(name)) for code, name in DEFAULT]


def category_title(code: str) -> str:
    """A category's name, or its code if the list no longer has it."""
    return dict(categories()).get(code, code)
