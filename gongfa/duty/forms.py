"""Forms for duty actions, holidays and substitutions."""

from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from gongfa.i18n import _l
from gongfa.org.forms import coerce_id
from gongfa.web.forms import (
    BaseForm,
    ChoiceField,
    GroupedSelect,
    LocalDateField,
    clean_text,
    no_bidi_controls,
    no_control_chars,
)
from gongfa.web.forms import (
    LocalTimeField as TimeField,
)

TEXT_CHECKS = [no_bidi_controls, no_control_chars]


class ActionForm(BaseForm):
    """A one-tap action on a session; carries the version the person saw."""

    version = HiddenField()


class DeclineForm(ActionForm):
    """The lawyer cannot come."""

    reason = StringField(_l("原因"), filters=[clean_text],
                         validators=[DataRequired(message=_l("请写明不能值班的原因。")),
                                     Length(max=200, message=_l("不超过%(n)d个字。", n=200)), *TEXT_CHECKS])
    submit = SubmitField(_l("请求替班"))


class ProposeForm(ActionForm):
    """Propose the village-visit date (choices: allowed working days)."""

    on = ChoiceField(_l("来村日期"), validate_choice=True)
    submit = SubmitField(_l("提议这一天"))


class SubstituteForm(ActionForm):
    """The station head puts another lawyer on a session: chosen, with a reason, then confirmed."""

    lawyer_id = ChoiceField(_l("替班律师"), coerce=coerce_id, validate_choice=True, widget=GroupedSelect(),
                            validators=[DataRequired(message=_l("请选择替班律师。"))])
    reason = StringField(_l("替班原因"), filters=[clean_text],
                         validators=[DataRequired(message=_l("请写明替班原因。")),
                                     Length(max=200, message=_l("不超过%(n)d个字。", n=200)), *TEXT_CHECKS])
    submit = SubmitField(_l("下一步"))
    # On the confirmation page: only "confirm" changes anything; "back" shows the form again as it was typed.
    confirm = SubmitField(_l("确认替班"))
    back = SubmitField(_l("返回修改"))


class HolidayForm(BaseForm):
    """Days off from a regional notice (肉孜节, 古尔邦节) or a local closure."""

    first = LocalDateField(_l("第一天"), validators=[DataRequired(message=_l("请填写第一天，格式如 2026-03-20。"))])
    last = LocalDateField(_l("最后一天"), validators=[DataRequired(message=_l("请填写最后一天，格式如 2026-03-22。"))])
    name = StringField(_l("名称"), filters=[clean_text],
                       validators=[DataRequired(message=_l("请填写名称，如：肉孜节。")),
                                   Length(max=60, message=_l("不超过%(n)d个字。", n=60)), *TEXT_CHECKS])
    scope = ChoiceField(_l("范围"), validate_choice=True)
    unit_id = ChoiceField(_l("单位（本地停休时选择）"), coerce=coerce_id, validate_choice=True)
    source = StringField(_l("依据（文件名称或文号）"), filters=[clean_text],
                         validators=[Optional(), Length(max=30, message=_l("不超过%(n)d个字。", n=30)), *TEXT_CHECKS])
    submit = SubmitField(_l("登记"))


class ExtraSessionForm(BaseForm):
    """An extra session: evening/weekend clinic, mobile clinic, home visit, lecture."""

    extra_kind = ChoiceField(_l("服务类型"), validate_choice=True)
    point_id = ChoiceField(_l("服务点"), coerce=coerce_id, validate_choice=True)
    on = LocalDateField(_l("日期"), validators=[DataRequired(message=_l("请填写日期，格式如 2026-12-01。"))])
    starts_at = TimeField(_l("开始时间"), validators=[DataRequired(message=_l("请填写时间，格式如 19:00。"))])
    ends_at = TimeField(_l("结束时间"), validators=[DataRequired(message=_l("请填写时间，格式如 21:00。"))])
    lawyer_id = ChoiceField(_l("律师"), coerce=coerce_id, validate_choice=True, widget=GroupedSelect())
    place = StringField(_l("地点（上门服务写明住址）"), filters=[clean_text],
                        validators=[Optional(), Length(max=100, message=_l("不超过%(n)d个字。", n=100)), *TEXT_CHECKS])
    submit = SubmitField(_l("保存"))


class SwapForm(ActionForm):
    """Exchange days with another lawyer's session at the same station."""

    other_id = ChoiceField(_l("和哪一天互换"), coerce=coerce_id, validate_choice=True)
    reason = StringField(_l("原因"), filters=[clean_text],
                         validators=[Optional(), Length(max=200, message=_l("不超过%(n)d个字。", n=200)), *TEXT_CHECKS])
    submit = SubmitField(_l("互换"))


class RuleForm(BaseForm):
    """A station's weekly rule or a studio's monthly rule."""

    weekday = ChoiceField(_l("星期"), coerce=int, validate_choice=True)
    day_of_month = ChoiceField(_l("建议来村日（律师可另提日期）"), coerce=int, validate_choice=True)
    starts_at = TimeField(_l("开始时间"), validators=[DataRequired(message=_l("请填写时间，格式如 19:00。"))])
    ends_at = TimeField(_l("结束时间"), validators=[DataRequired(message=_l("请填写时间，格式如 21:00。"))])
    holiday_policy = ChoiceField(_l("遇节假日"), validate_choice=True)
    valid_from = LocalDateField(_l("开始日期"),
                                validators=[DataRequired(message=_l("请填写开始日期，格式如 2026-12-01。"))])
    submit = SubmitField(_l("保存"))
