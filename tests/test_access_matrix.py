"""Every route × every role: allowed or denied, including village A asking for village B's objects.

A new route fails ``test_every_route_is_in_the_matrix`` until it is added here.
"""

from datetime import date, timedelta

import pytest

from gongfa import clock
from gongfa.org import services as org
from gongfa.people.models import Membership

ROLES = ["admin", "moved", "county", "county2", "inspector", "head", "officer", "lawyer", "lawyer2", "mediator",
         "auditor", None]
ALL = set(ROLES)
# The auditor (等保2.0 审计管理员) reads the audit trail and nothing else: not part of STAFF.
STAFF = ALL - {None, "auditor"}
# Bureau admins: of the prefecture ("admin", and "moved", who was 营盘社区's officer until 2025), of 博乐市
# ("county": C1, where V1–V3 lie) and of 精河县 ("county2": C2, with V4).
PREFECTURE = {"admin", "moved"}
ADMINS = PREFECTURE | {"county"}  # over C1's units
ANY_ADMIN = ADMINS | {"county2"}  # pages every admin has, for their own county
VIEWERS = ANY_ADMIN | {"inspector"}
READERS = VIEWERS | {"head"}
C1_VIEWERS = ADMINS | {"inspector"}  # who reach a C1 unit outside 小营盘镇 (达勒特村, V3)
C2_ADMINS = PREFECTURE | {"county2"}
# Who reaches 营盘社区 (V1): not 精河's admin, and not lawyer2, who sits at the same station but advises V2.
V1_STAFF = STAFF - {"county2", "lawyer2"}
LAWYERS = {"lawyer", "lawyer2"}


def _sessions(w):
    from gongfa.db import db
    from gongfa.duty.feeds import renew_feed_token
    from gongfa.duty.generation import create_rule, generate_sessions
    from gongfa.duty.models import RuleKind

    today = clock.today()
    made = {}
    for key, kind in (("T1", RuleKind.WEEKLY), ("V1", RuleKind.MONTHLY), ("V3", RuleKind.MONTHLY)):
        # Village visits later this month, so that residents can still book them.
        rule = create_rule(point=org.point_of(w.units[key]), kind=kind, valid_from=date(2025, 1, 1),
                           day_of_month=min(today.day + 1, 28))
        made[key] = generate_sessions(rule, first=today, last=today.replace(day=28) if kind == RuleKind.MONTHLY
                                      else today + timedelta(days=7))[0]
    renew_feed_token(w.users["lawyer"])
    db.session.flush()
    bookings = {key: _booking(made[v], phone) for key, v, phone in (("B1", "V1", "13800000001"),
                                                                     ("B2", "V1", "13800000002"),
                                                                     ("B3", "V3", "13800000003"))}
    db.session.commit()
    from gongfa.public.booking import _serializer

    return {"S_T1": made["T1"].id, "S_V1": made["V1"].id, "S_V3": made["V3"].id, "token": w.users["lawyer"].ics_token,
            **{k: b.id for k, b in bookings.items()}, "rcpt": _serializer().dumps(bookings["B2"].id), **_cases(w),
            **_entries(w, made), **_ledgers(w)}


def _ledgers(w):
    from gongfa.db import db
    from gongfa.ledger import services as ledger

    sub = ledger.submit_quarter(w.units["T1"], 2026, 2, pdf=b"%PDF-1.7 test", actor=w.users["head"])
    drawn = ledger.draw(w.units["P"], year=2026, quarter=2, per_township=2, actor=w.users["admin"])
    db.session.commit()
    return {"SUB": sub.id, "DRAW": drawn.id, "C1": w.units["C1"].id}


def _entries(w, sessions):
    from datetime import time

    from gongfa.db import db
    from gongfa.worklog import services as worklog
    from gongfa.worklog.models import Category, Mode, Referral

    made = {}
    for key, point, referral in (("V1", "V1", Referral.NONE), ("V3", "V3", Referral.NONE),
                                 ("REF", "V1", Referral.LEGAL_AID)):  # sent on to legal aid: it has a slip
        made[key], _ = worklog.create_entry(
            lawyer=w.users["lawyer"], point=org.point_of(w.units[point]), session=sessions[point], form_token=None,
            submit=True, today=clock.today(), served_on=clock.today(), starts_at=time(9, 0), ends_at=time(10, 0),
            place="", persons="居民", mode=Mode.ON_SITE, category=Category.CONSULTATION, content="咨询", result="",
            referral=referral)
    db.session.commit()
    return {"E1": made["V1"].id, "E3": made["V3"].id, "EREF": made["REF"].id}


