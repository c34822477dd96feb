"""Printed ledgers read back from their text, verification codes, quarterly submission, inspection draws."""

import re
import subprocess
from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from gongfa import clock
from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.holidays import sync_national_holidays
from gongfa.duty.models import RuleKind
from gongfa.errors import ServiceError
from gongfa.ledger import services
from gongfa.ledger.models import InspectionDraw, PrintRecord
from gongfa.org import services as org
from gongfa.org.models import UnitLevel
from gongfa.worklog import services as worklog
from gongfa.worklog.models import Category, Mode, Referral
from tests.web.test_pdf import pdftotext

NOW = "2026-11-23 15:00:00+08:00"
PERSONS = ["阿依古丽·吐尔逊", "叶尔兰·哈布德克", "王秀兰", "ئايگۈل مەمەت"]


def _log(world, key, n, *, category=Category.CONSULTATION, day=date(2026, 11, 2), sign=True):
    entries = []
    for i in range(n):
        entry, _ = worklog.create_entry(
            lawyer=world.users["lawyer"], point=org.point_of(world.units[key]), session=None, form_token=None,
            submit=True, today=date(2026, 11, 23), served_on=day + timedelta(days=i % 20), starts_at=time(10, 0),
            ends_at=time(11, 30), place="工作室", persons=PERSONS[i % 4], mode=Mode.ON_SITE, category=category,
            content=f"第{i + 1}件：土地承包合同咨询", result="已解答", referral=Referral.NONE)
        entries.append(entry)
    if sign:
        worklog.countersign(entries, actor=world.users["officer"])
    return entries


@pytest.fixture
def logged(world):
    with freeze_time(NOW):
        create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                    day_of_month=16)
        generate_all(first=date(2026, 10, 1), weeks=4, months=2)
        _log(world, "V1", 12)
        _log(world, "V2", 3, category=Category.LECTURE)
        _log(world, "V1", 2, category=Category.REVIEW, sign=False)
        db.session.commit()
    return world


def test_quarter_bounds_and_the_deadline_is_the_last_working_day(app):
    assert clock.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert services.deadline(2026, 4) == date(2026, 12, 31)  # a Thursday
    assert services.deadline(2026, 1) == date(2026, 3, 31)
    assert services.deadline(2026, 3) == date(2026, 9, 30)
    sync_national_holidays([2025])
    assert services.deadline(2025, 3) == date(2025, 9, 30)
    assert services.deadline(2025, 2) == date(2025, 6, 30)
    with pytest.raises(ServiceError):
        clock.quarter_bounds(2026, 5)


def test_statistics_count_the_records_with_a_total_row(logged):
    rows, total = services.statistics(logged.units["T1"], date(2026, 10, 1), date(2026, 12, 31))
    by_code = {r.unit.code: r for r in rows}
    v1, v2 = by_code["652701100001"], by_code["652701100002"]
    assert v1.counts["consultation"] == 12 and v1.counts["review"] == 2 and v1.hours == 21.0
    assert v2.counts["lecture"] == 3
    assert total.counts["consultation"] == 12 and total.counts["lecture"] == 3 and total.hours == 25.5
    assert v1.adviser == "叶尔兰·哈布德克"


@freeze_time(NOW)
@pytest.mark.parametrize("lang", ["zh_Hans", "ug", "kk_Arab"])
def test_the_village_volume_prints_every_entry_and_a_code_that_resolves(logged, app, client, auth, lang):
    auth.login("officer")
    v1 = logged.units["V1"]
    response = client.get(f"/ledger/villages/{v1.id}/volume.pdf?year=2026&quarter=4&lang={lang}")
    assert response.status_code == 200
    text = pdftotext(response.data)
    flat = re.sub(r"\s+", "", text)
    volume = services.village_volume(v1, date(2026, 10, 1), date(2026, 12, 31))
    assert len(volume.entries) == 14
    for e in volume.entries:  # every record is on paper, with its own check value
        assert re.sub(r"\s+", "", e.content) in flat
        assert services.short(services.entry_record(e)) in flat
    assert "阿依古丽·吐尔逊" in flat and "ئايگۈلمەمەت" in flat  # mixed scripts kept whole
    printed = db.session.scalar(db.select(PrintRecord).where(PrintRecord.kind == "volume"))
    assert printed.digest == services.digest(volume.records)
    assert re.sub(r"\s+", "", f"{printed.code}") in flat and "/verify/" in text
    pages = int(re.search(r"1/(\d+)", flat).group(1))
    assert flat.count(printed.code) >= pages  # the code is on every page
    if lang == "zh_Hans":
        assert "一村一卷" in flat and "法律顾问（签字）" in flat and "村（社区）（盖章）" in flat
    visitor = app.test_client()  # anyone holding the paper, no account
    public = visitor.get(f"/verify/{printed.code.lower()}").text
    assert printed.digest in public and services.short(volume.records[0]) in public
    assert "阿依古丽·吐尔逊" not in public and "土地承包" not in public  # no names or contents in public
    assert visitor.get("/verify/NOPE2345").status_code == 404


