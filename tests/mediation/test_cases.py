"""The mediation case from intake to follow-up (人民调解法), its privacy and its case file."""

import json
import re
from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.models import DutySession, RuleKind
from gongfa.errors import ServiceError
from gongfa.mediation import services
from gongfa.mediation.models import CaseSource, CaseStatus, MediationCase, PartySide
from gongfa.org import services as org
from gongfa.web.rendering import mask_id
from tests.web.test_pdf import pdftotext

NOW = "2026-11-23 09:00:00+08:00"
TODAY = date(2026, 11, 23)


def _valid_id(seed: str) -> str:
    """A well-formed ID number (GB 11643 check character) for tests."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return seed + "10X98765432"[sum(int(d) * w for d, w in zip(seed, weights, strict=True)) % 11]


APPLICANT_ID = _valid_id("65270119850612302")


def _parties():
    return [{"side": PartySide.APPLICANT, "name": "阿依古丽·吐尔逊", "gender": "female", "ethnicity": "05",
             "age": 41, "occupation": "farmer", "phone": "13912340077", "address": "营盘社区3组",
             "id_number": APPLICANT_ID},
            {"side": PartySide.RESPONDENT, "name": "王建国", "gender": "male", "ethnicity": "01", "age": 52,
             "occupation": "self_employed", "phone": "13812345678", "address": "营盘社区4组", "id_number": ""}]


def _open(world, point_key="V1", applied_on=TODAY):
    return services.open_case(point=org.point_of(world.units[point_key]), source=CaseSource.APPLICATION,
                              category="02", summary="两家院墙之间排水沟堵塞，雨水灌进申请人院子。",
                              requests="被申请人清理排水沟，赔偿损失500元", applied_on=applied_on,
                              parties=_parties(), actor=world.users["officer"])


def test_id_numbers_are_checked():
    assert services.id_number_ok(APPLICANT_ID)
    assert not services.id_number_ok(APPLICANT_ID[:-1] + ("0" if APPLICANT_ID[-1] != "0" else "1"))
    assert not services.id_number_ok("652701199002301234")  # 30 February
    assert mask_id(APPLICANT_ID) == APPLICANT_ID[:4] + "**********" + APPLICANT_ID[-4:]


def test_case_numbers_run_per_committee_and_year(world):
    first, second = _open(world), _open(world)
    other = _open(world, "T1")
    next_year = _open(world, applied_on=date(2027, 1, 4))
    assert (first.seq, second.seq, other.seq, next_year.seq) == (1, 2, 1, 1)
    assert first.number == "（2026）营盘社区人调字第1号"
    assert next_year.number == "（2027）营盘社区人调字第1号"


@freeze_time(NOW)
def test_from_application_to_closing_with_agreement_window_and_follow_up_on_the_next_visit(world):
    create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                day_of_month=16)
    generate_all(first=date(2026, 11, 1), weeks=4, months=2)
    officer = world.users["officer"]
    case = _open(world)
    services.accept(case, actor=officer, mediator=world.users["mediator"], version=None, today=TODAY)
    services.add_record(case, held_on=TODAY, place="营盘社区工作室", present="社区网格员", content="双方同意共同清理。",
                        actor=officer, version=None)
    with pytest.raises(ServiceError, match="生效日期"):
        services.record_agreement(case, kind=services.AgreementKind.WRITTEN, facts="排水沟堵塞", clauses="一、清理",
                                  performance="act", due=None, effective_on=TODAY + timedelta(days=1),
                                  actor=officer, version=None, today=TODAY)
    services.record_agreement(case, kind=services.AgreementKind.WRITTEN, facts="排水沟堵塞，被申请人负主要责任",
                              clauses="被申请人于11月30日前清理排水沟\n被申请人赔偿申请人300元",
                              performance="cash", due=date(2026, 11, 30), effective_on=TODAY, actor=officer,
                              version=None, today=TODAY)
    assert case.status == CaseStatus.AGREEMENT and len(case.clauses) == 2
    assert case.judicial_deadline == date(2026, 12, 23) and case.judicial_days_left(TODAY) == 30
    follow = case.follow_ups[0]
    assert follow.session is not None and follow.planned_on == date(2026, 12, 16)  # the next monthly visit
    services.mark_performed(case, on=date(2026, 11, 28), actor=officer, version=None)
    services.record_follow_up(follow, done_on=date(2026, 12, 16), content="已履行，双方满意。", actor=officer,
                              version=None)
    services.close(case, actor=officer, version=None, today=date(2026, 12, 16))
    assert case.status == CaseStatus.CLOSED
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "mediation_cases")))
    assert {"mediation.open", "mediation.accept", "mediation.agreement", "mediation.performed", "mediation.close"} \
        <= actions


def test_a_party_refusing_ends_it_and_a_failed_mediation_names_the_other_routes(world):
    officer = world.users["officer"]
    refused = _open(world)
    services.party_refuses(refused, reason="被申请人明确表示不接受调解", actor=officer, version=None, today=TODAY)
    assert refused.status == CaseStatus.REFUSED and refused.closed_on == TODAY
    with pytest.raises(ServiceError):
        services.accept(refused, actor=officer, mediator=None, version=None, today=TODAY)
    failed = _open(world)
    services.accept(failed, actor=officer, mediator=None, version=None, today=TODAY)
    services.add_record(failed, held_on=TODAY, place="", present="", content="分歧较大", actor=officer, version=None)
    services.party_refuses(failed, reason="申请人要求终止调解", actor=officer, version=None, today=TODAY)
    assert failed.status == CaseStatus.TERMINATED and "人民法院起诉" in failed.routes_told


def test_a_case_open_more_than_30_days_is_flagged(world):
    case = _open(world, applied_on=date(2026, 10, 20))
    assert case.overdue(date(2026, 11, 19)) is False
    assert case.overdue(date(2026, 11, 20)) is True


def test_a_stale_page_cannot_overwrite(world):
    case = _open(world)
    seen = case.version
    services.accept(case, actor=world.users["officer"], mediator=None, version=seen, today=TODAY)
    db.session.flush()
    with pytest.raises(services.StaleCaseError):
        services.terminate(case, reason="x", actor=world.users["head"], version=seen)


def _form(**over):
    data = {"point_id": "", "source": "application", "category": "02", "applied_on": "2026-11-23",
            "summary": "宅基地边界纠纷", "requests": "", "a_name": "阿依古丽·吐尔逊", "a_gender": "female",
            "a_ethnicity": "05", "a_age": "41", "a_occupation": "", "a_phone": "13912340077", "a_address": "",
            "a_id_number": APPLICANT_ID, "r_name": "王建国", "r_gender": "male", "r_ethnicity": "", "r_age": "",
            "r_occupation": "", "r_phone": "", "r_address": "", "r_id_number": ""}
    data.update(over)
    return data


@freeze_time(NOW)
def test_intake_at_the_window_refuses_a_wrong_id_number_keeping_the_rest(world, client, auth):
    auth.login("officer")
    point = org.point_of(world.units["V1"])
    wrong = APPLICANT_ID[:-1] + "Y"
    bad = client.post("/mediation/new", data=_form(point_id=point.id, a_id_number=wrong, a_age="两百"))
    assert bad.status_code == 422
    assert 'id="a_id_number-error"' in bad.text and "身份证号码不对" in bad.text and "请填写整数" in bad.text
    assert "宅基地边界纠纷" in bad.text and "阿依古丽·吐尔逊" in bad.text
    ok = client.post("/mediation/new", data=_form(point_id=point.id))
    assert ok.status_code == 303
    case = db.session.scalar(db.select(MediationCase))
    page = client.get(ok.headers["Location"]).text
    assert "（2026）营盘社区人调字第1号" in page
    assert APPLICANT_ID not in page and "13912340077" not in page  # masked in what is sent
    assert mask_id(APPLICANT_ID) in page and "139****0077" in page
    party = case.parties[0]
    revealed = client.post(f"/mediation/{case.id}/parties/{party.id}/reveal", data={"version": case.version}).text
    assert APPLICANT_ID in revealed
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "mediation.reveal")).actor_id == \
        world.users["officer"].id


@freeze_time(NOW)
def test_the_inspector_sees_and_prints_masked_numbers_and_cannot_reveal(world, client, auth):
    case = _open(world)
    db.session.commit()
    auth.login("inspector")
    assert APPLICANT_ID not in client.get(f"/mediation/{case.id}").text
    assert client.post(f"/mediation/{case.id}/parties/{case.parties[0].id}/reveal").status_code == 403
    text = pdftotext(client.get(f"/mediation/{case.id}/file.pdf?lang=zh_Hans").data)
    assert APPLICANT_ID not in text and mask_id(APPLICANT_ID) in text


@freeze_time(NOW)
@pytest.mark.parametrize(("lang", "title"), [("zh_Hans", "调解卷宗"), ("ug", None), ("kk_Arab", None)])
def test_case_file_pdf_in_the_mojs_order_in_three_scripts(world, client, auth, lang, title):
    officer = world.users["officer"]
    case = _open(world)
    services.accept(case, actor=officer, mediator=world.users["mediator"], version=None, today=TODAY)
    services.add_record(case, held_on=TODAY, place="工作室", present="", content="双方同意清理排水沟。", actor=officer,
                        version=None)
    services.record_agreement(case, kind=services.AgreementKind.WRITTEN, facts="排水沟堵塞",
                              clauses="清理排水沟\n赔偿300元", performance="cash", due=None, effective_on=TODAY,
                              actor=officer, version=None, today=TODAY)
    db.session.commit()
    auth.login("officer")
    response = client.get(f"/mediation/{case.id}/file.pdf?lang={lang}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    text = re.sub(r"[\u2066-\u2069]", "", pdftotext(response.data))
    assert case.number in text and "阿依古丽·吐尔逊" in text and "赔偿300元" in text
    assert APPLICANT_ID in text  # the committee's own file keeps the ID number
    if title:
        order = [text.index(t) for t in ("调解卷宗", "卷内目录", "人民调解受理登记表", "人民调解当事人权利义务告知书",
                                          "人民调解记录", "人民调解协议书")]
        assert order == sorted(order)
        assert "年月日" in text  # the signature boxes
        assert "1/6" in text or "1 / 6" in text
    else:
        assert not re.search(r"调解卷宗|卷内目录|受理登记表", text)  # the file's own words are translated


@freeze_time(NOW)
def test_a_mediation_sign_up_becomes_a_case(world, client, auth):
    from datetime import time

    from gongfa.signup import services as signup
    from gongfa.signup.models import BookingChannel, BookingKind

    create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                day_of_month=26)
    generate_all(first=date(2026, 11, 1), weeks=4, months=2)
    session = db.session.scalars(db.select(DutySession).where(
        DutySession.point_id == org.point_of(world.units["V1"]).id, DutySession.on >= TODAY)).first()
    booking = signup.book(session, starts_at=time(10, 0), name="马丽", phone="13700001111", village=None,
                          language="zh_Hans", kind=BookingKind.MEDIATION, description="赡养费纠纷",
                          channel=BookingChannel.PUBLIC, today=TODAY).booking
    db.session.commit()
    auth.login("officer")
    page = client.get(f"/mediation/new?booking={booking.id}").text
    assert "马丽" in page and "赡养费纠纷" in page and "13700001111" in page
    shown = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "booking.reveal_phone")).all()
    assert [(e.object_id, e.actor_id) for e in shown] == [(booking.id, world.users["officer"].id)]
    auth.logout()
    auth.login("county")  # the bureau may register the case but never gets the number
    page = client.get(f"/mediation/new?booking={booking.id}").text
    assert "马丽" in page and "13700001111" not in page and "1111" not in page
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "booking.reveal_phone")) == 1


@freeze_time(NOW)
def test_printing_a_case_file_is_recorded_and_says_whether_it_held_full_numbers(world, client, auth):
    case = _open(world)
    db.session.commit()
    auth.login("officer")
    assert APPLICANT_ID in pdftotext(client.get(f"/mediation/{case.id}/file.pdf").data)
    auth.logout()
    auth.login("inspector")
    assert APPLICANT_ID not in pdftotext(client.get(f"/mediation/{case.id}/file.pdf").data)
    prints = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "mediation.file_print")
                                .order_by(AuditEvent.id)).all()
    assert [(e.actor_id, json.loads(e.after)["full_numbers"]) for e in prints] == [
        (world.users["officer"].id, True), (world.users["inspector"].id, False)]


@freeze_time(NOW)
def test_the_whole_case_through_the_pages_without_javascript(world, client, auth):
    create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                day_of_month=16)
    generate_all(first=date(2026, 11, 1), weeks=4, months=2)
    db.session.commit()
    auth.login("officer")
    point = org.point_of(world.units["V1"])
    url = client.post("/mediation/new", data=_form(point_id=point.id)).headers["Location"]
    case = db.session.scalar(db.select(MediationCase))

    def step(path, **data):
        db.session.refresh(case)
        response = client.post(f"{url}/{path}", data={"version": case.version, **data})
        assert response.status_code == 303, response.text[:2000]
        page = client.get(url)
        assert page.status_code == 200
        return page.text

    page = step("accept", mediator_id=world.users["mediator"].id)
    assert "巴特尔·额尔德尼" in page and "已受理" in page
    page = step("record", held_on="2026-11-23", place="工作室", present="网格员", content="双方同意清理排水沟。")
    assert "调解中" in page and "双方同意清理排水沟" in page
    late = client.post(f"{url}/agreement", data={"version": case.version, "kind": "oral", "facts": "排水沟",
                                                   "clauses": "清理", "effective_on": "2026-12-01"})
    assert late.status_code == 422 and "生效日期应在申请日期和今天之间" in late.text
    page = step("agreement", kind="oral", facts="排水沟堵塞", clauses="清理排水沟\n赔偿300元", performance="cash",
                due="2026-11-30", effective_on="2026-11-23")
    assert "口头调解协议" in page and "还剩 30 天" in page and "2026年12月16日" in page  # follow-up on the visit
    page = step("performed", on="2026-11-28")
    follow = case.follow_ups[0]
    page = step(f"follow-up/{follow.id}", done_on="2026-12-16", content="已履行，双方满意。")
    assert "已回访" in page
    page = step("close")
    assert "已结案" in page
    page = step("rate", value="satisfied")
    assert "一事一评：满意" in page
    assert "超过30日未调结" not in client.get("/mediation/").text


def test_what_the_parties_were_told_is_kept_in_the_source_language(world):
    from flask_babel import force_locale

    case = _open(world)
    services.accept(case, actor=world.users["officer"], mediator=None, version=None, today=TODAY)
    with force_locale("ug"):  # the mediator works in Uyghur
        services.terminate(case, reason="分歧太大", actor=world.users["officer"], version=None)
    assert "人民法院起诉" in case.routes_told


def test_a_case_number_taken_in_the_same_moment_undoes_only_this_registration(world):
    """Two registrations count the same next number: the second is asked to submit again, and what the
    request had already done (here an earlier case, not yet committed) is not rolled back with it."""
    from sqlalchemy import event

    earlier = _open(world)
    point = org.point_of(world.units["V1"])

    def the_other_registration(session, _context, _instances):
        if any(isinstance(o, MediationCase) for o in session.new):  # lands between our count and our insert
            session.add(MediationCase(point=point, year=2026, seq=earlier.seq + 1, source=CaseSource.APPLICATION,
                                      category="02", summary="同时登记的另一件", applied_on=TODAY))

    event.listen(db.session(), "before_flush", the_other_registration, once=True)
    with pytest.raises(ServiceError, match="案号刚被占用"):
        _open(world)
    assert db.session.scalars(db.select(MediationCase.id)).all() == [earlier.id]
    assert _open(world).seq == earlier.seq + 1  # the next try gets the number


@freeze_time(NOW)
def test_a_change_saved_between_reading_and_writing_is_a_plain_message_not_a_500(world, client, auth):
    """Another person's change is saved after the page's version was checked and before ours is written."""
    from sqlalchemy import event, update
    from sqlalchemy.orm import Session

    case = _open(world)
    services.accept(case, actor=world.users["officer"], mediator=None, version=None, today=TODAY)
    db.session.commit()
    auth.login("officer")
    landed = []

    def someone_else_saves(session, _context, _instances):
        for obj in session.dirty:
            if isinstance(obj, MediationCase) and not landed:
                landed.append(obj.id)
                session.connection().execute(update(MediationCase).where(MediationCase.id == obj.id)
                                             .values(version=MediationCase.version + 1))

    event.listen(Session, "before_flush", someone_else_saves)
    try:
        response = client.post(f"/mediation/{case.id}/record", data={
            "version": case.version, "held_on": "2026-11-23", "place": "", "present": "", "content": "第一次调解。"})
    finally:
        event.remove(Session, "before_flush", someone_else_saves)
    assert landed == [case.id]
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "这个案件刚刚被别人修改过" in page and "第一次调解。" not in page
