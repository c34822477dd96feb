"""Ledger forms: the inspection draw, the quarterly submission."""

from wtforms import SubmitField
from wtforms.validators import InputRequired, NumberRange

from gongfa.i18n import _l
from gongfa.org.forms import coerce_id
from gongfa.web.forms import BaseForm, ChoiceField, LocalIntegerField


class DrawForm(BaseForm):
    """Which area, which quarter, how many villages per township."""

    unit_id = ChoiceField(_l("抽查范围"), coerce=coerce_id, validate_choice=True)
    year = LocalIntegerField(_l("年度"), validators=[InputRequired(message=_l("请填写年度。")),
                                                   NumberRange(min=2020, max=2099, message=_l("请填写2020到2099。"))])
    quarter = ChoiceField(_l("季度"), coerce=int, choices=[(q, str(q)) for q in (1, 2, 3, 4)], validate_choice=True)
    per_township = ChoiceField(_l("每个乡镇抽查村（社区）数"), coerce=int, choices=[(2, "2"), (3, "3")],
                               validate_choice=True)
    submit = SubmitField(_l("随机抽取"))


class SubmitForm(BaseForm):
    """Submit the quarter: CSRF only."""

    submit = SubmitField(_l("报送本季度"))
