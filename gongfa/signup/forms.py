"""Sign-up forms: the resident's (public, with a bot trap), staff's walk-in, look-up, rating, slot settings."""

from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from gongfa.i18n import LOCALES, _l
from gongfa.org.forms import coerce_id
from gongfa.ratings.models import RatingValue
from gongfa.signup.models import BookingKind
from gongfa.web.forms import (
    BaseForm,
    ChoiceField,
    FormTokenField,
    LocalIntegerField,
    LocalRadioField,
    clean_digits,
    clean_name,
    clean_text,
    mobile_number,
    no_bidi_controls,
    no_control_chars,
    person_name,
)

NAME_CHECKS = [DataRequired(message=_l("请填写姓名。")), Length(max=100, message=_l("姓名不超过100个字。")),
               no_bidi_controls, no_control_chars, person_name]
TEXT_CHECKS = [no_bidi_controls, no_control_chars]


def language_choices() -> list[tuple[str, str]]:
    """The three languages, each in its own script."""
    return [(code, info.native_name) for code, info in LOCALES.items()]


class BookingForm(BaseForm):
    """A resident's sign-up; staff use it too (then no bot trap applies)."""

    slot = LocalRadioField(_l("时段（北京时间）"))
    name = StringField(_l("姓名"), filters=[clean_name], validators=NAME_CHECKS)
    phone = StringField(_l("手机号"), filters=[clean_digits],
                        validators=[DataRequired(message=_l("请填写手机号，取消预约时要用后四位。")),
                                    Length(max=20, message=_l("电话号码太长。")), mobile_number])
    village_id = ChoiceField(_l("所在村（社区）"), coerce=coerce_id, validate_choice=True)
    language = ChoiceField(_l("希望使用的语言"), choices=language_choices, validate_choice=True)
    kind = LocalRadioField(_l("办理事项"), choices=BookingKind.choices, default=BookingKind.CONSULTATION.value)
    description = TextAreaField(_l("简要说明（选填）"), filters=[clean_text],
                                validators=[Optional(), Length(max=300, message=_l("不超过%(n)d个字。", n=300)),
                                            *TEXT_CHECKS])
    # Bot trap: hidden from people (CSS and aria-hidden), filled in by form-filling robots.
    website = StringField(_l("请不要填写此项"), validators=[Optional()])
    form_token = FormTokenField()
    submit = SubmitField(_l("提交预约"))


class WalkInForm(BaseForm):
    """A resident who came without booking, recorded into the session by staff."""

    name = StringField(_l("姓名"), filters=[clean_name], validators=NAME_CHECKS)
    phone = StringField(_l("手机号（选填）"), filters=[clean_digits],
                        validators=[Optional(), Length(max=20, message=_l("电话号码太长。")), mobile_number])
    village_id = ChoiceField(_l("所在村（社区）"), coerce=coerce_id, validate_choice=True)
    language = ChoiceField(_l("希望使用的语言"), choices=language_choices, validate_choice=True)
    kind = LocalRadioField(_l("办理事项"), choices=BookingKind.choices, default=BookingKind.CONSULTATION.value)
    description = TextAreaField(_l("简要说明（选填）"), filters=[clean_text],
                                validators=[Optional(), Length(max=300, message=_l("不超过%(n)d个字。", n=300)),
                                            *TEXT_CHECKS])
    form_token = FormTokenField()
    submit = SubmitField(_l("登记来访"))


class FindForm(BaseForm):
    """Look a booking up by its code and the phone number's last four digits."""

    code = StringField(_l("预约码"), filters=[clean_digits],
                       validators=[DataRequired(message=_l("请填写预约码。")),
                                   Regexp(r"^\d{6}$", message=_l("预约码是6位数字。"))])
    tail = StringField(_l("手机号后四位"), filters=[clean_digits],
                       validators=[DataRequired(message=_l("请填写手机号后四位。")),
                                   Regexp(r"^\d{4}$", message=_l("请填写4位数字。"))])
    submit = SubmitField(_l("查询"))


class RateForm(BaseForm):
    """一事一评."""

    value = LocalRadioField(_l("您对这次服务满意吗？"), choices=RatingValue.choices)
    comment = TextAreaField(_l("意见或建议（选填）"), filters=[clean_text],
                            validators=[Optional(), Length(max=200, message=_l("不超过%(n)d个字。", n=200)),
                                        *TEXT_CHECKS])
    submit = SubmitField(_l("提交评价"))


class SlotSettingsForm(BaseForm):
    """Slot length and people per slot of one session."""

    slot_minutes = LocalIntegerField(_l("每个时段（分钟，0 表示不接受预约）"),
                                validators=[InputRequired(message=_l("请填写分钟数。")),
                                            NumberRange(min=0, max=240, message=_l("请填写0到240之间的整数。"))])
    slot_capacity = LocalIntegerField(_l("每个时段人数"),
                                 validators=[InputRequired(message=_l("请填写人数。")),
                                             NumberRange(min=1, max=50, message=_l("请填写1到50之间的整数。"))])
    submit = SubmitField(_l("保存"))


class EmptyForm(BaseForm):
    """A button: CSRF only."""

    submit = SubmitField(_l("确定"))


class CancelForm(BaseForm):
    """The question before a booking is cancelled: only its confirm button cancels (the place goes to the next
    person waiting, which cannot be undone)."""

    confirm = SubmitField(_l("确认取消预约"))
