"""Audit events as people read them: actions, objects and fields by name, values masked, never raw JSON."""

import json
import re
from dataclasses import dataclass

from gongfa.audit.masking import is_masked
from gongfa.i18n import _l

# i18n: what happened, as the audit page lists it (the code stays visible next to it).
ACTION_TITLES = {
    "login": _l("登录"),
    "login.failed": _l("登录失败"),
    "login.locked": _l("账号被锁定"),
    "logout": _l("退出登录"),
    "user.create": _l("新建账号"),
    "user.update": _l("修改账号"),
    "user.password": _l("设置密码"),
    "user.locale": _l("更改界面语言"),
    "user.feed_renew": _l("更换日历订阅地址"),
    "membership.create": _l("安排岗位"),
    "membership.end": _l("结束岗位"),
    "unit.create": _l("新建单位"),
    "unit.update": _l("修改单位"),
    "point.update": _l("修改服务点"),
    "firm.create": _l("新建律师事务所"),
    "firm.update": _l("修改律师事务所"),
    "assignment.create": _l("新建对接安排"),
    "assignment.end": _l("结束对接安排"),
    "holiday.create": _l("登记节假日"),
    "holiday.sync": _l("导入法定节假日"),
    "rule.create": _l("新建值班规则"),
    "rule.update": _l("修改值班规则"),
    "sessions.generate": _l("生成值班"),
    "session.extra": _l("新增值班"),
    "session.accept": _l("律师确认值班"),
    "session.decline": _l("律师无法到岗"),
    "session.propose": _l("提议来村日期"),
    "session.check_in": _l("签到"),
    "session.check_out": _l("签退"),
    "session.countersign": _l("确认值班已完成"),
    "session.substitute": _l("安排代班"),
    "session.swap": _l("调换值班"),
    "session.missed": _l("记为未到岗"),
    "session.slots": _l("修改预约时段"),
    "booking.create": _l("预约"),
    "booking.promote": _l("候补转为预约"),
    "booking.cancel": _l("取消预约"),
    "booking.attended": _l("记为已到"),
    "booking.no_show": _l("记为未到"),
    "booking.reveal_phone": _l("查看完整手机号"),
    "rating.create": _l("评价"),
    "mediation.open": _l("登记调解申请"),
    "mediation.accept": _l("受理调解"),
    "mediation.refused": _l("不予调解"),
    "mediation.record": _l("开始调解"),
    "mediation.record.add": _l("填写调解记录"),
    "mediation.agreement": _l("达成调解协议"),
    "mediation.terminate": _l("终止调解"),
    "mediation.performed": _l("协议已履行"),
    "mediation.follow_up.plan": _l("安排回访"),
    "mediation.follow_up": _l("回访"),
    "mediation.follow_up.done": _l("填写回访记录"),
    "mediation.close": _l("结案"),
    "mediation.reveal": _l("查看当事人完整号码"),
    "worklog.create": _l("填写工作日志"),
    "worklog.update": _l("修改工作日志"),
    "worklog.countersign": _l("签字确认工作日志"),
    "worklog.amend": _l("更正工作日志"),
    "ledger.print": _l("打印台账"),
    "ledger.submit": _l("报送季度台账"),
    "ledger.draw": _l("抽查抽签"),
    "audit.export": _l("导出审计日志"),
    "audit.prune": _l("清理过期审计日志"),
}

# i18n: the kinds of record an audit event is about.
OBJECT_TITLES = {
    "users": _l("账号"),
    "memberships": _l("岗位"),
    "units": _l("单位"),
    "service_points": _l("服务点"),
    "law_firms": _l("律师事务所"),
    "assignments": _l("对接安排"),
    "holidays": _l("节假日"),
    "duty_rules": _l("值班规则"),
    "duty_sessions": _l("值班"),
    "bookings": _l("预约"),
    "ratings": _l("评价"),
    "mediation_cases": _l("调解案件"),
    "mediation_parties": _l("当事人"),
    "mediation_records": _l("调解记录"),
    "mediation_follow_ups": _l("回访"),
    "worklog_entries": _l("工作日志"),
    "worklog_amendments": _l("日志更正"),
    "print_records": _l("打印记录"),
    "quarter_submissions": _l("季度报送"),
    "inspection_draws": _l("抽查"),
    "audit_events": _l("审计日志"),
}

