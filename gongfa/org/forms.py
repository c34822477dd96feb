"""Forms for units, service points, law firms, assignments and imports."""

from babel.dates import get_day_names
from flask_babel import LazyString
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from gongfa.i18n import _l
from gongfa.org.hours import DAY_KEYS, HoursError, OpeningHours, parse_periods
from gongfa.org.models import AssignmentKind, UnitLevel
from gongfa.web.forms import (
    BaseForm,
    ChoiceField,
    GroupedSelect,
    LocalDateField,
    clean_digits,
    clean_name,
    clean_text,
    no_bidi_controls,
    no_control_chars,
    phone_number,
)
from gongfa.web.rendering import current_locale_code

NAME_CHECKS = [no_bidi_controls, no_control_chars]


def _name(label, required=False, max_len=100):
    validators = [DataRequired(message=_l("请填写%(label)s。", label=label))] if required else [Optional()]
    return StringField(label, filters=[clean_name],
                       validators=[*validators, Length(max=max_len, message=_l("不超过%(n)d个字。", n=max_len)),
                                   *NAME_CHECKS])


def coerce_id(value):
    """Select values: an int id, or None for the empty choice (never a 500 on junk)."""
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return -1  # not among the choices: "Not a valid choice"


class UnitForm(BaseForm):
    """Create or edit an administrative unit."""

    code = StringField(_l("区划代码"), filters=[clean_digits],
                       validators=[DataRequired(message=_l("请填写区划代码。")),
                                   Regexp(r"^\d{6}(\d{3}(\d{3})?)?$",
                                          message=_l("区划代码是6位（县）、9位（乡镇）或12位（村）数字。"))])
    level = ChoiceField(_l("层级"), choices=UnitLevel.choices,
                        validate_choice=True)
    parent_id = ChoiceField(_l("上级单位"), coerce=coerce_id, validate_choice=True)
    kind = StringField(_l("类型"), filters=[clean_text],
                       validators=[Optional(), Length(max=20, message=_l("不超过%(n)d个字。", n=20)), *NAME_CHECKS])
    name_zh = _name(_l("中文名称"), required=True)
    name_ug = _name(_l("维吾尔文名称"), max_len=150)
    name_kk = _name(_l("哈萨克文名称"), max_len=150)
    is_xpcc = BooleanField(_l("兵团单位（不由本局管理）"))
    is_active = BooleanField(_l("在用"), default=True)
    submit = SubmitField(_l("保存"))

    def validate_code(self, field):
        """The code's length must match the level."""
        expected = {"prefecture": 6, "county": 6, "township": 9, "village": 12}.get(self.level.data)
        if expected and field.data and len(field.data) != expected:
            raise ValidationError(_l("这个层级的区划代码应为%(n)d位数字。", n=expected))


def _day_name(day: int):
    return LazyString(lambda: get_day_names("wide", context="stand-alone", locale=current_locale_code())[day])


def _valid_periods(form, field):
    try:
        parse_periods(field.data or "")
    except HoursError as error:
        raise ValidationError(error.message) from None


def _day_field(day: int) -> StringField:
    return StringField(_day_name(day), filters=[clean_text],
                       validators=[Optional(), Length(max=100, message=_l("不超过%(n)d个字。", n=100)),
                                   _valid_periods])


# What residents read about a point, per language: (field suffix, HTML lang, dir). The Chinese is the bare
# field name (the source text); the officer types Uyghur and Kazakh right to left.
POINT_TEXT_LANGUAGES = (("", "zh-Hans", "ltr"), ("_ug", "ug", "rtl"), ("_kk", "kk-Arab", "rtl"))
POINT_TEXTS = ("address", "description", "services")


def _point_text(label, max_len: int, lang: str, multiline: bool = False):
    field_class = TextAreaField if multiline else StringField
    return field_class(label, filters=[clean_text], render_kw={"lang": lang},
                       validators=[Optional(), Length(max=max_len, message=_l("不超过%(n)d个字。", n=max_len)),
                                   *NAME_CHECKS])


def point_text_fields(form) -> dict[str, str]:
    """The nine text values of a PointForm (address, description, services × zh/ug/kk), "" when empty."""
    return {f"{base}{suffix}": getattr(form, f"{base}{suffix}").data or ""
            for base in POINT_TEXTS for suffix, _lang, _dir in POINT_TEXT_LANGUAGES}


class _PointContact(BaseForm):
    """A point's phone and opening hours (first on the point form)."""

    phone = StringField(_l("对外联系电话"), filters=[clean_digits],
                        validators=[Optional(), Length(max=20, message=_l("电话号码太长。")), phone_number])
    # One line per weekday (CLDR names in the reader's language): its periods, "10:00-14:00 16:00-20:00",
    # empty when closed. Plain text inputs: no JavaScript, nothing to learn on an old village PC.
    hours_mon = _day_field(0)
    hours_tue = _day_field(1)
    hours_wed = _day_field(2)
    hours_thu = _day_field(3)
    hours_fri = _day_field(4)
    hours_sat = _day_field(5)
    hours_sun = _day_field(6)
    hours_note = StringField(_l("办公时间备注"), filters=[clean_text],
                             validators=[Optional(), Length(max=100, message=_l("不超过%(n)d个字。", n=100)),
                                         *NAME_CHECKS])


