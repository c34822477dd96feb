"""Work logs: written on a phone, one entry per resubmitted form, countersigned, then only amended."""

import re
from datetime import date, time

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.errors import ServiceError
from gongfa.org import services as org
from gongfa.worklog import services
from gongfa.worklog.models import Amendment, Category, EntryStatus, Mode, Referral, WorkLogEntry

NOW = "2026-11-23 15:00:00+08:00"
TODAY = date(2026, 11, 23)


def _entry(world, token="form-1", **over):  # noqa: S107 (a form token, not a password)
    values = {"served_on": TODAY, "starts_at": time(10, 0), "ends_at": time(12, 30), "place": "营盘社区工作室",
              "persons": "阿依古丽·吐尔逊", "mode": Mode.ON_SITE, "category": Category.CONSULTATION,
              "content": "土地承包合同到期续签", "result": "已解答，建议书面续签", "referral": Referral.NONE, **over}
    return services.create_entry(lawyer=world.users["lawyer"], point=org.point_of(world.units["V1"]), session=None,
                                 form_token=token, submit=True, today=TODAY, **values)


def test_a_resubmitted_form_makes_one_entry(world):
    first, made = _entry(world)
    again, made_again = _entry(world)
    assert made and not made_again and again.id == first.id
    assert db.session.scalar(db.select(db.func.count(WorkLogEntry.id))) == 1
    assert first.hours == 2.5


def test_times_and_dates_are_checked(world):
    with pytest.raises(ServiceError, match="结束时间"):
        _entry(world, ends_at=time(9, 0))
    with pytest.raises(ServiceError, match="今天以后"):
        _entry(world, token="form-2", served_on=date(2026, 11, 24))


def test_countersigned_entries_are_never_edited_in_place_only_amended(world):
    entry, _ = _entry(world)
    services.countersign([entry], actor=world.users["officer"])
    assert entry.locked and entry.countersigned_by_id == world.users["officer"].id and entry.countersigned_at
    with pytest.raises(ServiceError, match="不能直接修改"):
        services.update_entry(entry, actor=world.users["lawyer"], version=None, submit=True, today=TODAY,
                              served_on=TODAY, starts_at=time(10, 0), ends_at=time(11, 0), place="", persons="x",
                              mode=Mode.PHONE, category=Category.OTHER, content="x", result="", referral=Referral.NONE)
    services.amend(entry, field="result", new_value="已解答，并转交法律援助中心", reason="漏记转交",
                   actor=world.users["lawyer"])
    assert entry.result == "已解答，建议书面续签"  # the original stays
    assert services.current(entry, "result") == "已解答，并转交法律援助中心"
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"worklog.create", "worklog.countersign", "worklog.amend"} <= actions


@freeze_time(NOW)
def test_lawyer_writes_officer_countersigns_then_only_a_correction(world, client, auth):
    auth.login("lawyer")
    form = client.get("/log/new").text
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', form).group(1)
    point = org.point_of(world.units["V1"])
    data = {"point_id": point.id, "served_on": "2026-11-23", "starts_at": "10:00", "ends_at": "11:30",
            "place": "营盘社区工作室", "persons": "王秀兰", "mode": "on_site", "category": "consultation",
            "content": "邻里排水沟纠纷咨询", "result": "建议申请人民调解", "referral": "mediation",
            "form_token": token, "submit": "提交"}
    bad = client.post("/log/new", data={**data, "ends_at": "9:00"})
    assert bad.status_code == 422 and "结束时间要晚于开始时间" in bad.text and "邻里排水沟纠纷咨询" in bad.text
    first = client.post("/log/new", data=data)
    second = client.post("/log/new", data=data)  # the same form again after a timeout
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].split("?")[0] == second.headers["Location"].split("?")[0]
    entry = db.session.scalar(db.select(WorkLogEntry))
    assert entry.status == EntryStatus.SUBMITTED
    auth.logout()
    auth.login("officer")
    assert "待签字确认" in client.get("/log/").text
    signed = client.post(f"/log/{entry.id}/countersign", data={"confirm": "1", "version": entry.version})
    assert signed.status_code == 303
    db.session.refresh(entry)
    assert entry.locked
    auth.logout()
    auth.login("lawyer")
    assert client.get(f"/log/{entry.id}/edit").status_code == 303  # sent back: no editing in place
    bad = client.post(f"/log/{entry.id}/amend", data={"field": "result", "new_value": "", "reason": ""})
    assert bad.status_code == 422 and "请写明更正原因" in bad.text
    client.post(f"/log/{entry.id}/amend", data={"field": "result", "new_value": "已移交村调委会", "reason": "补充结果"})
    page = client.get(f"/log/{entry.id}").text
    assert "建议申请人民调解" in page and "已移交村调委会" in page and "补充结果" in page
    assert db.session.scalar(db.select(db.func.count(Amendment.id))) == 1


@freeze_time(NOW)
def test_officer_of_another_village_cannot_countersign(world, client, auth):
    entry, _ = _entry(world)
    db.session.commit()
    auth.login("officer3")
    assert client.post(f"/log/{entry.id}/countersign").status_code == 403


