"""Mediation forms: intake with both parties, the steps of the case, follow-up, rating."""

from wtforms import HiddenField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from gongfa.i18n import _l
from gongfa.mediation import codes
from gongfa.mediation.models import AgreementKind, CaseSource
from gongfa.mediation.services import id_number_ok
from gongfa.org.forms import coerce_id
from gongfa.ratings.models import RatingValue
from gongfa.web.forms import (
    BaseForm,
    ChoiceField,
    LocalDateField,
    LocalIntegerField,
    LocalRadioField,
    clean_digits,
    clean_name,
    clean_text,
    no_bidi_controls,
    no_control_chars,
    person_name,
    phone_number,
)

TEXT = [no_bidi_controls, no_control_chars]
GENDERS = [("", "—"), ("male", _l("男")), ("female", _l("女"))]


def _pick(pairs):
    """Choices of a coded list, titled in the reader's language when the form is drawn."""
    return lambda: [("", "—"), *[(code, str(title)) for code, title in pairs]]


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def id_number(_form, field):
    """A resident identity card number with a correct check character."""
    if field.data and not id_number_ok(field.data):
        raise ValidationError(_l("身份证号码不对：应为18位，最后一位是数字或X，请核对。"))


def _limit(n: int):
    return Length(max=n, message=_l("不超过%(n)d个字。", n=n))


def _party(prefix: str, required: bool) -> dict:
    """The fields of one party, prefixed ``a_`` (applicant) or ``r_`` (respondent)."""
    name_checks = [DataRequired(message=_l("请填写姓名。"))] if required else [Optional()]
    return {
        f"{prefix}_name": StringField(_l("姓名"), filters=[clean_name],
                                      validators=[*name_checks, _limit(100), *TEXT, person_name]),
        # i18n: the party's name written in Uyghur or Kazakh (Arabic script) or Mongolian, beside the ID-card name
        f"{prefix}_name_native": StringField(_l("本民族文字姓名"), filters=[clean_name],
                                             validators=[Optional(), _limit(100), *TEXT, person_name]),
        # i18n: the language the party reads the agreement and case file in
        f"{prefix}_language": ChoiceField(_l("文书语言"), choices=lambda: [(c, str(t)) for c, t in codes.DOC_LANGUAGES],
                                          default="zh_Hans", validate_choice=True),
        f"{prefix}_gender": ChoiceField(_l("性别"), choices=GENDERS, validate_choice=True),
        f"{prefix}_ethnicity": ChoiceField(_l("民族"), choices=_pick(codes.ETHNICITIES), validate_choice=True),
        f"{prefix}_age": LocalIntegerField(_l("年龄"), validators=[
            Optional(), NumberRange(min=0, max=120, message=_l("请填写0到120之间的整数。"))]),
        f"{prefix}_occupation": ChoiceField(_l("职业或职务"), choices=_pick(codes.OCCUPATIONS), validate_choice=True),
        f"{prefix}_phone": StringField(_l("联系电话"), filters=[clean_digits],
                                       validators=[Optional(), Length(max=20, message=_l("电话号码太长。")),
                                                   phone_number]),
        f"{prefix}_address": StringField(_l("单位或住址"), filters=[clean_text],
                                         validators=[Optional(), _limit(150), *TEXT]),
        f"{prefix}_id_number": StringField(_l("身份证号码"), filters=[clean_digits, _upper],
                                           validators=[Optional(), Length(max=18, message=_l("身份证号码是18位。")),
                                                       id_number]),
    }


class _CaseBase(BaseForm):
    point_id = ChoiceField(_l("人民调解委员会"), coerce=coerce_id, validate_choice=True)
    source = ChoiceField(_l("案件来源"), choices=CaseSource.choices, validate_choice=True)
    category = ChoiceField(_l("纠纷类型"), validate_choice=True)
    applied_on = LocalDateField(_l("申请（登记）日期"), validators=[DataRequired(message=_l("请填写日期。"))])
    summary = TextAreaField(_l("纠纷简要情况"), filters=[clean_text],
                            validators=[DataRequired(message=_l("请简要写明纠纷情况。")), _limit(2000), *TEXT])
    requests = TextAreaField(_l("当事人申请事项"), filters=[clean_text], validators=[Optional(), _limit(1000), *TEXT])
    booking_id = HiddenField()
    submit = SubmitField(_l("登记案件"))


CaseForm = type("CaseForm", (_CaseBase,), {**_party("a", True), **_party("r", True)})


class ReasonForm(BaseForm):
    """Refusal or termination, with why, on a page of its own: only its confirm button ends the case."""

    reason = TextAreaField(_l("原因"), filters=[clean_text],
                           validators=[DataRequired(message=_l("请写明原因。")), _limit(300), *TEXT])
    version = HiddenField()
    confirm = SubmitField(_l("确定"))


