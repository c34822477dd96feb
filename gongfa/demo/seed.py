"""Load the demo data through the same services the web pages use (so it is audited too).

Staffing is 1+1+2+N at stations and 1+1+1+N at studios, except a few places left short on purpose
so the staffing check has something to show.
"""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from gongfa import clock
from gongfa.auth import services as auth_services
from gongfa.demo import data
from gongfa.org import services as org
from gongfa.org.hours import parse_text
from gongfa.org.models import AssignmentKind, Unit, UnitLevel
from gongfa.people import services as people
from gongfa.people.models import Position, Role

DEMO_PASSWORD = "Bozhou.2026"
SINCE = date(2025, 1, 1)

# The accounts the README lists: (username, role, where, person index in data.PEOPLE)
DEMO_ACCOUNTS = [
    ("admin", Role.BUREAU_ADMIN, "652700", "州司法局"),
    ("bole-admin", Role.BUREAU_ADMIN, "652701", "博乐市司法局"),
    ("inspector", Role.INSPECTOR, "652700", "州验收小组"),
    ("head", Role.STATION_HEAD, "652701100", "小营盘镇司法所"),
    ("officer", Role.OFFICER, "652701100001", "营盘社区"),
    ("lawyer", Role.LAWYER, "652701100", "小营盘镇（值班）及其村居（法律顾问）"),
    ("mediator", Role.MEDIATOR, "652701100", "小营盘镇工作站"),
    ("auditor", Role.AUDITOR, "652700", "州司法局（审计日志，只读）"),
]

# Places left short on purpose: (unit code, requirement skipped)
SHORT = {
    "652701101": "mediator2",  # 达勒特镇: one mediator only
    "652722102": "head",  # 托里镇: no station head
    "652723201": "firm",  # 查干屯格乡: no firm assigned
    "652701100002": "mediator",  # 吉祥社区: no local mediator
    "652722100001": "adviser",  # 精河镇 first community: no legal adviser
    "652723100002": "officer",  # 博格达尔镇 second community: no officer
}


# Townships whose firm sends the duty lawyer of another of its townships, having no one else: the two
# stations' Wednesday mornings cannot both be sat, and the second shows as short (township → the other one).
SHARED_DUTY = {
    "652702100": "652702001",  # 艾比湖镇 shares 阿拉套街道's one duty lawyer (新疆阿拉套律师事务所)
}


class _Names:
    """Hands out people from the demo name list in a fixed, repeatable order."""

    def __init__(self):
        self.people = list(data.PEOPLE)
        random.Random(2026).shuffle(self.people)
        self.i = 0

    def next(self) -> dict:
        person = self.people[self.i % len(self.people)]
        self.i += 1
        return person


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"


def _point_texts(point, texts: dict) -> None:
    """A demo point's address, description and services offered in zh, ug and kk (data.STATION_TEXTS …)."""
    unit = point.unit
    committee = "居委会" if unit.kind == "社区" else "村委会"
    for base, (zh, ug, kk) in texts.items():
        setattr(point, base, zh.format(name=unit.name_zh, committee=committee))
        setattr(point, f"{base}_ug", ug.format(name=unit.name_ug or unit.name_zh))
        setattr(point, f"{base}_kk", kk.format(name=unit.name_kk or unit.name_zh))


def _seed_duty(townships, villages) -> int:
    """Weekly Wednesday rules at stations, monthly rules at studios, this year's holidays, and sessions
    from the start of last month, so calendars, the public page and compliance have something to show."""
    from gongfa.duty import generation, holidays
    from gongfa.duty.models import RuleKind

    today = clock.today()
    holidays.sync_national_holidays([2025, 2026, today.year, today.year + 1])
    holidays.seed_xinjiang_2025()
    for town in townships:
        generation.create_rule(point=org.point_of(town), kind=RuleKind.WEEKLY, valid_from=SINCE)
    for i, village in enumerate(villages):
        point = org.point_of(village)
        if point is not None:
            generation.create_rule(point=point, kind=RuleKind.MONTHLY, valid_from=SINCE, day_of_month=5 + (i * 3) % 20)
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    created = generation.generate_all(first=start, weeks=12, months=4)
    _demo_history(today)
    _demo_services(today)
    _demo_worklog(today)
    return created


