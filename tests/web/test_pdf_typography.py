"""Arabic-script PDF typography (issue 12 point 9): tables laid out for each language's own words.

Every PDF the app makes is printed in zh, ug and kk and its words read back with their positions
(``pdftotext -bbox-layout``). A Uyghur or Kazakh word of the catalog must never be cut across two lines
("مەسلىھەتچى|سى"), and a person's name never broken inside one of its parts (only at "·" or a space). The
same read-back finds format leftovers ("%%", "%(") in any PDF's headings (point 10).
"""

import html
import re
import subprocess
from datetime import date, time

import pytest
from babel.messages.pofile import read_po
from freezegun import freeze_time

from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.models import DutySession, RuleKind
from gongfa.ledger import services as ledger
from gongfa.mediation import services as mediation
from gongfa.mediation.models import CaseSource, PartySide
from gongfa.org import services as org
from gongfa.org.models import AssignmentKind
from gongfa.people.models import Role
from gongfa.worklog import services as worklog
from gongfa.worklog.models import Category, Mode, Referral, WorkLogEntry
from tests.web.test_export_headings import LEFTOVER
from tests.web.test_pdf import BIDI, pdftotext

NOW = "2026-11-23 15:00:00+08:00"
LANGS = ["zh_Hans", "ug", "kk_Arab"]
# Names as the demo and the field have them: long Uyghur and Kazakh names in Chinese transliteration, and in
# their own script.
ADVISER = "古丽巴哈尔·努尔买买提"
PERSONS = ["阿依古丽·吐尔逊", "叶尔兰·哈布德克", "王秀兰", "ئايگۈل مەمەت", "جانار قاسىمقان"]
ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
PUNCT = r"[()،:.؛：\s]"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PDFS = [  # (role, url) with {T1} {V1} {C1} {case} {aid} {draw} {sub} filled in
    (None, "/v/652701100001/notice.pdf"),
    ("head", "/duty/stations/{T1}/2026/11/roster.pdf"),
    ("officer", "/mediation/{case}/file.pdf"),
    ("officer", "/log/{aid}/referral.pdf"),
    ("head", "/ledger/stations/{T1}/duty.pdf?year=2026&quarter=4"),
    ("head", "/ledger/statistics/{T1}.pdf?year=2026&quarter=4"),
    ("admin", "/ledger/statistics/{C1}.pdf?year=2026&quarter=4"),
    ("head", "/ledger/villages/{V1}/volume.pdf?year=2026&quarter=4"),
    ("inspector", "/ledger/inspection/{draw}/volumes.pdf"),
    ("head", "/ledger/submissions/{sub}.pdf"),
]
IDS = ["notice", "roster", "case-file", "referral", "duty-ledger", "statistics-township", "statistics-county",
       "volume", "inspection-volumes", "submission"]