# i18n: field names in an audit event's "before → after"; fields not listed show their code.
FIELD_TITLES = {
    "status": _l("状态"),
    "username": _l("用户名"),
    "full_name": _l("姓名"),
    "full_name_native": _l("本民族文字姓名"),
    "native_lang": _l("本民族文字姓名文种"),
    "name": _l("姓名"),
    "name_zh": _l("名称（汉文）"),
    "name_ug": _l("名称（维吾尔文）"),
    "name_kk": _l("名称（哈萨克文）"),
    "phone": _l("电话"),
    "id_number": _l("身份证号"),
    "address": _l("地址"),
    "code": _l("编码"),
    "ics_token": _l("日历订阅地址"),
    "form_token": _l("表单令牌"),
    "is_active": _l("是否可用"),
    "locale": _l("界面语言"),
    "role": _l("角色"),
    "position": _l("职务"),
    "starts_on": _l("开始日期"),
    "ends_on": _l("结束日期"),
    "on": _l("日期"),
    "starts_at": _l("开始时间"),
    "ends_at": _l("结束时间"),
    "lawyer_id": _l("律师"),
    "kind": _l("类别"),
    "reason": _l("原因"),
    "content": _l("内容"),
    "result": _l("结果"),
    "description": _l("说明"),
    "category": _l("类别"),
    "summary": _l("纠纷简要情况"),
    "comment": _l("评语"),
    "value": _l("评价"),
    "field": _l("字段"),
    "fields": _l("字段"),
    "version": _l("版本"),
    "failed_logins": _l("连续登录失败次数"),
    "locked_until": _l("锁定至"),
    "password_changed_at": _l("密码修改时间"),
    "id": _l("编号"),
    "law_firm_id": _l("律师事务所"),
    "licence_no": _l("执业证号"),
    "unit_id": _l("单位"),
    "point_id": _l("服务点"),
    "parent_id": _l("上级单位"),
    "session_id": _l("值班"),
    "village_id": _l("村（社区）"),
    "created_by_id": _l("登记人"),
    "channel": _l("渠道"),
    "language": _l("语言"),
    "level": _l("层级"),
    "hours": _l("服务时间"),
}

LONG_HEX = re.compile(r"\b[0-9a-f]{24,}\b")


@dataclass
class Change:
    """One field of an event: its title, the value before (None when there was none) and after."""

    field: str
    title: str
    before: str | None
    after: str | None


def action_title(action: str) -> str:
    """The action's name, or its code when it has none yet."""
    return str(ACTION_TITLES[action]) if action in ACTION_TITLES else action


def object_title(object_type: str) -> str:
    """The record kind's name, or its table name."""
    return str(OBJECT_TITLES[object_type]) if object_type in OBJECT_TITLES else object_type


def field_title(field: str) -> str:
    """A field's name, or its code."""
    return str(FIELD_TITLES[field]) if field in FIELD_TITLES else field


def show(value, *, short: bool = True) -> str:
    """A stored value as text: masked numbers as masked, yes/no, lists and objects compact."""
    if value is None or value == "":
        return "—"
    if is_masked(value):
        return value["masked"]
    if value is True:
        return str(_l("是"))
    if value is False:
        return str(_l("否"))
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    # Digests are 64 characters without a break: shortened, they do not push a phone's screen sideways.
    return LONG_HEX.sub(lambda m: m.group(0)[:12] + "…", text) if short else text


def _load(text: str) -> dict:
    try:
        values = json.loads(text) if text else {}
    except ValueError:
        return {"": text}
    return values if isinstance(values, dict) else {"": values}


def changes(before: str, after: str, *, short: bool = True) -> list[Change]:
    """The fields of an event, each with its value before and after (in the order they were stored)."""
    b, a = _load(before), _load(after)
    fields = list(a) + [k for k in b if k not in a]
    return [Change(f, field_title(f), show(b[f], short=short) if f in b else None,
                   show(a[f], short=short) if f in a else None) for f in fields]
