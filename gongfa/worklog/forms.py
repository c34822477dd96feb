"""Work-log forms: the entry (phone-first), countersign, amendment."""

from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gongfa.i18n import _l
from gongfa.org.forms import coerce_id
from gongfa.web.forms import (
    BaseForm,
    ChoiceField,
    FormTokenField,
    LocalDateField,
    LocalRadioField,
    LocalTimeField,
    clean_text,
    no_bidi_controls,
    no_control_chars,
)
from gongfa.worklog.models import Category, Mode, Referral
from gongfa.worklog.services import AMENDABLE, AMENDABLE_TITLES

TEXT = [no_bidi_controls, no_control_chars]


def _limit(n: int):
    return Length(max=n, message=_l("不超过%(n)d个字。", n=n))


class EntryForm(BaseForm):
    """One service: when, where, for whom, how, what, with what result."""

    point_id = ChoiceField(_l("服务的村（社区）或工作站"), coerce=coerce_id, validate_choice=True)
    served_on = LocalDateField(_l("日期"), validators=[DataRequired(message=_l("请填写日期。"))])
    starts_at = LocalTimeField(_l("开始时间"), validators=[DataRequired(message=_l("请填写时间，格式如 10:00。"))])
    ends_at = LocalTimeField(_l("结束时间"), validators=[DataRequired(message=_l("请填写时间，格式如 12:00。"))])
    place = StringField(_l("地点"), filters=[clean_text], validators=[Optional(), _limit(100), *TEXT])
    persons = StringField(_l("服务对象"), filters=[clean_text],
                          validators=[DataRequired(message=_l("请写明服务对象（姓名或单位）。")), _limit(300), *TEXT])
    mode = LocalRadioField(_l("服务方式"), choices=Mode.choices, default=Mode.ON_SITE.value)
    category = ChoiceField(_l("服务类别"), choices=Category.choices, validate_choice=True)
    content = TextAreaField(_l("事由及内容摘要"), filters=[clean_text],
                            validators=[DataRequired(message=_l("请写下服务内容。")), _limit(3000), *TEXT])
    result = TextAreaField(_l("处理意见及结果"), filters=[clean_text], validators=[Optional(), _limit(3000), *TEXT])
    referral = ChoiceField(_l("转交"), choices=Referral.choices, validate_choice=True)
    session_id = HiddenField()
    form_token = FormTokenField()
    version = HiddenField()
    draft = SubmitField(_l("存为草稿"))
    submit = SubmitField(_l("提交"))


class AmendForm(BaseForm):
    """A correction to a countersigned entry."""

    field = ChoiceField(_l("更正哪一项"), choices=[(f, AMENDABLE_TITLES[f]) for f in AMENDABLE], validate_choice=True)
    new_value = TextAreaField(_l("更正后的内容"), filters=[clean_text],
                              validators=[DataRequired(message=_l("请填写更正后的内容。")), _limit(3000), *TEXT])
    reason = StringField(_l("更正原因"), filters=[clean_text],
                         validators=[DataRequired(message=_l("请写明更正原因。")), _limit(300), *TEXT])
    submit = SubmitField(_l("提交更正"))


class SignForm(BaseForm):
    """Countersign, asked on a confirmation page: it carries what was shown there (an entry's version, or a
    visit's entries and versions in ``seen``), so nothing is signed that the signer has not seen."""

    version = HiddenField()
    seen = HiddenField()
    confirm = SubmitField(_l("确认签字"))