@pytest.fixture
def printed(world):
    """A quarter's work at 小营盘镇 with every kind of record a PDF prints, by people with long names."""
    with freeze_time(NOW):
        v1, v2, t1 = (org.point_of(world.units[k]) for k in ("V1", "V2", "T1"))
        adviser = world.person("adviser2", ADVISER, Role.LAWYER, "T1", firm=world.firm, native="گۈلباھار نۇرمەمەت")
        org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=world.units["V2"], lawyer=adviser,
                              starts_on=date(2025, 1, 1))
        create_rule(point=v1, kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1), day_of_month=16)
        create_rule(point=v2, kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1), day_of_month=18)
        create_rule(point=t1, kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
        generate_all(first=date(2026, 10, 1), weeks=10, months=2)
        wednesday = db.session.scalar(db.select(DutySession).where(DutySession.point_id == t1.id)
                                      .order_by(DutySession.on))
        entries = {}
        for i, category in enumerate(Category):
            for point, lawyer in ((v1, world.users["lawyer"]), (v2, adviser)):
                entry, _ = worklog.create_entry(
                    lawyer=lawyer, point=point, session=None, form_token=None, submit=True,
                    today=date(2026, 11, 23), served_on=date(2026, 11, 2 + i), starts_at=time(10, 0),
                    ends_at=time(11, 30), place="工作室", persons=PERSONS[i % len(PERSONS)], mode=Mode.ON_SITE,
                    category=category, content=f"第{i + 1}件：土地承包合同咨询，依据《农村土地承包法》第12条。",
                    result="已解答", referral=Referral.LEGAL_AID if i == 0 else Referral.NONE)
                entries.setdefault("aid", entry)
        worklog.create_entry(
            lawyer=world.users["lawyer"], point=t1, session=wednesday, form_token=None, submit=True,
            today=date(2026, 11, 23), served_on=wednesday.on, starts_at=time(10, 0), ends_at=time(11, 0),
            place="工作站", persons=PERSONS[3], mode=Mode.ON_SITE, category=Category.CONSULTATION,
            content="值班咨询", result="已解答", referral=Referral.NONE)
        worklog.countersign(db.session.scalars(db.select(WorkLogEntry)).all(), actor=world.users["officer"])
        case = mediation.open_case(
            point=v1, source=CaseSource.APPLICATION, category="02",
            summary="两家院墙之间排水沟堵塞，雨水灌进申请人院子。", requests="被申请人清理排水沟，赔偿损失500元",
            applied_on=date(2026, 11, 20), actor=world.users["officer"],
            parties=[{"side": PartySide.APPLICANT, "name": ADVISER, "age": 41, "phone": "13912340077",
                      "address": "营盘社区3组"},
                     {"side": PartySide.RESPONDENT, "name": "王建国", "age": 52, "address": "营盘社区4组"}])
        mediation.accept(case, actor=world.users["officer"], mediator=world.users["mediator"], version=None,
                         today=date(2026, 11, 23))
        draw = ledger.draw(world.units["P"], year=2026, quarter=4, per_township=2, actor=world.users["inspector"])
        db.session.commit()
    world.ids = {"T1": world.units["T1"].id, "V1": world.units["V1"].id, "C1": world.units["C1"].id,
                 "case": case.id, "aid": entries["aid"].id, "draw": draw.id}
    return world


def _submit(world, client, auth) -> int:
    with freeze_time("2026-12-30 10:00:00+08:00"):
        auth.login("head")
        assert client.post(f"/ledger/quarters/{world.ids['T1']}/2026/4").status_code == 303
        auth.logout()
        return ledger.submission(world.units["T1"], 2026, 4).id


def fetch_pdfs(world, client, auth, lang: str) -> dict[str, bytes]:
    """Every PDF the app makes, in ``lang``, by a user who may print it."""
    ids = {**world.ids, "sub": _submit(world, client, auth) if "sub" not in world.ids else world.ids["sub"]}
    world.ids = ids
    out = {}
    current = "-"
    with freeze_time(NOW):
        for name, (role, url) in zip(IDS, PDFS, strict=True):
            if role != current:
                auth.logout()
                if role:
                    auth.login(role)
                current = role
            full = url.format(**ids)
            response = client.get(f"{full}{'&' if '?' in full else '?'}lang={lang}")
            assert response.status_code == 200, (name, response.status_code)
            out[name] = response.data
    return out


def _logical(word: str) -> str:
    """poppler gives an Arabic-script word's letters in visual (left-to-right) order: read them back."""
    return word[::-1] if ARABIC.search(word) else word


def neighbours(pdf: bytes) -> list[tuple[str, str]]:
    """Pairs of words where the second is printed on the next line below the first, in the same column.

    Table cells come out of poppler as separate blocks, so lines are paired by position: the lower word starts
    within a line and a half below the upper one and overlaps it horizontally. Bidi marks are removed and
    Arabic-script words put back in logical order.
    """
    xml = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    pairs = []
    for page in xml.split("<page ")[1:]:
        words = [(_logical(BIDI.sub("", html.unescape(text))), *map(float, box))
                 for *box, text in WORD.findall(page)]
        words = [w for w in words if w[0]]
        for a, ax0, ay0, ax1, ay1 in words:
            height = ay1 - ay0
            for b, bx0, by0, bx1, _by1 in words:
                if 0.5 * height < by0 - ay0 < 1.8 * height and bx0 < ax1 and ax0 < bx1:
                    pairs.append((a, b))
    return pairs


def catalog_words() -> set[str]:
    """The Uyghur and Kazakh words of the catalogs, without punctuation."""
    words = set()
    for lang in ("ug", "kk_Arab"):
        with open(f"translations/{lang}/LC_MESSAGES/messages.po", "rb") as f:
            for message in read_po(f):
                for word in re.findall(r"[\u0600-\u06ff]+", message.string or ""):
                    if len(word) > 1:
                        words.add(word.replace("\u0640", ""))
    return words


def split_words(pairs: list[tuple[str, str]], vocabulary: set[str]) -> list[str]:
    """Catalog words printed in two pieces on neighbouring lines (neither piece itself a word of the catalog)."""
    found = []
    for a, b in pairs:
        a_, b_ = re.split(PUNCT, a)[-1], re.split(PUNCT, b)[0]
        if ARABIC.search(a_) and ARABIC.search(b_) and (a_ not in vocabulary or b_ not in vocabulary) \
                and a_ + b_ in vocabulary:
            found.append(f"{a_}|{b_}")
    return sorted(set(found))


def split_names(pairs: list[tuple[str, str]], names: list[str]) -> list[str]:
    """Names cut inside one of their parts (breaking at "·" or a space is fine)."""
    parts = {p for n in names for p in re.split(r"[·\s]", n) if len(p) > 1}
    found = []
    for a, b in pairs:
        for part in parts:
            for cut in range(1, len(part)):
                if a.endswith(part[:cut]) and b.startswith(part[cut:]):
                    found.append(f"{part[:cut]}|{part[cut:]}")
    return sorted(set(found))


def test_the_checks_find_a_cut_word_and_a_cut_name():
    vocabulary = {"مەسلىھەتچىسى", "قانۇن"}
    assert split_words([("مەسلىھەتچى", "سى"), ("قانۇن", "1")], vocabulary) == ["مەسلىھەتچى|سى"]
    assert split_words([("قانۇن", "مەسلىھەتچىسى")], vocabulary) == []
    assert split_names([("1", "2"), ("古丽巴", "哈尔·努尔买买提")], [ADVISER]) == ["古丽巴|哈尔"]
    assert split_names([("古丽巴哈尔·", "努尔买买提")], [ADVISER]) == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_pdf_cuts_a_word_or_a_name_or_leaves_a_format_escape(printed, client, auth, lang):
    vocabulary = catalog_words()
    names = [ADVISER, *PERSONS, "叶尔兰·哈布德克", "阿依古丽·买买提", "巴特尔·额尔德尼"]
    problems = {}
    for name, pdf in fetch_pdfs(printed, client, auth, lang).items():
        pairs = neighbours(pdf)
        cut = split_words(pairs, vocabulary) + split_names(pairs, names)
        cut += LEFTOVER.findall(pdftotext(pdf))  # a heading with "%%" or an unfilled "%(name)s" (point 10)
        if cut:
            problems[name] = cut
    assert problems == {}


# Chinese punctuation that closes or ends: in Chinese read left to right it never begins a line or a word.
CLOSING = "。，、；：！？）》」』】"


def reversed_chinese(pdf: bytes) -> list[str]:
    """Words printed with a Chinese closing mark first: a Chinese paragraph wrapped in a right-to-left PDF whose
    next line was laid out right to left ("…第12" / "。条" instead of "条。")."""
    xml = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words = [BIDI.sub("", html.unescape(text)) for *_box, text in WORD.findall(xml)]
    return sorted({w for w in words if w[:1] in CLOSING and len(w) > 1})


def test_the_check_finds_chinese_turned_round():
    from weasyprint import HTML

    text = "第1件：土地承包合同咨询，依据《农村土地承包法》第12条。"
    cell = f'<td style="width:50mm"><span lang="zh-Hans">\u2068{text}\u2069</span>'
    turned = HTML(string=f'<html lang="ug" dir="rtl"><table><tr>{cell}</table>').write_pdf()
    assert reversed_chinese(turned)
    assert reversed_chinese(HTML(string=f'<html lang="zh-Hans"><table><tr>{cell}</table>').write_pdf()) == []


@pytest.mark.parametrize("lang", ["ug", "kk_Arab"])
def test_chinese_paragraphs_wrapped_in_a_right_to_left_pdf_keep_their_order(printed, client, auth, lang):
    problems = {name: found for name, pdf in fetch_pdfs(printed, client, auth, lang).items()
                if (found := reversed_chinese(pdf))}
    assert problems == {}
