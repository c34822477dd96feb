"""Import units and people from .xlsx (openpyxl), and export the staffing table.

All or nothing: every row is checked with the same form rules as the web pages; if any row fails,
the caller rolls back and the user sees each bad row's sheet, number and reason.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from itertools import islice
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile, ZipFile

from defusedxml import DefusedXmlException
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from werkzeug.datastructures import MultiDict

from gongfa.auth import services as auth_services
from gongfa.auth.scope import MANAGERS, Scope
from gongfa.db import db
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org import services
from gongfa.org.forms import PointTextsForm, UnitForm
from gongfa.org.hours import HoursError, parse_text
from gongfa.org.models import POINT_TEXT_COLUMNS, AssignmentKind, LawFirm, UnitLevel
from gongfa.people import services as people_services
from gongfa.people.forms import NewUserForm
from gongfa.people.models import POSITION_WORDS, NameLang, Position, Role

UNIT_COLUMNS = [_l("区划代码"), _l("上级区划代码"), _l("层级"), _l("类型"), _l("中文名称"), _l("维吾尔文名称"),
                _l("哈萨克文名称")]
PEOPLE_COLUMNS = [_l("用户名"), _l("姓名"), _l("本民族文字姓名"), _l("手机号"), _l("角色"), _l("服务点区划代码"),
                  _l("职务"), _l("开始日期"), _l("律师事务所"), _l("律师执业证号"), _l("本民族文字姓名文种")]
# The 服务点 sheet: a point by its unit's code, then what residents read about it, each text in Chinese,
# Uyghur and Kazakh (the order of POINT_TEXT_COLUMNS). A row sets all nine: an empty cell empties the text.
POINT_COLUMNS = [_l("区划代码"), _l("办公时间"), _l("地址（汉文）"), _l("地址（维吾尔文）"), _l("地址（哈萨克文）"),
                 _l("简介（汉文）"), _l("简介（维吾尔文）"), _l("简介（哈萨克文）"),
                 _l("提供的服务（汉文，每行一项）"), _l("提供的服务（维吾尔文，每行一项）"),
                 _l("提供的服务（哈萨克文，每行一项）")]
LEVEL_WORDS = {"县": "county", "市": "county", "县（市）": "county", "乡镇": "township", "乡": "township",
               "镇": "township", "街道": "township", "乡镇（街道）": "township", "村": "village", "社区": "village",
               "村（社区）": "village"}
# The optional third sheet: a service point's opening hours, typed as people write them (gongfa.org.hours).
MAX_ROWS = 5000
# What an upload may unpack to, checked in the zip directory before any XML is parsed: the template filled
# with 5,000 rows is about 2 MB of XML. (A 254 KB upload can hold 4 M rows, 104 MB of XML.) zipfile stops
# at each member's declared size, so the directory cannot understate what is read.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 200
# openpyxl parses through defusedxml (installed): DTD entities and external references raise, not expand.
UNREADABLE = (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError,
              AttributeError, ParseError, DefusedXmlException)


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    problems: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row, message)
    counts: dict[str, int] = field(default_factory=lambda: {"units": 0, "people": 0, "points": 0})
    ignored_passwords: int = 0  # rows of an older template with an initial password filled in


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _titles_in_every_language(enum_cls) -> dict[str, str]:
    """Title → value, in Chinese and in the user's language (a file may be filled in either)."""
    titles = {m.title: m.value for m in enum_cls}
    with force_locale("zh_Hans"):
        titles.update({m.title: m.value for m in enum_cls})
    return titles


def _level(word: str) -> str:
    if word in UnitLevel._value2member_map_:
        return word
    return _titles_in_every_language(UnitLevel).get(word) or LEVEL_WORDS.get(word, word)


def _position(word: str) -> str:
    """A position code from its code, its title in either language or a usual Chinese spelling ("站长")."""
    if not word or word in Position._value2member_map_:
        return word
    return _titles_in_every_language(Position).get(word) or POSITION_WORDS.get(word, word)


def _name_lang(word: str) -> str | None:
    """A native name's language from its cell: ug / kk-Arab or its title; None when the cell says no language."""
    if word in NameLang._value2member_map_:
        return word
    return _titles_in_every_language(NameLang).get(word)