@freeze_time(NOW)
def test_printing_the_same_content_keeps_the_code_and_a_change_gets_a_new_one(logged, client, auth):
    auth.login("officer")
    url = f"/ledger/villages/{logged.units['V1'].id}/volume.pdf?year=2026&quarter=4"
    client.get(url)
    client.get(url)
    assert db.session.scalar(db.select(db.func.count(PrintRecord.id))) == 1
    entry = services.village_volume(logged.units["V1"], date(2026, 10, 1), date(2026, 12, 31)).entries[0]
    worklog.amend(entry, field="result", new_value="已解答并出具书面意见", reason="补充", actor=logged.users["lawyer"])
    db.session.commit()
    client.get(url)
    codes = db.session.scalars(db.select(PrintRecord.code)).all()
    assert len(codes) == 2 and codes[0] != codes[1]


@freeze_time(NOW)
def test_a_printed_ledgers_leftovers_are_freed_once_it_has_been_sent(logged, client, auth, monkeypatch):
    """Not while the user waits (web/pdf.py): the collector runs when the response closes, once per request."""
    import gc

    collected = []
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(a) or 0)
    auth.login("officer")
    response = client.get(f"/ledger/villages/{logged.units['V1'].id}/volume.pdf?year=2026&quarter=4")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert collected == []
    response.close()
    assert len(collected) == 1


@freeze_time(NOW)
def test_statistics_pdf_and_excel_for_the_township_and_the_county(logged, client, auth):
    auth.login("head")
    t1 = logged.units["T1"]
    text = re.sub(r"\s+", "", pdftotext(client.get(f"/ledger/statistics/{t1.id}.pdf?year=2026&quarter=4").data))
    assert "合计" in text and "营盘社区" in text and "25:30" in text and "25.5" not in text  # h:mm on paper
    book = load_workbook(BytesIO(client.get(f"/ledger/statistics/{t1.id}.xlsx?year=2026&quarter=4").data))
    sheet = book.active
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[1] == "合计" and last[4] == 25.5 and 12 in last
    auth.logout()
    auth.login("county")
    county = logged.units["C1"]
    assert client.get(f"/ledger/statistics/{county.id}.pdf?year=2026&quarter=4").status_code == 200
    assert client.get(f"/ledger/statistics/{t1.id}.pdf?year=2026&quarter=4").status_code == 200