def _cases(w):
    from gongfa.db import db
    from gongfa.mediation import services as mediation
    from gongfa.mediation.models import CaseSource, PartySide

    made = {}
    for key in ("V1", "V3"):
        made[key] = mediation.open_case(
            point=org.point_of(w.units[key]), source=CaseSource.APPLICATION, category="02", summary="排水沟",
            requests="", applied_on=clock.today(), actor=w.users["admin"],
            parties=[{"side": PartySide.APPLICANT, "name": "甲", "phone": "13800000009"},
                     {"side": PartySide.RESPONDENT, "name": "乙"}])
    follow = mediation.plan_follow_up(made["V1"], today=clock.today())
    db.session.commit()
    return {"C_V1": made["V1"].id, "C_V3": made["V3"].id, "PA1": made["V1"].parties[0].id, "F1": follow.id}


def _booking(session, phone):
    from datetime import time

    from gongfa.signup import services as signup
    from gongfa.signup.models import BookingChannel, BookingKind

    return signup.book(session, starts_at=time(10, 0), name="居民", phone=phone, village=None, language="zh_Hans",
                       kind=BookingKind.CONSULTATION, description="", channel=BookingChannel.PUBLIC).booking


def _ids(w):
    adviser = next(a for a in org.list_assignments(org.Unit.id == w.units["V1"].id, current_on=None).items)
    membership = org.db.session.scalar(
        org.select(Membership).where(Membership.user_id == w.users["officer"].id))
    return {
        "V1": w.units["V1"].id, "V3": w.units["V3"].id, "V4": w.units["V4"].id, "T1": w.units["T1"].id,
        "P1": org.point_of(w.units["V1"]).id, "PT1": org.point_of(w.units["T1"]).id,
        "P4": org.point_of(w.units["V4"]).id,
        "firm": w.firm.id, "adv": adviser.id, "officer": w.users["officer"].id, "head2": w.users["head2"].id,
        "m_off": membership.id, **_sessions(w), "year": clock.today().year, "month": clock.today().month,
        **_multi_unit(w),
    }


def _multi_unit(w):
    """Add the people where scopes meet (after the sessions and records above are made) and their ids."""
    w.add_multi_unit_people()
    return {"firm2": w.firm2.id, "lawyer_c2": w.users["lawyer_c2"].id, "moved": w.users["moved"].id}