def _role(word: str) -> str:
    if word in Role._value2member_map_:
        return word
    return _titles_in_every_language(Role).get(word, word)


def _form_errors(form) -> list[str]:
    return [f"{field_.label.text}: {msg}" for field_ in form for msg in field_.errors]


def _unpacked_too_big(data: bytes) -> bool:
    """Whether the zip would unpack beyond MAX_UNPACKED_BYTES (or has absurdly many members)."""
    with ZipFile(BytesIO(data)) as archive:
        members = archive.infolist()
        return len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES


def _rows(sheet, width: int) -> list[tuple]:
    """Up to MAX_ROWS + 1 data rows of a sheet, streamed (openpyxl read-only): never the whole sheet."""
    return list(islice(sheet.iter_rows(min_row=2, max_col=width, values_only=True), MAX_ROWS + 1))


def import_workbook(data: bytes, *, scope: Scope) -> ImportResult:
    """Check every row, then create units and people; on any problem the caller rolls back."""
    result = ImportResult()
    try:
        if _unpacked_too_big(data):
            result.problems.append(("", 0, _("文件解压后太大（超过 %(mb)d MB），请只保留模板里的工作表和数据。",
                                            mb=MAX_UNPACKED_BYTES // (1024 * 1024))))
            return result
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
        sheets = book.worksheets
        if len(sheets) < 2:
            result.problems.append(("", 0, _("文件里应有“单位”和“人员”两个工作表。")))
            return result
        unit_rows = _rows(sheets[0], len(UNIT_COLUMNS))
        people_rows = _rows(sheets[1], len(PEOPLE_COLUMNS) + 1)  # an old template's password column is noted
        point_sheet = _point_sheet(sheets)
        point_rows = _rows(point_sheet, len(POINT_COLUMNS)) if point_sheet is not None else []
        titles = sheets[0].title, sheets[1].title, point_sheet.title if point_sheet is not None else ""
    except UNREADABLE:
        result.problems.append(("", 0, _("无法读取这个文件，请用本系统提供的 .xlsx 模板。")))
        return result
    if len(unit_rows) + len(people_rows) + len(point_rows) > MAX_ROWS:
        result.problems.append(("", 0, _("一次最多导入 %(n)d 行。", n=MAX_ROWS)))
        return result
    manage = scope.paths(*MANAGERS)
    _import_units(unit_rows, titles[0], result, manage)
    _import_people(people_rows, titles[1], result, manage)
    _import_points(point_rows, titles[2], result, manage)
    return result


def _point_sheet(sheets):
    """The 服务点 sheet: the third sheet when it has a header row of several columns (a template from before
    it existed has the one-column 说明 sheet there)."""
    if len(sheets) < 3:
        return None
    header = next(sheets[2].iter_rows(max_row=1, max_col=len(POINT_COLUMNS), values_only=True), ())
    return sheets[2] if sum(1 for v in header if v not in (None, "")) > 1 else None


def _in_scope(unit, manage: set[str]) -> bool:
    return any(unit.path.startswith(p) for p in manage)


def _import_units(rows, sheet: str, result: ImportResult, manage: set[str]) -> None:
    for number, row in enumerate(rows, start=2):
        values = [_cell(v) for v in (list(row) + [None] * 7)[:7]]
        if not any(values):
            continue
        code, parent_code, level, kind, name_zh, name_ug, name_kk = values
        level = _level(level)
        form = UnitForm(MultiDict({"code": code, "level": level, "kind": kind, "name_zh": name_zh,
                                   "name_ug": name_ug, "name_kk": name_kk}), meta={"csrf": False})
        form.parent_id.validate_choice = False
        if not form.validate():
            result.problems += [(sheet, number, msg) for msg in _form_errors(form)]
            continue
        parent = services.unit_by_code(parent_code) if parent_code else None
        if parent is None or not _in_scope(parent, manage):
            result.problems.append((sheet, number, _("上级区划代码 %(code)s 不存在或不在您的管理范围内。",
                                                     code=parent_code or "—")))
            continue
        existing = services.unit_by_code(form.code.data)
        try:
            if existing is not None and existing.parent_id == parent.id and existing.level.value == form.level.data:
                # A unit already there, under the same parent: the row gives its names (an exported sheet
                # comes back with the Uyghur and Kazakh names filled in).
                services.update_unit(existing, parent=existing.parent, name_zh=form.name_zh.data,
                                     name_ug=form.name_ug.data or "", name_kk=form.name_kk.data or "",
                                     kind=form.kind.data or existing.kind, is_xpcc=existing.is_xpcc,
                                     is_active=existing.is_active)
            else:
                services.create_unit(code=form.code.data, level=UnitLevel(form.level.data), parent=parent,
                                     name_zh=form.name_zh.data, name_ug=form.name_ug.data or "",
                                     name_kk=form.name_kk.data or "", kind=form.kind.data or "")
        except ServiceError as error:
            result.problems.append((sheet, number, str(error.message)))
            continue
        result.counts["units"] += 1


def _import_people(rows, sheet: str, result: ImportResult, manage: set[str]) -> None:

    firms = {f.name_zh: f for f in db.session.scalars(db.select(LawFirm))}
    for number, row in enumerate(rows, start=2):
        values = [_cell(v) for v in (list(row) + [None] * 11)[:11]]
        if not any(values):
            continue
        username, full_name, native, phone, role, unit_code, position, starts_on, firm_name, licence = values[:10]
        native_lang = _name_lang(values[10])
        if values[10] and native_lang is None:
            # an older template's 初始密码 column: no password is set from a spreadsheet any more
            result.ignored_passwords += 1
        role = _role(role)
        position, position_note = _position(position), ""
        if position and position not in Position._value2member_map_:  # a post not on the list: "other"
            position, position_note = Position.OTHER.value, position
        form = NewUserForm(MultiDict({
            "username": username, "full_name": full_name, "full_name_native": native,
            "native_lang": native_lang or "", "phone": phone, "role": role, "position": position,
            "position_note": position_note, "starts_on": starts_on, "licence_no": licence,
            "is_active": "y"}), meta={"csrf": False})
        form.point_id.validate_choice = False
        form.law_firm_id.validate_choice = False
        form.password.validators = []  # each person sets their own with an activation code
        if not form.validate():
            result.problems += [(sheet, number, msg) for msg in _form_errors(form)]
            continue
        unit = services.unit_by_code(unit_code)
        if unit is None or not _in_scope(unit, manage):
            result.problems.append((sheet, number, _("服务点区划代码 %(code)s 不存在或不在您的管理范围内。",
                                                     code=unit_code or "—")))
            continue
        firm = firms.get(firm_name) if firm_name else None
        if firm_name and firm is None:
            result.problems.append((sheet, number, _("找不到律师事务所“%(name)s”，请先在系统中添加。",
                                                     name=firm_name)))
            continue
        try:
            # No Argon2 hash per person here (~0.1 s each: 800 people held a request for 75 s): each account
            # gets an activation code instead, and its owner sets a password with it (/auth/activate).
            user = people_services.create_user(
                username=form.username.data, full_name=form.full_name.data,
                full_name_native=form.full_name_native.data or "", native_lang=form.native_lang.data or None,
                phone=form.phone.data or "", law_firm=firm, licence_no=form.licence_no.data or "")
            auth_services.issue_activation(user)
            if Role(role) == Role.LAWYER and unit.level == UnitLevel.VILLAGE:
                services.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=unit, lawyer=user,
                                           starts_on=form.starts_on.data)
            else:
                point = services.point_of(unit)
                if point is None:
                    raise ServiceError(_l("这个单位没有服务点。"))
                people_services.add_membership(user=user, point=point, role=Role(role),
                                               starts_on=form.starts_on.data, position=form.position.data or None,
                                               position_note=form.position_note.data or "")
        except ServiceError as error:
            result.problems.append((sheet, number, str(error.message)))
            continue
        result.counts["people"] += 1


def _import_points(rows, sheet: str, result: ImportResult, manage: set[str]) -> None:
    """Set the hours and texts of existing service points (or of points of units created above in the same
    file): hours typed as people write them ("周一至周五 9:30-13:30 16:00-19:30"); each row replaces what the
    point had, an empty cell clears it; what cannot be read is said row by row."""
    for number, row in enumerate(rows, start=2):
        values = [_cell(v) for v in (list(row) + [None] * len(POINT_COLUMNS))[:len(POINT_COLUMNS)]]
        if not any(values):
            continue
        code, hours_text, texts = values[0], values[1], dict(zip(POINT_TEXT_COLUMNS, values[2:], strict=True))
        form = PointTextsForm(MultiDict(texts), meta={"csrf": False})
        problems = [] if form.validate() else [(sheet, number, msg) for msg in _form_errors(form)]
        try:
            hours = parse_text(hours_text)
        except HoursError as error:
            label = _("办公时间")
            problems.append((sheet, number, f"{label}: {error.message}"))
        if problems:
            result.problems += problems
            continue
        unit = services.unit_by_code(code) if code else None
        point = services.point_of(unit) if unit is not None and _in_scope(unit, manage) else None
        if point is None:
            result.problems.append((sheet, number, _("区划代码 %(code)s 没有服务点，或不在您的管理范围内。",
                                                     code=code or "—")))
            continue
        services.update_point_texts(point, opening_hours=hours,
                                    **{name: form[name].data or "" for name in POINT_TEXT_COLUMNS})
        result.counts["points"] += 1


def _sheet(book: Workbook, title: str, headers: list, example: list | None = None, first: bool = False):
    ws = book.active if first else book.create_sheet()
    ws.title = title
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    if example:
        ws.append(example)
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 18
    ws.freeze_panes = "A2"
    ws.sheet_view.rightToLeft = False
    return ws


def template_workbook() -> bytes:
    """The import template: 单位 and 人员 sheets with an example row each, and a 说明 sheet."""
    book = Workbook()
    _sheet(book, str(_l("单位")), UNIT_COLUMNS,
           ["652701100299", "652701100", "村", "村", "示例村", "ئۈلگە كەنت", "ۇلگى قىستاق"], first=True)
    _sheet(book, str(_l("人员")), PEOPLE_COLUMNS,
           ["zhangsan", "张三", "", "13912345678", "mediator", "652701100299", "full_time_mediator", "2026-01-01",
            "", "", ""])
    _sheet(book, str(_l("服务点")), POINT_COLUMNS,
           ["652701100299", "周一至周五 10:00-14:00 16:00-20:00", "示例村村委会", "ئۈلگە كەنت كومىتېتى",
            "ۇلگى قىستاق كوميتەتى", "", "", "", "法律咨询", "قانۇن مەسلىھەتى", "زاڭ كەڭەسى"])
    _notes(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def names_and_texts_workbook(units, points) -> bytes:
    """The template with its 单位 sheet filled from ``units`` (names in three languages) and its 服务点 sheet
    from ``points`` (hours as typed Chinese, the texts; the 人员 sheet empty): download, add or correct the
    Uyghur and Kazakh names and texts, import it again (an existing unit's row updates its names)."""
    book = Workbook()
    units_ws = _sheet(book, str(_l("单位")), UNIT_COLUMNS, first=True)
    for unit in units:
        units_ws.append([unit.code, unit.parent.code, unit.level.value, unit.kind, unit.name_zh,
                         unit.name_ug or "", unit.name_kk or ""])
    _sheet(book, str(_l("人员")), PEOPLE_COLUMNS)
    ws = _sheet(book, str(_l("服务点")), POINT_COLUMNS)
    for point in points:
        ws.append([point.unit.code, point.opening_hours.text("zh_Hans"),
                   *[getattr(point, name) for name in POINT_TEXT_COLUMNS]])
    _notes(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _notes(book: Workbook) -> None:
    notes = book.create_sheet(str(_l("说明")))
    for line in (
        _l("第一个工作表是单位，第二个是人员；第一行是标题，从第二行起每行一条。示例行请删除或改成真实数据。"),
        _l("层级填：县、乡镇 或 村（也可用 county / township / village）。上级区划代码须已在系统中或写在本表上方。"),
        _l("角色填：bureau_admin、station_head、officer、lawyer、mediator、inspector、other，或其中文名称。"),
        _l("律师的服务点填村（社区）代码时，就安排为该村的法律顾问；填乡镇代码时为工作站值班律师。"),
        _l("日期写成 2026-01-01。少数民族姓名各部分之间用“·”。"),
        _l("职务填代码（如 full_time_mediator）或中文名称（如 专职人民调解员、网格员）；"
           "表里没有的职务按“其他职务”导入。"),
        _l("本民族文字姓名用维吾尔文或哈萨克文字母填写（蒙古族姓名用维吾尔文字母）；"
           "文种填 ug（维吾尔文）或 kk-Arab（哈萨克文），不填时按字母自动判断。"),
        _l("导入后在导入页面下载“启用码表”，把每人的启用码交给本人；本人在登录页点“用启用码设置密码”，自己设置密码。"),
        _l("单位工作表里已有的区划代码（上级和层级不变）更新该单位的三种文字名称。"),
        _l("服务点工作表：按区划代码填写服务点的办公时间（如：周一至周五 10:00-14:00 16:00-20:00；每周三 10:00-18:00）"
           "和地址、简介、提供的服务（汉文、维吾尔文、哈萨克文各一栏），每行的内容整体替换原有内容，空格即清空。"
           "维吾尔文或哈萨克文空着时，群众看到汉文并注明“汉文”。"),
        _l("只要有一行有问题，整个文件都不会导入；系统会列出每个问题所在的行号和原因。"),
    ):
        notes.append([str(line)])
    notes.column_dimensions["A"].width = 110


def people_workbook(users, today: date) -> bytes:
    """The staff in scope in the import template's layout: one 人员 row per current role.

    Phones are left out (the sheet travels by e-mail and USB stick); everything else reads back in as it is.
    """
    book = Workbook()
    _sheet(book, str(_l("单位")), UNIT_COLUMNS, first=True)  # empty: the file imports back as it is
    ws = _sheet(book, str(_l("人员")), PEOPLE_COLUMNS)
    for user in users:
        firm = user.law_firm.name_zh if user.law_firm else ""
        # A post off the list goes out as its words, which read back in as "other" with that note.
        posts = [(m.role.value, m.point.unit.code,
                  m.position_note if m.position == Position.OTHER and m.position_note else
                  (m.position.value if m.position else ""), m.starts_on)
                 for m in user.memberships if m.is_current(today)]
        for role, code, position, starts_on in posts:
            ws.append([user.username, user.full_name, user.full_name_native, "", role, code, position,
                       starts_on.isoformat(), firm, user.licence_no,
                       user.native_lang.value if user.native_lang else ""])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def activation_workbook(users) -> bytes:
    """The activation code sheet to hand out: who, where, code, until when, and where to use it."""
    from gongfa.web.rendering import bj_datetime, join_text, local_name

    book = Workbook()
    headers = [_l("用户名"), _l("姓名"), _l("服务点"), _l("启用码"), _l("有效期至")]
    ws = _sheet(book, str(_l("启用码")), headers, first=True)
    for user in users:
        points = join_text(local_name(m.point) for m in user.memberships if m.ends_on is None)
        ws.append([user.username, user.full_name, points, auth_services.activation_code(user),
                   bj_datetime(user.activation_expires_at)])
    ws.append([])
    ws.append([str(_l("每人凭用户名和启用码，在登录页点“用启用码设置密码”，自己设置密码。启用码只能用一次，"
                      "请当面或单独交给本人。"))])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def staffing_workbook(rows) -> bytes:
    """The staffing table as .xlsx for the county clerk."""
    from gongfa.web.rendering import join_text, local_name

    book = Workbook()
    headers = [_l("区划代码"), _l("服务点"), _l("上级单位"), _l("配备情况"), _l("是否达标"), _l("缺少"),
               _l("职务代码"), _l("职务")]
    ws = _sheet(book, str(_l("人员配备")), headers, first=True)
    for row in rows:
        missing = join_text(f"{people_services.REQUIREMENT_TITLES[k]} {n}" for k, n in row.missing)
        ws.append([row.point.unit.code, local_name(row.point), local_name(row.point.unit.parent),
                   row.pattern, str(_l("达标") if row.ok else _l("未达标")), missing,
                   "; ".join(f"{p.value} {n}" for p, n in row.positions.items()),
                   "；".join(f"{p.title} {n}" for p, n in row.positions.items())])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