LOG_SAMPLES = [
    ("consultation", "村民", "土地承包经营权流转合同咨询", "解释了流转期限和收益分配，建议签书面合同"),
    ("consultation", "村民", "外出务工工资被拖欠", "告知劳动监察投诉和劳动仲裁途径"),
    ("review", "村民委员会", "审查村规民约修订稿", "提出三条修改意见，删除与法律相抵触的罚款条款"),
    ("lecture", "村民40人", "民法典婚姻家庭编讲座", "发放双语宣传资料120份"),
    ("mediation", "两户村民", "宅基地边界纠纷", "现场调解，移交村调委会跟进"),
    ("opinion", "村民委员会", "集体土地租赁合同", "出具书面法律意见"),
    ("legal_aid", "村民", "工伤赔偿", "指导申请法律援助，已转交市法律援助中心"),
    ("drafting", "村民", "代写赡养协议", "协议已由双方签字"),
]


def _demo_worklog(today) -> None:
    """Work-log entries for the visits that happened: countersigned, or still to sign (the flagged example)."""
    from datetime import datetime

    from gongfa.clock import BEIJING
    from gongfa.db import db
    from gongfa.duty.models import DutySession, SessionStatus
    from gongfa.worklog.models import Category, EntryStatus, Mode, Referral, WorkLogEntry

    rng = random.Random(2026)
    sessions = db.session.scalars(select(DutySession).where(
        DutySession.status.in_([SessionStatus.COUNTERSIGNED, SessionStatus.DONE]),
        DutySession.lawyer_id.isnot(None), DutySession.on <= today)).all()
    for s in sessions:
        start = s.checked_in_at.astimezone(BEIJING) if s.checked_in_at else datetime.combine(s.on, s.starts_at)
        for n in range(rng.choice([1, 1, 2, 3])):
            category, persons, content, result = rng.choice(LOG_SAMPLES)
            begin = (start + timedelta(minutes=50 * n)).time().replace(second=0, microsecond=0)
            end = (start + timedelta(minutes=50 * n + 45)).time().replace(second=0, microsecond=0)
            signed = s.status == SessionStatus.COUNTERSIGNED
            entry = WorkLogEntry(
                point_id=s.point_id, lawyer_id=s.lawyer_id, session_id=s.id, served_on=s.on, starts_at=begin,
                ends_at=end, place="", persons=persons, mode=Mode.ON_SITE, category=Category(category),
                content=content, result=result,
                referral=Referral.LEGAL_AID if category == "legal_aid" else Referral.NONE,
                status=EntryStatus.COUNTERSIGNED if signed else EntryStatus.SUBMITTED,
                countersigned_by_id=s.countersigned_by_id if signed else None,
                countersigned_at=s.countersigned_at if signed else None)
            db.session.add(entry)
    db.session.flush()


