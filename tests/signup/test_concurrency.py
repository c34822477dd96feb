"""50 residents press "submit" at the same moment for one slot of a real server (gunicorn, 4 workers).

Runs on SQLite and, with GONGFA_TEST_DATABASE_URL, on PostgreSQL: the slot never holds more than its
capacity, everyone else is waitlisted and told so, nothing is half-written, and a double tap makes one
booking. The 50 sign-ups' audit events, sealed by four workers at once, make one unbroken chain.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from bench.liveserver import ROOT, live_server
from gongfa import clock
from gongfa.audit.models import AuditEvent
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.signup.models import Booking, BookingStatus, Slot

PEOPLE = 50
CAPACITY = 5


class Resident:
    """One phone: its own cookies, the form it loaded, and what the server answered."""

    def __init__(self, base: str, index: int, phone: str | None = None):
        self.base, self.index = base, index
        self.phone = phone or f"1391234{index:04d}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.fields: dict = {}

    def load(self, session_id: int) -> None:
        html = self.opener.open(f"{self.base}/book/{session_id}", timeout=30).read().decode()
        self.fields = {name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html).group(1)
                       for name in ("csrf_token", "form_token")}
        self.session_id = session_id

    def submit(self) -> tuple[int, str]:
        data = urllib.parse.urlencode({
            **self.fields, "slot": "10:00",
            "name": "居民" + "甲乙丙丁戊己庚辛壬癸"[self.index % 10] + "金木水火土"[self.index // 10],
            "phone": self.phone, "village_id": "", "language": "zh_Hans", "kind": "consultation",
            "description": ""}).encode()
        try:
            with self.opener.open(f"{self.base}/book/{self.session_id}", data=data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def _status(html: str) -> str:
    code = re.search(r'class="code"><bdi dir="ltr"[^>]*>(\d{6})<', html).group(1)
    return code, ("booked" if "已预约" in html and "候补第" not in html else "waitlisted" if "候补第" in html else "?")


def test_fifty_simultaneous_sign_ups_never_overfill_a_slot(tmp_path):
    info: dict = {}
    env = {"GONGFA_RATELIMIT_SIGNUP": "10000 per minute", "GONGFA_RATELIMIT_LOOKUP": "10000 per minute"}
    # GONGFA_TEST_LIVE_DB: a database name of one's own when several checkouts share a PostgreSQL server.
    db_name = os.environ.get("GONGFA_TEST_LIVE_DB", "gongfa_race")
    with live_server(tmp_path, workers=4, extra_env=env, db_name=db_name, info=info) as url:
        engine = create_engine(info["database_url"])
        with Session(engine) as db:
            today = clock.today()
            session_id = db.scalar(select(DutySession.id).where(
                DutySession.kind == RuleKind.WEEKLY, DutySession.on.between(today + timedelta(days=1),
                                                                            today + timedelta(days=30)),
                DutySession.status.in_([SessionStatus.PLANNED, SessionStatus.CONFIRMED])).order_by(DutySession.on))
            db.execute(update(DutySession).where(DutySession.id == session_id).values(slot_capacity=CAPACITY))
            db.commit()
        residents = [Resident(url, i) for i in range(PEOPLE)]
        for r in residents:
            r.load(session_id)
        start = threading.Barrier(PEOPLE + 1)

        def fire(r: Resident):
            start.wait()
            return r.submit()

        # Everyone at once, and the first resident's phone sends the same form twice (a double tap).
        with ThreadPoolExecutor(PEOPLE + 1) as pool:
            futures = [pool.submit(fire, r) for r in residents] + [pool.submit(fire, residents[0])]
            answers = [f.result() for f in futures]

        errors = [re.findall(r'class="error"[^>]*>(.*?)</p>', html) for status, html in answers if status != 200]
        assert {status for status, _ in answers} == {200}, errors  # every one answered with a receipt, no 500
        told = dict(_status(html) for _, html in answers)
        assert len(told) == PEOPLE  # the double tap got the same code back
        assert sum(1 for v in told.values() if v == "booked") == CAPACITY
        assert sum(1 for v in told.values() if v == "waitlisted") == PEOPLE - CAPACITY

        with Session(engine) as db:
            bookings = db.scalars(select(Booking).where(Booking.session_id == session_id)).all()
            assert len(bookings) == PEOPLE
            booked = [b for b in bookings if b.status == BookingStatus.BOOKED]
            assert len(booked) == CAPACITY
            slot = db.scalar(select(Slot).where(Slot.session_id == session_id, Slot.id == booked[0].slot_id))
            assert slot.booked == CAPACITY == slot.capacity  # the counter agrees with the rows
            assert db.scalar(select(func.count(Slot.id)).where(Slot.session_id == session_id)) == 8  # made once
            assert {b.code: b.status.value for b in bookings} == told
            created = db.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "booking.create",
                                                                         AuditEvent.seq.is_not(None)))
            assert created >= PEOPLE  # every sign-up sealed into the chain (the demo data made some too)
        engine.dispose()
        # The server's own key (bench/liveserver.py), as an operator would run it from cron.
        verified = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "audit", "verify"], cwd=ROOT, capture_output=True,
            text=True, check=False, env={**os.environ, "GONGFA_SQLALCHEMY_DATABASE_URI": info["database_url"],
                                         "GONGFA_SECRET_KEY": "live-server"})
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "audit chain intact" in verified.stdout


def test_ten_simultaneous_sign_ups_from_one_phone_end_as_one_booking(tmp_path):
    """Ten forms, one phone number, one session, all at once: one booking; the other nine get no receipt."""
    info: dict = {}
    env = {"GONGFA_RATELIMIT_SIGNUP": "10000 per minute", "GONGFA_RATELIMIT_LOOKUP": "10000 per minute"}
    with live_server(tmp_path, workers=4, extra_env=env, db_name="gongfa_race_phone", info=info) as url:
        engine = create_engine(info["database_url"])
        with Session(engine) as db:
            today = clock.today()
            session_id = db.scalar(select(DutySession.id).where(
                DutySession.kind == RuleKind.WEEKLY, DutySession.on.between(today + timedelta(days=1),
                                                                            today + timedelta(days=30)),
                DutySession.status.in_([SessionStatus.PLANNED, SessionStatus.CONFIRMED])).order_by(DutySession.on))
        tries = [Resident(url, i, phone="13912345678") for i in range(10)]
        for r in tries:
            r.load(session_id)
        start = threading.Barrier(len(tries))

        def fire(r: Resident):
            start.wait()
            return r.submit()

        with ThreadPoolExecutor(len(tries)) as pool:
            answers = list(pool.map(fire, tries))

        with Session(engine) as db:
            active = db.scalars(select(Booking).where(
                Booking.session_id == session_id, Booking.phone == "13912345678",
                Booking.status.in_([BookingStatus.BOOKED, BookingStatus.WAITLISTED]))).all()
            assert len(active) == 1
            code = active[0].code
            taken = db.scalar(select(func.sum(Slot.booked)).where(Slot.session_id == session_id))
        assert sorted(status for status, _ in answers) == [200] + [422] * 9
        assert sum(code in html for _, html in answers) == 1  # only the winner sees the code
        assert taken == 1
        engine.dispose()


def test_on_sqlite_work_inside_a_savepoint_that_read_first_still_writes_after_another_request_committed(tmp_path):
    """A sign-up's service reads (the form token, the phone, the slots), then writes, inside a savepoint.

    On SQLite the savepoint began a transaction whose reads fixed a snapshot; another request committing in
    between made the write fail at once ("database is locked", the 500s the fifty residents above met once
    the page ran the service inside service_errors). The savepoint now takes the write lock when it opens:
    the request inside it writes, and the other one waits its turn (here it gives up after 0.2 s).
    """
    from sqlalchemy.exc import OperationalError

    from gongfa import create_app
    from gongfa.db import SiteFlag
    from gongfa.db import db as flask_db
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'savepoint.sqlite'}"})
    with app.app_context():
        flask_db.create_all()
        engine = flask_db.engine
    with Session(engine) as request, Session(engine) as other:
        with request.begin_nested():
            assert request.scalar(select(func.count(SiteFlag.key))) == 0  # the service reads first
            other.connection().exec_driver_sql("PRAGMA busy_timeout=200")
            other.add(SiteFlag(key="other", value="1"))
            try:
                other.commit()  # another request writes meanwhile
            except OperationalError:
                other.rollback()  # it waits for the lock this one holds
            request.add(SiteFlag(key="this", value="1"))
            request.flush()  # then this one writes
        request.commit()
        assert request.scalar(select(SiteFlag.value).where(SiteFlag.key == "this")) == "1"
    engine.dispose()