class RefuseForm(ReasonForm):
    """A party refuses mediation (人民调解法 Art. 17): the case ends."""

    reason = TextAreaField(_l("拒绝调解的一方和原因"), filters=[clean_text],
                           validators=[DataRequired(message=_l("请写明哪一方拒绝调解，以及原因。")), _limit(300),
                                       *TEXT])
    confirm = SubmitField(_l("确认：一方拒绝调解，案件结束"))


class TerminateForm(ReasonForm):
    """Mediation failed (Art. 26): it is terminated and the parties are told the other routes."""

    reason = TextAreaField(_l("调解不成的原因"), filters=[clean_text],
                           validators=[DataRequired(message=_l("请写明调解不成的原因。")), _limit(300), *TEXT])
    confirm = SubmitField(_l("确认终止调解"))


class RecordForm(BaseForm):
    """One mediation session's record."""

    held_on = LocalDateField(_l("调解日期"), validators=[DataRequired(message=_l("请填写日期。"))])
    place = StringField(_l("地点"), filters=[clean_text], validators=[Optional(), _limit(100), *TEXT])
    present = StringField(_l("参加人"), filters=[clean_text], validators=[Optional(), _limit(300), *TEXT])
    content = TextAreaField(_l("调解情况"), filters=[clean_text],
                            validators=[DataRequired(message=_l("请写下调解情况。")), _limit(5000), *TEXT])
    # i18n: the same record in the language a party chose (Uyghur or Kazakh), for the bilingual case file
    content_alt = TextAreaField(_l("调解情况（当事人语言译文）"), filters=[clean_text],
                                validators=[Optional(), _limit(5000), *TEXT])
    version = HiddenField()
    submit = SubmitField(_l("保存记录"))


class AgreementForm(BaseForm):
    """The agreement (Art. 28–30)."""

    kind = LocalRadioField(_l("协议形式"), choices=AgreementKind.choices, default=AgreementKind.WRITTEN.value)
    facts = TextAreaField(_l("纠纷主要事实、争议事项及各方责任"), filters=[clean_text],
                          validators=[DataRequired(message=_l("请填写纠纷事实和各方责任。")), _limit(3000), *TEXT])
    clauses = TextAreaField(_l("协议内容（每条一行）"), filters=[clean_text],
                            validators=[DataRequired(message=_l("请写下协议内容，每条一行。")), _limit(3000), *TEXT])
    facts_alt = TextAreaField(_l("纠纷主要事实、争议事项及各方责任（当事人语言译文）"), filters=[clean_text],
                              validators=[Optional(), _limit(3000), *TEXT])
    clauses_alt = TextAreaField(_l("协议内容（当事人语言译文，与中文逐条对应，每条一行）"), filters=[clean_text],
                                validators=[Optional(), _limit(3000), *TEXT])
    performance = ChoiceField(_l("履行方式"), choices=_pick(codes.PERFORMANCE_METHODS), validate_choice=True)
    due = LocalDateField(_l("履行期限"), validators=[Optional()])
    effective_on = LocalDateField(_l("协议生效日期（各方签名、盖章之日；口头协议为达成之日）"),
                                  validators=[DataRequired(message=_l("请填写日期。"))])
    version = HiddenField()
    submit = SubmitField(_l("保存协议"))


class DateForm(BaseForm):
    """A step that needs a date (performed)."""

    on = LocalDateField(_l("日期"), validators=[DataRequired(message=_l("请填写日期。"))])
    version = HiddenField()
    submit = SubmitField(_l("确定"))


class FollowUpForm(BaseForm):
    """What the follow-up visit found."""

    done_on = LocalDateField(_l("回访日期"), validators=[DataRequired(message=_l("请填写日期。"))])
    content = TextAreaField(_l("回访情况（协议履行情况、当事人满意程度、有无反复）"), filters=[clean_text],
                            validators=[DataRequired(message=_l("请写下回访情况。")), _limit(3000), *TEXT])
    version = HiddenField()
    submit = SubmitField(_l("保存回访记录"))


class CaseActionForm(BaseForm):
    """A one-button step (accept, close) carrying the version seen."""

    mediator_id = ChoiceField(_l("人民调解员"), coerce=coerce_id, validate_choice=False)
    version = HiddenField()
    submit = SubmitField(_l("确定"))


class CaseRateForm(BaseForm):
    """一事一评 of a closed case, written down by staff."""

    value = LocalRadioField(_l("当事人对这次调解满意吗？"), choices=RatingValue.choices)
    comment = StringField(_l("意见或建议（选填）"), filters=[clean_text], validators=[Optional(), _limit(200), *TEXT])
    submit = SubmitField(_l("记录评价"))