def _demo_services(today) -> None:
    """Sign-ups at 营盘社区's visits (past ones attended and rated) and mediation cases in every state
    worth showing: closed with agreement and follow-up, one open past 30 days, one refused, one new."""
    from datetime import time

    from gongfa.db import db
    from gongfa.duty.models import DutySession, RuleKind
    from gongfa.mediation import services as mediation
    from gongfa.mediation.models import AgreementKind, CaseSource, PartySide
    from gongfa.people.models import Membership, User
    from gongfa.ratings.models import RatingValue
    from gongfa.signup import services as signup
    from gongfa.signup.models import BookingChannel, BookingKind

    village = db.session.scalar(select(Unit).where(Unit.code == "652701100001"))
    point = org.point_of(village)
    officer = db.session.scalar(select(User).join(Membership).where(Membership.point_id == point.id,
                                                                     Membership.role == Role.OFFICER))
    visits = db.session.scalars(select(DutySession).where(DutySession.point_id == point.id,
                                                          DutySession.kind == RuleKind.MONTHLY)
                                .order_by(DutySession.on)).all()
    residents = [("古丽巴哈尔·艾买提", "13909091201", BookingKind.CONSULTATION, "土地承包合同到期怎么续签"),
                 ("王秀兰", "13909091202", BookingKind.MEDIATION, "和邻居因排水沟发生纠纷"),
                 ("叶尔波拉提·沙吾提", "13909091203", BookingKind.CONSULTATION, "打工工资被拖欠")]
    for visit in visits:
        for i, (name, phone, kind, note) in enumerate(residents):
            past = visit.on < today
            if not past and not signup.is_bookable(visit, today):
                continue
            if past:  # recorded on the day as they came
                booking = signup.book(visit, starts_at=None, name=name, phone=phone, village=village,
                                      language="zh_Hans", kind=kind, description=note,
                                      channel=BookingChannel.WALK_IN, actor=officer, today=today).booking
                signup.rate(booking, value=[RatingValue.SATISFIED, RatingValue.SATISFIED, RatingValue.BASIC][i],
                            comment="", actor=officer)
            else:
                signup.book(visit, starts_at=time(10, 0) if i < 2 else time(10, 30), name=name, phone=phone,
                            village=village, language="zh_Hans", kind=kind, description=note,
                            channel=BookingChannel.PUBLIC, today=today)

    def parties(a, r):
        return [{"side": PartySide.APPLICANT, **a}, {"side": PartySide.RESPONDENT, **r}]

    zhang = {"name": "张桂芳", "gender": "female", "ethnicity": "01", "age": 56, "occupation": "farmer",
             "phone": "13909091301", "address": "营盘社区2组", "id_number": "652701197003152427"}
    # He reads Uyghur: his agreement and case file print in Chinese and Uyghur (coded values: mediation.codes).
    ahmat = {"name": "艾合买提·吐尔逊", "name_native": "ئەخمەت تۇرسۇن", "language": "ug", "gender": "male",
             "ethnicity": "05", "age": 44, "occupation": "self_employed",
             "phone": "13909091302", "address": "营盘社区2组", "id_number": ""}
    closed = mediation.open_case(point=point, source=CaseSource.APPLICATION, category="02",
                                 summary="两家院墙之间排水沟堵塞，雨水灌进张家院子，双方多次争吵。",
                                 requests="清理排水沟，赔偿损失", applied_on=today - timedelta(days=40),
                                 parties=parties(zhang, ahmat), actor=officer)
    mediation.accept(closed, actor=officer, mediator=officer, version=None, today=today - timedelta(days=39))
    mediation.add_record(closed, held_on=today - timedelta(days=35), place="营盘社区工作室", present="网格员",
                         content="双方陈述事实，经释法说理，同意共同清理排水沟，艾合买提赔偿300元。",
                         content_alt="ئىككى تەرەپ ئەھۋالنى بايان قىلدى، قانۇن چۈشەندۈرۈلگەندىن كېيىن ئېرىقنى بىرلىكتە "
                                     "تازىلاشقا، ئەخمەت 300 يۈەن تۆلەم بېرىشكە قوشۇلدى.", actor=officer, version=None)
    mediation.record_agreement(closed, kind=AgreementKind.WRITTEN, facts="排水沟堵塞，艾合买提负主要责任。",
                               clauses="艾合买提于一周内清理排水沟\n艾合买提赔偿张桂芳300元\n今后双方共同维护排水沟",
                               facts_alt="ئېرىق توسۇلۇپ قالغان، ئاساسلىق مەسئۇلىيەت ئەخمەتتە.",
                               clauses_alt="ئەخمەت بىر ھەپتە ئىچىدە ئېرىقنى تازىلايدۇ\n"
                                           "ئەخمەت جاڭ گۈيفاڭغا 300 يۈەن تۆلەم بېرىدۇ\n"
                                           "بۇنىڭدىن كېيىن ئىككى تەرەپ ئېرىقنى بىرلىكتە ئاسرايدۇ",
                               performance="cash", due=today - timedelta(days=28),
                               effective_on=today - timedelta(days=35), actor=officer, version=None,
                               today=today - timedelta(days=35))
    mediation.mark_performed(closed, on=today - timedelta(days=30), actor=officer, version=None)
    mediation.record_follow_up(closed.follow_ups[0], done_on=today - timedelta(days=20),
                               content="协议已履行，排水沟畅通，双方满意。", actor=officer, version=None)
    mediation.close(closed, actor=officer, version=None, today=today - timedelta(days=20))
    mediation.rate(closed, value=RatingValue.SATISFIED, comment="", actor=officer)
    stuck = mediation.open_case(point=point, source=CaseSource.REFERRAL, category="01",
                                summary="赡养老人费用分担，兄妹三人意见不一。", requests="确定每人每月赡养费",
                                applied_on=today - timedelta(days=45),
                                parties=parties({"name": "李淑珍", "gender": "female", "age": 78},
                                                {"name": "李建军", "gender": "male", "age": 50}), actor=officer)
    mediation.accept(stuck, actor=officer, mediator=officer, version=None, today=today - timedelta(days=44))
    mediation.add_record(stuck, held_on=today - timedelta(days=30), place="营盘社区工作室", present="",
                         content="长子不同意分担比例，约定下次再谈。", actor=officer, version=None)
    refused = mediation.open_case(point=point, source=CaseSource.INITIATIVE, category="07",
                                  summary="承包地边界争议。", requests="", applied_on=today - timedelta(days=10),
                                  parties=parties({"name": "马福林", "ethnicity": "03", "occupation": "farmer"},
                                                  {"name": "哈力木·巴合提", "name_native": "حالىم باقىت",
                                                   "language": "kk_Arab", "ethnicity": "17",
                                                   "occupation": "herder"}), actor=officer)
    mediation.party_refuses(refused, reason="被申请人明确表示不接受调解，已告知可向法院起诉。", actor=officer,
                            version=None, today=today - timedelta(days=9))
    mediation.open_case(point=point, source=CaseSource.APPLICATION, category="10",
                        summary="在建筑工地打工，工资被拖欠两个月。", requests="支付拖欠工资8000元", applied_on=today,
                        parties=parties({"name": "叶尔波拉提·沙吾提", "name_native": "ەربولات ساۋىت",
                                         "language": "kk_Arab", "ethnicity": "17", "occupation": "6",
                                         "phone": "13909091203"},
                                        {"name": "某建筑队负责人"}), actor=officer)
    db.session.flush()