# (endpoint, method, url template, roles allowed). Anonymous users are sent to the login page
# unless None is allowed; logged-in users who are not allowed get 403.
MATRIX = [
    ("home.index", "GET", "/", ALL),
    ("home.language", "POST", "/lang", ALL),
    ("auth.login", "GET", "/auth/login", ALL),
    ("auth.logout", "POST", "/auth/logout", ALL),
    ("auth.password", "GET", "/auth/password", STAFF | {"auditor"}),
    ("auth.activate", "GET", "/auth/activate", ALL),
    ("org.units", "GET", "/org/units", READERS),
    ("org.unit_show", "GET", "/org/units/{V1}", V1_STAFF),
    ("org.unit_show", "GET", "/org/units/{V3}", C1_VIEWERS),  # village B: not for V1's officer, lawyer, T1 head
    ("org.unit_show", "GET", "/org/units/{V4}", C2_ADMINS | {"inspector"}),  # another county
    ("org.unit_new", "GET", "/org/units/new", ANY_ADMIN),
    ("org.unit_edit", "GET", "/org/units/{V1}/edit", ADMINS),
    ("org.unit_edit", "GET", "/org/units/{V4}/edit", C2_ADMINS),
    ("org.unit_edit", "POST", "/org/units/{V1}/edit", ADMINS),
    ("org.point_edit", "GET", "/org/points/{P1}/edit", ADMINS),
    ("org.point_edit", "GET", "/org/points/{P4}/edit", C2_ADMINS),
    ("org.point_edit", "POST", "/org/points/{P1}/edit", ADMINS),
    ("org.firms", "GET", "/org/firms", VIEWERS),
    ("org.firm_new", "GET", "/org/firms/new", ANY_ADMIN),
    ("org.firm_edit", "GET", "/org/firms/{firm}/edit", ADMINS),  # a 博乐 firm
    ("org.firm_edit", "POST", "/org/firms/{firm}/edit", ADMINS),
    ("org.firm_edit", "GET", "/org/firms/{firm2}/edit", C2_ADMINS),  # a 精河 firm: not 博乐's admin
    ("org.firm_edit", "POST", "/org/firms/{firm2}/edit", C2_ADMINS),
    ("org.assignments", "GET", "/org/assignments", VIEWERS),
    ("org.assignment_new", "GET", "/org/assignments/new", ANY_ADMIN),
    ("org.assignment_end", "GET", "/org/assignments/{adv}/end", ADMINS),
    ("org.assignment_end", "POST", "/org/assignments/{adv}/end", ADMINS),
    ("org.staffing", "GET", "/org/staffing", READERS),
    ("org.import_", "GET", "/org/import", ANY_ADMIN),
    ("org.import_template", "GET", "/org/import/template.xlsx", ANY_ADMIN),
    ("org.import_activations", "GET", "/org/import/activations.xlsx", ANY_ADMIN),
    ("org.import_points", "GET", "/org/import/points.xlsx", ANY_ADMIN),
    ("people.users_export", "GET", "/people/export.xlsx", ANY_ADMIN),
    ("people.users", "GET", "/people/", VIEWERS),
    ("people.user_new", "GET", "/people/new", ANY_ADMIN),
    ("people.user_edit", "GET", "/people/{officer}", C1_VIEWERS),
    ("people.user_edit", "POST", "/people/{officer}", ADMINS),  # the inspector only reads
    ("people.user_edit", "GET", "/people/{head2}", C2_ADMINS | {"inspector"}),  # 托里镇 is not 博乐's
    # Accounts whose current roles reach beyond a county: only the prefecture's admins change them.
    ("people.user_edit", "POST", "/people/{lawyer_c2}", PREFECTURE),  # a 精河 lawyer advising a 博乐 village
    ("people.set_password", "GET", "/people/{lawyer_c2}/password", PREFECTURE),
    ("people.set_password", "POST", "/people/{lawyer_c2}/password", PREFECTURE),
    ("people.user_edit", "POST", "/people/{moved}", {"admin"}),  # once 营盘社区's officer; nobody manages themself
    ("people.set_password", "POST", "/people/{moved}/password", {"admin"}),
    ("people.membership_new", "GET", "/people/{officer}/memberships/new", ADMINS),
    ("people.membership_end", "GET", "/people/memberships/{m_off}/end", ADMINS),
    ("people.set_password", "GET", "/people/{officer}/password", ADMINS),
    ("duty.my", "GET", "/duty/my", LAWYERS),
    ("duty.session_show", "GET", "/duty/sessions/{S_V1}", V1_STAFF),
    ("duty.session_show", "GET", "/duty/sessions/{S_V3}", C1_VIEWERS),  # another township's village
    ("duty.session_action", "POST", "/duty/sessions/{S_T1}/accept", {"lawyer"}),  # only the assigned lawyer
    ("duty.session_action", "POST", "/duty/sessions/{S_V3}/accept", set()),
    ("duty.session_decline", "GET", "/duty/sessions/{S_T1}/decline", {"lawyer"}),
    ("duty.session_propose", "POST", "/duty/sessions/{S_V1}/propose", {"lawyer", "officer"}),
    ("duty.session_substitute", "GET", "/duty/sessions/{S_T1}/substitute", {"head"} | ADMINS),
    ("duty.session_substitute", "POST", "/duty/sessions/{S_T1}/substitute", {"head"} | ADMINS),
    ("duty.session_swap", "GET", "/duty/sessions/{S_T1}/swap", {"head"} | ADMINS),
    ("duty.village", "GET", "/duty/villages/{V1}", V1_STAFF),
    ("duty.village", "GET", "/duty/villages/{V3}", C1_VIEWERS),
    ("duty.station_month", "GET", "/duty/stations/{T1}/{year}/{month}", READERS - {"county2"}),
    ("duty.compliance", "GET", "/duty/compliance", READERS),
    ("duty.generate", "POST", "/duty/generate", {"head"} | ANY_ADMIN),
    ("duty.extra_new", "GET", "/duty/extra/new", {"head"} | ANY_ADMIN),
    ("duty.rule_edit", "GET", "/duty/rules/{PT1}", {"head"} | ADMINS),
    ("duty.holidays", "GET", "/duty/holidays", READERS),
    ("duty.holidays", "POST", "/duty/holidays", ANY_ADMIN),
    ("duty.feed_manage", "GET", "/duty/feed", LAWYERS),
    ("duty.feed", "GET", "/duty/feed/{token}.ics", ALL),
    ("signup.session", "GET", "/signup/sessions/{S_V1}", V1_STAFF),
    ("signup.session", "GET", "/signup/sessions/{S_V3}", C1_VIEWERS),
    ("signup.walk_in", "POST", "/signup/sessions/{S_V1}/walk-in", V1_STAFF - {"inspector"}),
    ("signup.walk_in", "POST", "/signup/sessions/{S_V3}/walk-in", ADMINS),
    ("signup.slots", "POST", "/signup/sessions/{S_V1}/slots", V1_STAFF - {"inspector"}),
    ("signup.booking_cancel", "GET", "/signup/bookings/{B1}/cancel", V1_STAFF - {"inspector"}),  # asks first
    ("signup.booking_cancel", "POST", "/signup/bookings/{B1}/cancel", V1_STAFF - {"inspector"}),
    ("signup.booking_action", "POST", "/signup/bookings/{B3}/no_show", ADMINS),
    ("signup.reveal", "POST", "/signup/bookings/{B1}/reveal", V1_STAFF - {"inspector"}),
    ("signup.reveal", "POST", "/signup/bookings/{B3}/reveal", ADMINS),  # another township's resident
    ("signup.rate", "POST", "/signup/bookings/{B1}/rate", V1_STAFF - {"inspector"}),
    ("ledger.ratings", "GET", "/ledger/ratings", READERS | {"officer"}),
    ("booking.sessions", "GET", "/v/652701100001/book", ALL),
    ("booking.book", "GET", "/book/{S_V1}", ALL),
    # Residents book; staff book for them at their own places; the read-only inspector books nothing.
    ("booking.book", "POST", "/book/{S_V1}", ALL - {"inspector", "county2", "lawyer2", "auditor"}),
    ("booking.receipt", "GET", "/b/{rcpt}", ALL),
    ("booking.cancel", "GET", "/b/{rcpt}/cancel", ALL),
    ("booking.cancel", "POST", "/b/{rcpt}/cancel", ALL),
    ("booking.rate", "POST", "/b/{rcpt}/rate", ALL),
    ("booking.find", "GET", "/b/find", ALL),
    ("mediation.cases", "GET", "/mediation/", STAFF - LAWYERS),
    ("mediation.cases_xlsx", "GET", "/mediation/cases.xlsx", STAFF - LAWYERS),
    ("mediation.case_new", "GET", "/mediation/new", STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_show", "GET", "/mediation/{C_V1}", V1_STAFF - LAWYERS),
    ("mediation.case_show", "GET", "/mediation/{C_V3}", C1_VIEWERS),  # another township's committee
    ("mediation.case_accept", "POST", "/mediation/{C_V1}/accept", V1_STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_accept", "POST", "/mediation/{C_V3}/accept", ADMINS),
    ("mediation.case_refuse", "GET", "/mediation/{C_V1}/refuse", V1_STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_refuse", "POST", "/mediation/{C_V3}/refuse", ADMINS),
    ("mediation.case_terminate", "GET", "/mediation/{C_V3}/terminate", ADMINS),
    ("mediation.case_terminate", "POST", "/mediation/{C_V1}/terminate", V1_STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_record", "POST", "/mediation/{C_V1}/record", V1_STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_agreement", "POST", "/mediation/{C_V1}/agreement", V1_STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_performed", "POST", "/mediation/{C_V3}/performed", ADMINS),
    ("mediation.case_follow_up", "POST", "/mediation/{C_V1}/follow-up/{F1}", V1_STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_close", "POST", "/mediation/{C_V1}/close", V1_STAFF - LAWYERS - {"inspector"}),
    ("mediation.case_rate", "POST", "/mediation/{C_V1}/rate", V1_STAFF - LAWYERS - {"inspector"}),
    # Full phone and ID numbers: only the committee's own people, not the bureau or the inspector.
    ("mediation.party_reveal", "POST", "/mediation/{C_V1}/parties/{PA1}/reveal", {"officer", "mediator", "head"}),
    ("worklog.index", "GET", "/log/", STAFF),
    ("worklog.new", "GET", "/log/new", LAWYERS),
    ("worklog.show", "GET", "/log/{E1}", V1_STAFF),
    ("worklog.show", "GET", "/log/{E3}", C1_VIEWERS | {"lawyer"}),  # the author, and those over 达勒特村
    ("worklog.edit", "GET", "/log/{E1}/edit", {"lawyer"}),
    ("worklog.countersign", "POST", "/log/{E3}/countersign", set()),  # 达勒特村: no role in ROLES signs there
    ("worklog.countersign", "GET", "/log/{E1}/countersign", {"officer"}),  # the question before it locks
    ("worklog.countersign", "POST", "/log/{E1}/countersign", {"officer"}),  # the village's own officer only
    ("worklog.countersign_visit", "GET", "/log/sessions/{S_V1}/countersign", {"officer"}),
    ("worklog.countersign_visit", "POST", "/log/sessions/{S_V1}/countersign", {"officer"}),
    ("worklog.amend", "POST", "/log/{E1}/amend", {"lawyer", "officer"}),
    ("ledger.index", "GET", "/ledger/", STAFF),
    ("ledger.statistics_xlsx", "GET", "/ledger/statistics/{T1}.xlsx", READERS - {"county2"}),
    ("ledger.statistics_xlsx", "GET", "/ledger/statistics/{C1}.xlsx", C1_VIEWERS),
    ("ledger.quarter", "GET", "/ledger/quarters/{T1}/2026/4", READERS - {"county2"}),
    ("ledger.quarter", "POST", "/ledger/quarters/{T1}/2026/3", {"head"}),  # only the township's station head
    ("ledger.submitted_pdf", "GET", "/ledger/submissions/{SUB}.pdf", READERS - {"county2"}),
    ("ledger.inspection", "GET", "/ledger/inspection", ANY_ADMIN | {"inspector"}),
    ("ledger.draw_show", "GET", "/ledger/inspection/{DRAW}", PREFECTURE | {"inspector"}),  # a prefecture-wide draw
    ("verify.show", "GET", "/verify/", ALL),
    ("public.village", "GET", "/v/652701100001", ALL),
    # The audit trail: bureau admins (a county's see their county) and the auditor, who sees nothing else.
    ("audit.events", "GET", "/audit/", ANY_ADMIN | {"auditor"}),
    ("audit.events", "GET", "/audit/?person=officer&date_from=2026-01-01", ANY_ADMIN | {"auditor"}),
    ("audit.events", "POST", "/audit/", ANY_ADMIN | {"auditor"}),  # check a number (422: none given)
    ("audit.export", "GET", "/audit/export.xlsx", ANY_ADMIN | {"auditor"}),
    ("static", "GET", "/static/css/app.css", ALL),
]
# The PDFs (0.2–1 s each): allowed roles get a PDF, the others 403, anonymous users the login page.
QUARTER = "?year=2026&quarter=2"
SLOW = [("public.notice", "GET", "/v/652701100001/notice.pdf", ALL),
        ("duty.roster_pdf", "GET", "/duty/stations/{T1}/{year}/{month}/roster.pdf", STAFF - {"county2"}),
        ("mediation.case_file", "GET", "/mediation/{C_V1}/file.pdf", V1_STAFF - LAWYERS),
        ("mediation.case_file", "GET", "/mediation/{C_V3}/file.pdf", C1_VIEWERS),  # another township's committee
        ("mediation.agreement_pdf", "GET", "/mediation/{C_V1}/agreement.pdf", V1_STAFF - LAWYERS),  # none yet: 404
        ("worklog.referral", "GET", "/log/{EREF}/referral.pdf", V1_STAFF),
        ("worklog.referral", "GET", "/log/{E1}/referral.pdf", V1_STAFF),  # no referral: 404 (below)
        # 营盘社区's volume: its adviser ("lawyer") prints it, the other lawyer of the same station does not.
        ("ledger.volume", "GET", "/ledger/villages/{V1}/volume.pdf" + QUARTER, V1_STAFF),
        ("ledger.duty_ledger", "GET", "/ledger/stations/{T1}/duty.pdf" + QUARTER, STAFF - {"officer", "county2"}),
        ("ledger.statistics_pdf", "GET", "/ledger/statistics/{T1}.pdf" + QUARTER, READERS - {"county2"}),
        ("ledger.draw_volumes", "GET", "/ledger/inspection/{DRAW}/volumes.pdf", PREFECTURE | {"inspector"})]


def test_every_route_is_in_the_matrix(app):
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routed == {row[0] for row in MATRIX + SLOW}


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_access_matrix(world, client, auth, role):
    ids = _ids(world)
    if role:
        assert auth.login(role).status_code == 303
    failures = []
    for endpoint, method, template, allowed in MATRIX:
        url = template.format(**ids)
        # An empty POST is enough: a denied role is refused before the form is read.
        response = client.open(url, method=method, data={})
        response.close()
        sent_to_login = response.status_code == 302 and "/auth/login" in response.headers["Location"]
        if role in allowed:
            ok = response.status_code in (200, 302, 303, 422) and not sent_to_login
            if endpoint.startswith("auth.logout") and role:
                auth.login(role)  # logging out was allowed; log back in for the rest
        elif role is None:
            ok = sent_to_login
        else:
            ok = response.status_code == 403
        if not ok:
            failures.append(f"{method} {url} ({endpoint}) as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_pdf_access_matrix(world, client, auth, role):
    """Every PDF row, each role: an allowed one prints a PDF, the others are refused."""
    ids = _ids(world)
    if role:
        assert auth.login(role).status_code == 303
    failures = []
    for endpoint, method, template, allowed in SLOW:
        url = template.format(**ids)
        response = client.open(url, method=method)
        if role in allowed and ("{E1}" in template or "agreement.pdf" in template):
            ok = response.status_code == 404  # an entry with no referral has no slip, a case with no agreement none
        elif role in allowed:
            ok = response.status_code == 200 and response.data.startswith(b"%PDF-")
        elif role is None:
            ok = response.status_code == 302 and "/auth/login" in response.headers["Location"]
        else:
            ok = response.status_code == 403
        response.close()
        if not ok:
            failures.append(f"{method} {url} ({endpoint}) as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("who", "row"), [("officer3", "ledger.volume"), ("head2", "duty.roster_pdf"),
                                          ("officer3", "mediation.case_file")])
def test_pdfs_of_a_place_are_refused_to_staff_of_another(world, client, auth, who, row):
    """达勒特村's officer asks for 营盘社区's volume and case file; 托里镇's head for 小营盘镇's roster."""
    ids = _ids(world)
    template = next(r[2] for r in SLOW if r[0] == row)
    auth.login(who)
    assert client.get(template.format(**ids)).status_code == 403


def test_officer_of_village_a_cannot_edit_village_b_by_id(world, client, auth):
    auth.login("officer")
    v3 = world.units["V3"]
    assert client.get(f"/org/units/{v3.id}").status_code == 403
    assert client.post(f"/org/units/{v3.id}/edit", data={"name_zh": "改名"}).status_code == 403
    assert client.get(f"/org/units/{world.units['V1'].id}").status_code == 200


def test_unknown_ids_are_404_not_500(world, client, auth):
    auth.login("admin")
    for url in ("/org/units/999999", "/org/points/999999/edit", "/org/firms/999999/edit",
                "/org/assignments/999999/end", "/people/999999", "/people/memberships/999999/end",
                "/v/000000000000", "/v/x" * 3):
        assert client.get(url).status_code == 404, url
