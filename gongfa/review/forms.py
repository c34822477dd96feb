"""The audit page's search form (GET: a search changes nothing, so it carries no CSRF token)."""

from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from gongfa.i18n import _l
from gongfa.review.readable import ACTION_TITLES, OBJECT_TITLES
from gongfa.web.forms import (
    BaseForm,
    ChoiceField,
    LocalDateField,
    LocalIntegerField,
    clean_digits,
    clean_text,
    no_bidi_controls,
    no_control_chars,
)
from gongfa.web.rendering import paren_text


class AuditSearchForm(BaseForm):
    """Who, which record, what, when; and a number's digest (set by ``NumberCheckForm``)."""

    class Meta:
        csrf = False

    person = StringField(_l("人员（用户名或姓名）"), filters=[clean_text],
                         validators=[Optional(), Length(max=100, message=_l("不超过%(n)d个字。", n=100)),
                                     no_bidi_controls, no_control_chars])
    object_type = ChoiceField(_l("对象类别"), validate_choice=True)
    object_id = LocalIntegerField(_l("对象编号"), validators=[Optional()])
    action = ChoiceField(_l("操作"), validate_choice=True)
    date_from = LocalDateField(_l("起始日期"), validators=[Optional()])
    date_to = LocalDateField(_l("截止日期"), validators=[Optional()])
    digest = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{16}$",
                                                        message=_l("号码摘要不对，请重新核对号码。"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.object_type.choices = [("", _l("全部")), *OBJECT_TITLES.items()]
        self.action.choices = [("", _l("全部"))] + [(k, f"{v}{paren_text(k)}") for k, v in ACTION_TITLES.items()]

    def validate_object_id(self, field):
        """An object number is a positive whole number."""
        if field.data is not None and field.data < 1:
            raise ValidationError(_l("请填写正整数。"))

    def validate_date_to(self, field):
        """The period ends on or after its first day."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("截止日期不能早于起始日期。"))

    def filters(self) -> dict:
        """The valid search terms, as keyword arguments for ``services.search``."""
        return {"person": self.person.data or "", "object_type": self.object_type.data or "",
                "object_id": self.object_id.data, "action": self.action.data or "",
                "date_from": self.date_from.data, "date_to": self.date_to.data, "digest": self.digest.data or ""}


class NumberCheckForm(BaseForm):
    """"Was this number involved?": sent by POST, so the full number never sits in an address or a log."""

    number = StringField(_l("手机号、身份证号或预约码"), filters=[clean_digits],
                         validators=[DataRequired(message=_l("请填写要核对的号码。")),
                                     Length(min=4, max=30, message=_l("请填写4到30位号码。")),
                                     no_bidi_controls, no_control_chars])
    submit = SubmitField(_l("核对"))