def _demo_history(today) -> None:
    """Give the demo a past: most earlier sessions happened and were countersigned, a few were not
    (so compliance has flags to show), and some of this month's visits are already confirmed."""
    from datetime import datetime

    from gongfa.clock import BEIJING
    from gongfa.db import db
    from gongfa.duty.models import ChangeKind, DutySession, RuleKind, SessionChange, SessionStatus

    rng = random.Random(348)
    sessions = db.session.scalars(db.select(DutySession).where(DutySession.status == SessionStatus.PLANNED)).all()
    example = _short_visit_example(sessions, today)
    for s in sessions:
        if s.lawyer_id is None:
            continue
        roll = rng.random()
        if s is example:  # the flagged example (README "Duty calendars"): left after 35 minutes, not yet signed
            s.checked_in_at = datetime.combine(s.on, s.starts_at, tzinfo=BEIJING) + timedelta(minutes=5)
            s.checked_out_at = s.checked_in_at + timedelta(minutes=35)
            s.status = SessionStatus.DONE
            for kind in (ChangeKind.ACCEPTED, ChangeKind.CHECKED_IN, ChangeKind.CHECKED_OUT):
                s.changes.append(SessionChange(kind=kind, actor_id=s.lawyer_id))
        elif s.on < today and roll < 0.85:
            # Real days: in within 20 minutes of the start, out around the planned end (no flags).
            start = datetime.combine(s.on, s.starts_at, tzinfo=BEIJING) + timedelta(minutes=rng.randrange(0, 20))
            s.checked_in_at = start
            s.checked_out_at = (datetime.combine(s.on, s.ends_at, tzinfo=BEIJING)
                                + timedelta(minutes=rng.choice([-20, -5, 10, 25])))
            s.status = SessionStatus.COUNTERSIGNED
            s.countersigned_at = s.checked_out_at + timedelta(minutes=30)
            officer = _local_officer(s)
            s.countersigned_by_id = officer
            for kind in (ChangeKind.ACCEPTED, ChangeKind.CHECKED_IN, ChangeKind.CHECKED_OUT, ChangeKind.COUNTERSIGNED):
                s.changes.append(SessionChange(kind=kind, actor_id=officer if kind == ChangeKind.COUNTERSIGNED
                                               else s.lawyer_id))
        elif s.on >= today and (s.kind == RuleKind.WEEKLY or roll < 0.6) and s.on.month == today.month:
            s.status = SessionStatus.CONFIRMED
            s.changes.append(SessionChange(kind=ChangeKind.ACCEPTED, actor_id=s.lawyer_id))
    db.session.flush()