@freeze_time(NOW)
def test_duty_ledger_lists_the_stations_sessions(logged, client, auth):
    create_rule(point=org.point_of(logged.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
    generate_all(first=date(2026, 10, 1), weeks=10, months=1)
    db.session.commit()
    auth.login("head")
    text = re.sub(r"\s+", "", pdftotext(client.get(f"/ledger/stations/{logged.units['T1'].id}/duty.pdf"
                                                    "?year=2026&quarter=4").data))
    assert "值班台账" in text and "2026年11月25日" in text


def test_a_submitted_quarter_is_frozen_and_later_corrections_show_apart(logged, client, auth):
    with freeze_time("2026-12-30 10:00:00+08:00"):
        auth.login("head")
        t1 = logged.units["T1"]
        page = client.get(f"/ledger/quarters/{t1.id}/2026/4").text
        assert "待签字确认的记录（2）" in page and "2026年12月31日" in page
        assert client.post(f"/ledger/quarters/{t1.id}/2026/4").status_code == 303
        sub = services.submission(t1, 2026, 4)
        before = sub.snapshot["total"]["consultation"]
        assert before == 12 and len(sub.pdf_digest) == 64
        again = client.post(f"/ledger/quarters/{t1.id}/2026/4", follow_redirects=True).text
        assert "已经报送过了" in again
    with freeze_time("2027-01-05 10:00:00+08:00"):
        auth.login("head")  # days later: a new login
        entry = services.village_volume(logged.units["V1"], date(2026, 10, 1), date(2026, 12, 31)).entries[0]
        worklog.amend(entry, field="content", new_value="土地承包合同续签咨询", reason="写错了",
                      actor=logged.users["lawyer"])
        db.session.commit()
        page = client.get(f"/ledger/quarters/{t1.id}/2026/4").text
        assert "报送后的更正（1）" in page and "写错了" in page
        db.session.refresh(sub)
        assert sub.snapshot["total"]["consultation"] == before
        pdf = client.get(f"/ledger/submissions/{sub.id}.pdf").data
        import hashlib

        assert hashlib.sha256(pdf).hexdigest() == sub.pdf_digest  # exactly what was submitted


@freeze_time(NOW)
def test_only_the_townships_head_submits(logged, client, auth):
    auth.login("county")
    assert client.post(f"/ledger/quarters/{logged.units['T1'].id}/2026/4").status_code == 403


@freeze_time(NOW)
def test_an_inspection_draw_is_recorded_reproducible_and_prints_the_drawn_volumes(logged, client, auth):
    auth.login("inspector")
    prefecture = logged.units["P"]
    response = client.post("/ledger/inspection", data={"unit_id": prefecture.id, "year": "2026", "quarter": "4",
                                                       "per_township": "2"})
    assert response.status_code == 303
    record = db.session.scalar(db.select(InspectionDraw))
    assert record.villages == services.draw_villages(prefecture, 2, record.seed)
    # T1 has two villages (both drawn), T2 and T3 one each.
    assert sorted(record.villages) == sorted(["652701100001", "652701100002", "652701101209", "652722102200"])
    page = client.get(response.headers["Location"]).text
    assert str(record.seed) in page and "结果相同" in page
    pdf = client.get(f"/ledger/inspection/{record.id}/volumes.pdf")
    text = re.sub(r"\s+", "", pdftotext(pdf.data))
    assert text.count("一村一卷") >= 4 and "第1件：土地承包合同咨询" in text
    bad = client.post("/ledger/inspection", data={"unit_id": prefecture.id, "year": "二〇二六", "quarter": "5",
                                                  "per_township": "9"})
    assert bad.status_code == 422 and "请填写整数" in bad.text


def _more_villages(world, n):
    """Give 小营盘镇 (T1) ``n`` more villages, so that a draw of 2 has a choice to make."""
    codes = []
    for i in range(n):
        unit = org.create_unit(code=f"6527011000{i + 11}", level=UnitLevel.VILLAGE, parent=world.units["T1"],
                               name_zh=f"第{i + 11}村", kind="村")
        codes.append(unit.code)
    db.session.commit()
    return codes


@freeze_time(NOW)
def test_a_draw_is_random_among_a_townships_villages(world, client, auth):
    """Where a township has more villages than are drawn, nobody can know beforehand which ones: each draw
    has a fresh seed, and over many seeds every village is drawn and the pairs vary."""
    t1 = {"652701100001", "652701100002", *_more_villages(world, 4)}
    prefecture = world.units["P"]
    auth.login("inspector")
    seeds = []
    for _ in range(2):
        response = client.post("/ledger/inspection", data={"unit_id": prefecture.id, "year": "2026", "quarter": "4",
                                                           "per_township": "2"})
        assert response.status_code == 303
        record = db.session.get(InspectionDraw, int(response.headers["Location"].rsplit("/", 1)[1]))
        drawn = set(record.villages) & t1
        assert len(drawn) == 2 and len(record.villages) == 4  # two of T1's six, T2's and T3's only one
        assert "结果相同" in client.get(response.headers["Location"]).text
        seeds.append(record.seed)
    assert seeds[0] != seeds[1]
    pairs = [frozenset(services.draw_villages(prefecture, 2, seed)) & t1 for seed in range(200)]
    assert set().union(*pairs) == t1  # every village of T1 can be drawn
    assert len(set(pairs)) >= 12  # of the 15 possible pairs, not one pattern


def test_a_draw_picks_at_most_the_villages_there_are(world):
    codes = services.draw_villages(world.units["P"], 3, 7)
    assert len(codes) == len(set(codes)) == 4


@freeze_time(NOW)
def test_a_hundred_entry_quarter_prints(world, client, auth):
    """The volume PDF of a busy village: 100 entries, the header repeated on every page."""
    with freeze_time(datetime(2026, 11, 23, 7, 0)):
        _log(world, "V1", 100)
        db.session.commit()
    auth.login("officer")
    pdf = client.get(f"/ledger/villages/{world.units['V1'].id}/volume.pdf?year=2026&quarter=4").data
    count = int(re.search(r"1\s*/\s*(\d+)", pdftotext(pdf)).group(1))
    assert count >= 5
    pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-", "-"], input=pdf, capture_output=True,
                            check=True).stdout.decode() for n in range(3, count + 1)]
    body = [p for p in pages if "第100件" in p or "第50件" in p]
    assert len(body) >= 2 and all("事由及内容摘要" in p for p in body)  # the table header repeats