@freeze_time(NOW)
@pytest.mark.parametrize("lang", ["zh_Hans", "ug"])
def test_a_legal_aid_referral_prints_a_slip(world, client, auth, lang):
    from tests.web.test_pdf import pdftotext

    entry, _ = _entry(world, referral=Referral.LEGAL_AID, content="工伤赔偿，单位拒不支付", persons="马福林")
    plain, _ = _entry(world, token="form-3")
    db.session.commit()
    auth.login("lawyer")
    assert "法律援助转介单" in client.get(f"/log/{entry.id}").text
    response = client.get(f"/log/{entry.id}/referral.pdf?lang={lang}")
    assert response.status_code == 200
    text = pdftotext(response.data)
    assert "马福林" in text and "工伤赔偿" in text and "12348" in text
    assert ("法律援助转介单" in text) == (lang == "zh_Hans")
    # The centre is named in the slip's language, not the reader's (here Chinese).
    assert ("قانۇنياردىمىمەركىزى" in text) == (lang == "ug")
    assert client.get(f"/log/{plain.id}/referral.pdf").status_code == 404  # no referral, no slip


@freeze_time(NOW)
def test_the_author_edits_a_submitted_entry_and_the_change_is_audited(world, client, auth):
    entry, _ = _entry(world)
    db.session.commit()
    auth.login("lawyer")
    station = org.point_of(world.units["T1"])
    data = {"point_id": station.id, "served_on": "2026-11-23", "starts_at": "10:00", "ends_at": "11:00",
            "place": "工作站", "persons": "王秀兰", "mode": "phone", "category": "consultation",
            "content": "改在工作站电话咨询", "result": "", "referral": "none", "version": entry.version,
            "submit": "提交"}
    assert client.post(f"/log/{entry.id}/edit", data=data).status_code == 303
    db.session.refresh(entry)
    assert entry.point_id == station.id and entry.mode == Mode.PHONE
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "worklog.update"))
    assert '"point_id"' in event.after and '"mode"' in event.after


def test_a_form_sent_twice_at_once_gives_the_first_entry_and_keeps_what_the_request_did_before(world, monkeypatch):
    """The retry crosses the first try on a slow link: both looked before either wrote (a unique-token race)."""
    first, _ = _entry(world, token="form-1")  # the first try's entry
    earlier, _ = _entry(world, token="form-0", persons="王秀兰")  # this request's own work, flushed
    looked = []

    def by_token_before_the_first_try_wrote(token):
        looked.append(token)
        return None if len(looked) == 1 else WorkLogEntry.query.filter_by(form_token=token).one_or_none()

    monkeypatch.setattr(services, "by_token", by_token_before_the_first_try_wrote)
    again, made = _entry(world, token="form-1")
    assert (again.id, made) == (first.id, False)
    db.session.commit()
    assert db.session.get(WorkLogEntry, earlier.id).persons == "王秀兰"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "worklog.create",
                                                          AuditEvent.object_id == earlier.id))
    assert event is not None and event.seq is not None
    assert db.session.scalar(db.select(db.func.count(WorkLogEntry.id))) == 2


def test_an_entry_changed_since_the_page_was_loaded_is_refused_with_a_message(world):
    entry, _ = _entry(world)
    db.session.commit()
    edit = {"served_on": TODAY, "starts_at": time(10, 0), "ends_at": time(11, 0), "place": "", "persons": "x",
            "mode": Mode.PHONE, "category": Category.OTHER, "content": "改过", "result": "", "referral": Referral.NONE,
            "point_id": entry.point_id}
    with pytest.raises(services.StaleEntryError):  # the form carried an older version
        services.update_entry(entry, actor=world.users["lawyer"], version=entry.version - 1, submit=True,
                              today=TODAY, **edit)
    # Saved by someone else after this request loaded the entry: the row's version no longer matches.
    db.session.execute(db.update(WorkLogEntry).where(WorkLogEntry.id == entry.id)
                       .values(version=WorkLogEntry.version + 1, content="别人改的")
                       .execution_options(synchronize_session=False))
    with pytest.raises(services.StaleEntryError):
        services.update_entry(entry, actor=world.users["lawyer"], version=None, submit=True, today=TODAY, **edit)


@freeze_time(NOW)
def test_editing_an_entry_changed_meanwhile_keeps_what_was_typed_and_says_so(world, client, auth):
    entry, _ = _entry(world)
    db.session.commit()
    auth.login("lawyer")
    data = {"point_id": entry.point_id, "served_on": "2026-11-23", "starts_at": "10:00", "ends_at": "11:00",
            "place": "", "persons": "王秀兰", "mode": "phone", "category": "consultation", "content": "我改的内容",
            "result": "", "referral": "none", "version": entry.version - 1, "submit": "提交"}
    response = client.post(f"/log/{entry.id}/edit", data=data)
    assert response.status_code == 422
    assert 'id="content-error"' in response.text and "这条记录刚刚被修改过" in response.text
    assert "我改的内容" in response.text
    db.session.refresh(entry)
    assert entry.content == "土地承包合同到期续签"