def _short_visit_example(sessions, today):
    """Last month's visit to 营盘社区 (the demo officer's community): the one deliberately flagged attendance,
    so the officer sees what a flag looks like before countersigning (gongfa/duty/attendance.py)."""
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for s in sessions:
        if (s.lawyer_id is not None and s.point.unit.code == "652701100001" and s.kind.value == "monthly"
                and last_month <= s.on < today.replace(day=1)):
            return s
    return None


def _local_officer(session) -> int | None:
    """Who countersigns at a place: the studio's officer or the station's head."""
    from gongfa.db import db
    from gongfa.people.models import Membership

    role = Role.OFFICER if session.point.kind.value == "studio" else Role.STATION_HEAD
    return db.session.scalar(db.select(Membership.user_id).where(Membership.point_id == session.point_id,
                                                                 Membership.role == role).limit(1))


def is_demo_database() -> bool:
    """Whether this database was made by the demo seed (and so may hold its known passwords)."""
    from gongfa.db import SiteFlag, db

    return db.session.get(SiteFlag, "demo") is not None


def mark_demo() -> None:
    """Record that this database holds demo data."""
    from gongfa.db import SiteFlag, db

    db.session.merge(SiteFlag(key="demo", value="1"))


def is_empty() -> bool:
    """Whether the database has no units yet."""
    from gongfa.db import db

    return not db.session.scalar(select(func.count()).select_from(Unit))