class PointTextsForm(BaseForm):
    """What residents read about a point in three languages: the point form's texts and a row of the
    .xlsx template's 服务点 sheet."""

    # The Chinese address keeps its 200 characters; Arabic script needs more for the same address.
    address = _point_text(_l("地址（汉文）"), 200, "zh-Hans")
    address_ug = _point_text(_l("地址（维吾尔文）"), 300, "ug")
    address_kk = _point_text(_l("地址（哈萨克文）"), 300, "kk-Arab")
    description = _point_text(_l("简介（汉文）"), 300, "zh-Hans", multiline=True)
    description_ug = _point_text(_l("简介（维吾尔文）"), 500, "ug", multiline=True)
    description_kk = _point_text(_l("简介（哈萨克文）"), 500, "kk-Arab", multiline=True)
    services = _point_text(_l("提供的服务（汉文，每行一项）"), 300, "zh-Hans", multiline=True)
    services_ug = _point_text(_l("提供的服务（维吾尔文，每行一项）"), 500, "ug", multiline=True)
    services_kk = _point_text(_l("提供的服务（哈萨克文，每行一项）"), 500, "kk-Arab", multiline=True)


class PointForm(_PointContact, PointTextsForm):
    """A station's or studio's public contact details, and what residents read about it in three languages.

    Fields in page order (WTForms orders them by creation): phone and hours, the texts, then the rest."""

    is_active = BooleanField(_l("在用"), default=True)
    submit = SubmitField(_l("保存"))

    def day_fields(self):
        """The seven weekday fields, Monday first."""
        return [self[f"hours_{key}"] for key in DAY_KEYS]

    def fill_hours(self, hours: OpeningHours) -> None:
        """Show stored hours in the day fields (a GET of the form)."""
        for f, periods in zip(self.day_fields(), hours.days, strict=True):
            f.data = " ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in periods)

    def opening_hours(self) -> OpeningHours:
        """The validated day fields as data."""
        return OpeningHours(tuple(parse_periods(f.data or "") for f in self.day_fields()))


class FirmForm(BaseForm):
    """A law firm."""

    name_zh = _name(_l("中文名称"), required=True)
    name_ug = _name(_l("维吾尔文名称"), max_len=150)
    name_kk = _name(_l("哈萨克文名称"), max_len=150)
    county_id = ChoiceField(_l("所在县（市）"), coerce=coerce_id, validate_choice=True)
    licence_no = StringField(_l("执业许可证号"), filters=[clean_digits],
                             validators=[Optional(), Length(max=30, message=_l("不超过%(n)d个字。", n=30)),
                                         *NAME_CHECKS])
    phone = StringField(_l("联系电话"), filters=[clean_digits],
                        validators=[Optional(), Length(max=20, message=_l("电话号码太长。")), phone_number])
    address = StringField(_l("地址"), filters=[clean_text],
                          validators=[Optional(), Length(max=200, message=_l("不超过%(n)d个字。", n=200)),
                                      *NAME_CHECKS])
    is_active = BooleanField(_l("在用"), default=True)
    submit = SubmitField(_l("保存"))


class AssignmentForm(BaseForm):
    """Assign a firm to a township or a lawyer to a village."""

    kind = ChoiceField(_l("安排类型"), choices=AssignmentKind.choices, validate_choice=True)
    unit_id = ChoiceField(_l("乡镇或村（社区）"), coerce=coerce_id, validate_choice=True)
    law_firm_id = ChoiceField(_l("律师事务所"), coerce=coerce_id, validate_choice=True)
    lawyer_id = ChoiceField(_l("律师"), coerce=coerce_id, validate_choice=True, widget=GroupedSelect())
    starts_on = LocalDateField(_l("开始日期"),
                               validators=[DataRequired(message=_l("请填写开始日期，格式如 2026-12-01。"))])
    ends_on = LocalDateField(_l("结束日期（可不填）"), validators=[Optional()])
    note = StringField(_l("备注"), filters=[clean_text],
                       validators=[Optional(), Length(max=200, message=_l("不超过%(n)d个字。", n=200)),
                                   *NAME_CHECKS])
    submit = SubmitField(_l("保存"))


class EndForm(BaseForm):
    """End an assignment or membership on a date."""

    ends_on = LocalDateField(_l("结束日期"),
                             validators=[DataRequired(message=_l("请填写结束日期，格式如 2026-12-01。"))])
    submit = SubmitField(_l("结束"))


class ImportForm(BaseForm):
    """Upload a filled-in import template."""

    file = FileField(_l("Excel 文件（.xlsx）"),
                     validators=[FileRequired(message=_l("请选择要导入的文件。")),
                                 FileAllowed(["xlsx"], message=_l("只能导入 .xlsx 文件（请用本系统提供的模板）。"))])
    submit = SubmitField(_l("检查并导入"))
