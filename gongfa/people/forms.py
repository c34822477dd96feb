"""Forms for staff accounts and memberships."""

from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from gongfa.i18n import _l
from gongfa.org.forms import coerce_id
from gongfa.people.models import NameLang, Position, Role
from gongfa.people.passwords import password_policy
from gongfa.web.forms import (
    BaseForm,
    ChoiceField,
    LocalDateField,
    clean_digits,
    clean_name,
    lower,
    no_bidi_controls,
    no_control_chars,
    person_name,
    phone_number,
    username_chars,
)
from gongfa.web.langtext import script_of


def native_lang_choices() -> list[tuple[str, str]]:
    """The native name's language, or "" to tell it by its letters (``guess_native_lang``)."""
    return [("", str(_l("按字母自动判断"))), *NameLang.choices()]


def native_script(_form, field):
    """A native name is written in Arabic letters (Uyghur or Kazakh), which is what Uyghur and Kazakh pages show."""
    if field.data and script_of(field.data) != "Arab":
        raise ValidationError(_l("本民族文字姓名须用维吾尔文或哈萨克文字母书写。"))


def _position_choices():
    return [("", _l("（无）")), *Position.choices()]


def _position_field() -> ChoiceField:
    return ChoiceField(_l("职务"), choices=_position_choices, validate_choice=True)


def _position_note_field() -> StringField:
    return StringField(_l("其他职务名称（选“其他职务”时填写）"), filters=[clean_name],
                       validators=[Optional(), Length(max=50, message=_l("不超过%(n)d个字。", n=50)),
                                   no_bidi_controls, no_control_chars])


class UserForm(BaseForm):
    """A staff account's details (edit)."""

    full_name = StringField(_l("姓名"), filters=[clean_name],
                            validators=[DataRequired(message=_l("请填写姓名。")),
                                        Length(max=100, message=_l("姓名不超过100个字。")),
                                        no_bidi_controls, no_control_chars, person_name])
    full_name_native = StringField(_l("本民族文字姓名"), filters=[clean_name],
                                   validators=[Optional(), Length(max=150, message=_l("不超过%(n)d个字。", n=150)),
                                               no_bidi_controls, no_control_chars, person_name, native_script])
    native_lang = ChoiceField(_l("本民族文字姓名文种"), choices=native_lang_choices, validate_choice=True)
    phone = StringField(_l("手机号"), filters=[clean_digits],
                        validators=[Optional(), Length(max=20, message=_l("电话号码太长。")), phone_number])
    law_firm_id = ChoiceField(_l("律师事务所（律师填写）"), coerce=coerce_id, validate_choice=True)
    licence_no = StringField(_l("律师执业证号"), filters=[clean_digits],
                             validators=[Optional(), Length(max=30, message=_l("不超过%(n)d个字。", n=30)),
                                         no_bidi_controls, no_control_chars])
    is_active = BooleanField(_l("账号可用"), default=True)
    submit = SubmitField(_l("保存"))


class NewUserForm(UserForm):
    """A new staff account with its first role."""

    username = StringField(_l("用户名"), filters=[lower],
                           validators=[DataRequired(message=_l("请填写用户名。")),
                                       Length(max=40, message=_l("用户名不超过40个字符。")), username_chars])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(message=_l("请填写初始密码。")),
                                                      Length(max=200, message=_l("密码太长。")), password_policy])
    role = ChoiceField(_l("角色"), choices=Role.choices, validate_choice=True)
    point_id = ChoiceField(_l("所在服务点"), coerce=coerce_id, validate_choice=True)
    position = _position_field()
    position_note = _position_note_field()
    starts_on = LocalDateField(_l("开始日期"),
                               validators=[DataRequired(message=_l("请填写开始日期，格式如 2026-12-01。"))])


class MembershipForm(BaseForm):
    """Add a role at a service point."""

    role = ChoiceField(_l("角色"), choices=Role.choices, validate_choice=True)
    point_id = ChoiceField(_l("服务点"), coerce=coerce_id, validate_choice=True)
    position = _position_field()
    position_note = _position_note_field()
    starts_on = LocalDateField(_l("开始日期"),
                               validators=[DataRequired(message=_l("请填写开始日期，格式如 2026-12-01。"))])
    ends_on = LocalDateField(_l("结束日期（可不填）"), validators=[Optional()])
    submit = SubmitField(_l("添加"))


class SetPasswordForm(BaseForm):
    """An administrator sets a new password for someone who forgot theirs."""

    password = PasswordField(_l("新密码"), validators=[DataRequired(message=_l("请输入新密码。")),
                                                    Length(max=200, message=_l("密码太长。")), password_policy])
    submit = SubmitField(_l("设置密码"))