def seed() -> dict[str, int]:
    """Create the demo data. Returns counts. The caller commits."""
    from gongfa.db import db

    rng = random.Random(1348)
    names = _Names()
    password_hash = auth_services.hash_password(DEMO_PASSWORD)
    counters = {"users": 0}

    def person(username: str, *, firm=None, named: dict | None = None):
        p = named or names.next()
        user = people.create_user(username=username, full_name=p["zh"], full_name_native=p.get("native") or "",
                                  native_lang=p.get("native_lang"),
                                  phone=_phone(rng), law_firm=firm,
                                  licence_no=f"1652720{rng.randrange(10**9, 10**10)}" if firm else "")
        user.password_hash = password_hash
        counters["users"] += 1
        return user

    def member(user, unit, role, position=None):
        people.add_membership(user=user, point=org.point_of(unit), role=role, starts_on=SINCE, position=position)

    pref = org.create_unit(code=data.PREFECTURE["code"], level=UnitLevel.PREFECTURE, parent=None,
                           name_zh=data.PREFECTURE["zh"], name_ug=data.PREFECTURE["ug"],
                           name_kk=data.PREFECTURE["kk"], kind="自治州")
    pref_point = org.point_of(pref)
    pref_point.phone = "0909-2231348"
    _point_texts(pref_point, data.CENTRE_TEXTS)
    pref_point.address, pref_point.address_ug, pref_point.address_kk = data.PREFECTURE_ADDRESS
    counties = {}
    for c in data.COUNTIES:
        counties[c["code"]] = org.create_unit(code=c["code"], level=UnitLevel.COUNTY, parent=pref,
                                              name_zh=c["zh"], name_ug=c["ug"], name_kk=c["kk"], kind=c["kind"])
        _point_texts(org.point_of(counties[c["code"]]), data.CENTRE_TEXTS)
    townships, villages = {}, {}
    for t in data.TOWNSHIPS:
        townships[t["code"]] = org.create_unit(code=t["code"], level=UnitLevel.TOWNSHIP,
                                               parent=counties[t["county"]], name_zh=t["zh"], name_ug=t["ug"],
                                               name_kk=t["kk"], kind=t["kind"])
        for v in data.VILLAGES[t["code"]]:
            villages[v["code"]] = org.create_unit(code=v["code"], level=UnitLevel.VILLAGE,
                                                  parent=townships[t["code"]], name_zh=v["zh"], name_ug=v["ug"],
                                                  name_kk=v["kk"], kind=v["kind"])
    # An XPCC regiment, kept in the tree but flagged: not run by the bureau, so no station.
    org.create_unit(code="652722503", level=UnitLevel.TOWNSHIP, parent=counties["652722"],
                    name_zh=data.XPCC_REGIMENT["zh"], name_ug=data.XPCC_REGIMENT["ug"],
                    name_kk=data.XPCC_REGIMENT["kk"], kind="兵团单位", is_xpcc=True)

    firms = {}
    for i, f in enumerate(data.LAW_FIRMS):
        firms.setdefault(f["county"], []).append(org.create_firm(
            name_zh=f["zh"], name_ug=f["ug"], name_kk=f["kk"], county=counties[f["county"]],
            licence_no=f"3165{2700 + i:04d}{rng.randrange(10**7, 10**8)}", phone=f["phone"],
            address=f["address"]))
    db.session.flush()

    # Named demo accounts first, so the README's logins are stable.
    admin = person("admin")
    member(admin, pref, Role.BUREAU_ADMIN, Position.SECTION_STAFF)
    bole_admin = person("bole-admin")
    member(bole_admin, counties["652701"], Role.BUREAU_ADMIN, Position.SECTION_STAFF)
    inspector = person("inspector")
    member(inspector, pref, Role.INSPECTOR, Position.INSPECTION_TEAM)
    for code, county in counties.items():
        if code != "652701":
            member(person(f"admin-{code}"), county, Role.BUREAU_ADMIN, Position.SECTION_STAFF)

    # A firm serves each of its townships with three duty lawyers of their own, plus one liaison for the
    # firm (DESIGN §1): its stations' Wednesday mornings can all be sat at once. 小营盘镇's first is "lawyer".
    # One small firm is short on purpose (SHARED_DUTY): the duty pages have a shortage to show.
    firm_of, teams = {}, {}
    for t_index, (t_code, town) in enumerate(townships.items()):
        county_firms = firms[town.parent.code]
        firm_of[t_code] = county_firms[0] if t_code == "652701100" else county_firms[t_index % len(county_firms)]
        if t_code in SHARED_DUTY:
            teams[t_code] = teams[SHARED_DUTY[t_code]]
            continue
        size = 1 if t_code in SHARED_DUTY.values() else 3
        teams[t_code] = [person("lawyer" if (t_code == "652701100" and k == 0) else f"lawyer-{t_code}-{k + 1}",
                                firm=firm_of[t_code]) for k in range(size)]
    for county_code, county_firms in firms.items():
        for fi, firm in enumerate(county_firms):
            person(f"lawyer-{county_code}-{fi + 1}-liaison", firm=firm)

    head_done = mediator_done = officer_done = False
    for t_code, town in townships.items():
        if SHORT.get(t_code) != "firm":
            org.create_assignment(kind=AssignmentKind.FIRM_TOWNSHIP, unit=town, firm=firm_of[t_code],
                                  starts_on=SINCE)
        if SHORT.get(t_code) != "head":
            username = "head" if (t_code == "652701100" and not head_done) else f"head-{t_code}"
            head_done = head_done or username == "head"
            member(person(username), town, Role.STATION_HEAD, Position.STATION_HEAD)
        team = teams[t_code]
        for lawyer in team:
            member(lawyer, town, Role.LAWYER, Position.DUTY_LAWYER)
        n_mediators = 1 if SHORT.get(t_code) == "mediator2" else 2
        for m in range(n_mediators):
            username = "mediator" if (t_code == "652701100" and m == 0 and not mediator_done) \
                else f"med-{t_code}-{m + 1}"
            mediator_done = mediator_done or username == "mediator"
            member(person(username), town, Role.MEDIATOR, Position.FULL_TIME_MEDIATOR)
        for o in range(rng.randrange(0, 3)):
            member(person(f"staff-{t_code}-{o + 1}"), town, Role.OTHER,
                   rng.choice([Position.GRID_WORKER, Position.VOLUNTEER, Position.CLERK]))

        for v_index, v in enumerate(data.VILLAGES[t_code]):
            village = villages[v["code"]]
            if SHORT.get(v["code"]) != "officer":
                username = "officer" if (v["code"] == "652701100001" and not officer_done) else f"off-{v['code']}"
                officer_done = officer_done or username == "officer"
                member(person(username), village, Role.OFFICER, Position.COMPREHENSIVE_OFFICER)
            if SHORT.get(v["code"]) != "adviser":
                adviser = team[v_index % len(team)]
                if t_code == "652701100":
                    adviser = team[0]  # the demo "lawyer" advises every 小营盘镇 village
                org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=village, lawyer=adviser,
                                      starts_on=SINCE)
            if SHORT.get(v["code"]) != "mediator":
                member(person(f"med-{v['code']}"), village, Role.MEDIATOR, Position.LOCAL_MEDIATOR)
            if rng.random() < 0.4:
                member(person(f"staff-{v['code']}"), village, Role.OTHER,
                       rng.choice([Position.GRID_WORKER, Position.VILLAGER_REPRESENTATIVE]))
        studio_points = [org.point_of(villages[v["code"]]) for v in data.VILLAGES[t_code]]
        station = org.point_of(town)
        station.phone = f"0909-{rng.randrange(2200000, 2299999)}"
        _point_texts(station, data.STATION_TEXTS)
        station.opening_hours = parse_text("周一至周五 10:00–14:00，16:00–20:00")
        for point in studio_points:
            _point_texts(point, data.STUDIO_TEXTS)
            point.opening_hours = parse_text("周一至周五 10:00–14:00")
    db.session.flush()
    sessions = _seed_duty(list(townships.values()), list(villages.values()))
    # The auditor last, so that every other demo record stays as it was.
    member(person("auditor"), pref, Role.AUDITOR, Position.AUDITOR)
    return {"sessions": sessions, "units": 1 + len(counties) + len(townships) + len(villages) + 1,
            "firms": len(data.LAW_FIRMS), "users": counters["users"]}
