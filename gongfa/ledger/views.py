"""Ledger pages: print the village volume, the duty ledger and the quarterly table; submit; inspect; verify."""

from datetime import date
from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_

from gongfa import clock
from gongfa.auth.scope import current_scope, roles_required
from gongfa.db import db
from gongfa.ledger import bp, exports, services
from gongfa.ledger.forms import DrawForm, SubmitForm
from gongfa.ledger.models import InspectionDraw, QuarterSubmission
from gongfa.org import services as org_services
from gongfa.org.models import Unit, UnitLevel
from gongfa.people.models import Role
from gongfa.ratings.models import RatingValue
from gongfa.web.outcomes import form_status, service_errors
from gongfa.web.params import small_int
from gongfa.web.pdf import render_pdf_in
from gongfa.web.rendering import local_name, render_page
from gongfa.web.urls import external_url
from gongfa.worklog.models import Category

# Who reads the 一事一评 results of their places.
RATING_READERS = (Role.OFFICER, Role.STATION_HEAD, Role.BUREAU_ADMIN, Role.INSPECTOR)

VOLUME_READERS = (Role.OFFICER, Role.LAWYER, Role.MEDIATOR, Role.STATION_HEAD, Role.BUREAU_ADMIN, Role.INSPECTOR)
LEDGER_READERS = (Role.LAWYER, Role.MEDIATOR, Role.STATION_HEAD, Role.BUREAU_ADMIN, Role.INSPECTOR)
STAT_READERS = (Role.STATION_HEAD, Role.BUREAU_ADMIN, Role.INSPECTOR)
INSPECTORS = (Role.INSPECTOR, Role.BUREAU_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



def _period() -> tuple[int, int, object, object]:
    """?year=&quarter= (quarter 0 = the whole year); this quarter by default."""
    year, quarter = clock.quarter_of(clock.today())
    year = request.args.get("year", type=small_int) or year
    quarter = request.args.get("quarter", type=small_int, default=quarter)
    if not 2000 <= year <= 2099 or quarter not in (0, 1, 2, 3, 4):
        abort(404)
    if quarter == 0:
        first, last = clock.quarter_bounds(year, 1)[0], clock.quarter_bounds(year, 4)[1]
    else:
        first, last = clock.quarter_bounds(year, quarter)
    return year, quarter, first, last


def _unit(unit_id: int, level: UnitLevel | tuple, roles) -> Unit:
    unit = db.session.get(Unit, unit_id) or abort(404)
    levels = level if isinstance(level, tuple) else (level,)
    if unit.level not in levels:
        abort(404)
    if not current_scope().covers(unit, *roles):
        abort(403)
    return unit


def _verify_url(code: str) -> str:
    return external_url("verify.show", code=code)


def _pdf(template: str, **ctx) -> bytes:
    return render_pdf_in(request.args.get("lang"), template, categories=list(Category), **ctx)


@bp.route("/")
@login_required
def index():
    """This quarter's ledgers to print for the places in scope, and submission status."""
    year, quarter, first, last = _period()
    sc = current_scope()
    if not sc.has(*VOLUME_READERS):
        abort(403)
    villages = org_services.units_at(UnitLevel.VILLAGE, sc.unit_filter(*VOLUME_READERS))
    townships = org_services.units_at(UnitLevel.TOWNSHIP, and_(sc.unit_filter(*LEDGER_READERS),
                                                                Unit.is_xpcc.is_(False)))
    counties = org_services.units_at(UnitLevel.COUNTY, sc.unit_filter(*STAT_READERS))
    return render_page("ledger/index.html", year=year, quarter=quarter, villages=villages, townships=townships,
                       counties=counties, submitted=services.submissions(year, quarter) if quarter else {},
                       stats=sc.has(*STAT_READERS),
                       inspect=sc.has(*INSPECTORS), deadline=services.deadline(year, quarter) if quarter else None)


def _volume_ctx(unit: Unit, first, last) -> dict:
    volume = services.village_volume(unit, first, last)
    printed = services.record_print(kind="volume", unit=unit, first=first, last=last, records=volume.records,
                                    actor=current_user)
    return {"v": volume, "code": printed.code, "verify_url": _verify_url(printed.code),
            "shorts": {r["id"]: services.short(r) for r in volume.records}}


@bp.route("/villages/<int:unit_id>/volume.pdf")
@login_required
def volume(unit_id: int):
    """一村一卷 for a quarter or a year (?year=2026&quarter=3, quarter=0 for the year; ?lang=ug)."""
    unit = _unit(unit_id, UnitLevel.VILLAGE, VOLUME_READERS)
    year, quarter, first, last = _period()
    ctx = _volume_ctx(unit, first, last)
    pdf = _pdf("ledger/pdf/volume.html", volumes=[ctx], year=year, quarter=quarter)
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"volume-{unit.code}-{year}-q{quarter}.pdf")


@bp.route("/stations/<int:unit_id>/duty.pdf")
@login_required
def duty_ledger(unit_id: int):
    """值班台账: the station's sessions, who sat, hours, entries, countersignatures."""
    township = _unit(unit_id, UnitLevel.TOWNSHIP, LEDGER_READERS)
    year, quarter, first, last = _period()
    sessions, by_session = services.duty_ledger(township, first, last)
    records = [services.session_record(s, by_session.get(s.id, [])) for s in sessions]
    printed = services.record_print(kind="duty", unit=township, first=first, last=last, records=records,
                                    actor=current_user)
    pdf = _pdf("ledger/pdf/duty.html", township=township, sessions=sessions, by_session=by_session, year=year,
               quarter=quarter, code=printed.code, verify_url=_verify_url(printed.code),
               shorts={r["id"]: services.short(r) for r in records})
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"duty-{township.code}-{year}-q{quarter}.pdf")


def _statistics_pdf(unit: Unit, year: int, quarter: int, first, last) -> bytes:
    rows, total = services.statistics(unit, first, last)
    records = [r.as_dict() for r in rows] + [total.as_dict()]
    printed = services.record_print(kind="statistics", unit=unit, first=first, last=last, records=records,
                                    actor=current_user)
    return _pdf("ledger/pdf/statistics.html", unit=unit, rows=rows, total=total, year=year, quarter=quarter,
                code=printed.code, verify_url=_verify_url(printed.code), printed_on=clock.today())


@bp.route("/statistics/<int:unit_id>.pdf")
@login_required
def statistics_pdf(unit_id: int):
    """The quarterly statistics table of a township (rows: villages) or a county (rows: townships)."""
    unit = _unit(unit_id, (UnitLevel.TOWNSHIP, UnitLevel.COUNTY), STAT_READERS)
    year, quarter, first, last = _period()
    pdf = _statistics_pdf(unit, year, quarter, first, last)
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"statistics-{unit.code}-{year}-q{quarter}.pdf")


@bp.route("/statistics/<int:unit_id>.xlsx")
@login_required
def statistics_xlsx(unit_id: int):
    """The same table for the county clerk's spreadsheet: numbers as numbers, a total row, frozen header."""
    unit = _unit(unit_id, (UnitLevel.TOWNSHIP, UnitLevel.COUNTY), STAT_READERS)
    year, quarter, first, last = _period()
    rows, total = services.statistics(unit, first, last)
    out = BytesIO(exports.statistics_workbook(unit, rows, total, year=year, quarter=quarter))
    return send_file(out, mimetype=XLSX, download_name=f"statistics-{unit.code}-{year}-q{quarter}.xlsx")


@bp.route("/quarters/<int:unit_id>/<int:year>/<int:quarter>", methods=["GET", "POST"])
@login_required
def quarter(unit_id: int, year: int, quarter: int):
    """A township's quarter: deadline, what is uncountersigned, submit (station head), changes after submitting."""
    township = _unit(unit_id, UnitLevel.TOWNSHIP, STAT_READERS)
    if not (2000 <= year <= 2099 and quarter in (1, 2, 3, 4)):
        abort(404)
    first, last = clock.quarter_bounds(year, quarter)
    may_submit = current_scope().covers(township, Role.STATION_HEAD)
    sub = services.submission(township, year, quarter)
    form = SubmitForm()
    if request.method == "POST":
        if not may_submit:
            abort(403)
        if form.validate_on_submit():
            with service_errors(form) as done:
                pdf = _statistics_pdf(township, year, quarter, first, last)
                services.submit_quarter(township, year, quarter, pdf=pdf, actor=current_user)
            if done:
                db.session.commit()
                flash(_("已报送。报送后的更正会单独列出，不会改变已报送的内容。"), "success")
            else:  # the page is shown again after the redirect: the message goes with it
                flash(str(done.error.message), "error")
            return redirect(url_for("ledger.quarter", unit_id=unit_id, year=year, quarter=quarter), 303)
    return render_page("ledger/quarter.html", township=township, year=year, quarter=quarter, sub=sub, form=form,
                       may_submit=may_submit, deadline=services.deadline(year, quarter, township),
                       waiting=services.uncountersigned(township, first, last),
                       after=services.changes_after(sub, township) if sub else [], today=clock.today())


@bp.route("/submissions/<int:sub_id>.pdf")
@login_required
def submitted_pdf(sub_id: int):
    """The statistics PDF exactly as it was submitted."""
    sub = db.session.get(QuarterSubmission, sub_id) or abort(404)
    _unit(sub.unit_id, UnitLevel.TOWNSHIP, STAT_READERS)
    return send_file(BytesIO(sub.pdf), mimetype="application/pdf",
                     download_name=f"submitted-{sub.unit.code}-{sub.year}-q{sub.quarter}.pdf")


@bp.route("/inspection", methods=["GET", "POST"])
@roles_required(*INSPECTORS)
def inspection():
    """Draw 2–3 villages per township at random (the seed is recorded) and print their volumes."""
    sc = current_scope()
    units = [*org_services.units_at(UnitLevel.PREFECTURE, sc.unit_filter(*INSPECTORS)),
             *org_services.units_at(UnitLevel.COUNTY, sc.unit_filter(*INSPECTORS))]
    form = DrawForm()
    form.unit_id.choices = [(u.id, local_name(u)) for u in units]
    if request.method == "GET":
        form.year.data, form.quarter.data = clock.quarter_of(clock.today())
        form.per_township.data = 2
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        with service_errors(form, default="quarter") as done:
            record = services.draw(unit, year=form.year.data, quarter=form.quarter.data,
                                   per_township=form.per_township.data, actor=current_user)
        if done:
            db.session.commit()
            return redirect(url_for("ledger.draw_show", draw_id=record.id), 303)
    return render_page("ledger/inspection.html", form=form, draws=services.draws_by(current_user),
                       status=form_status(form))


def _draw(draw_id: int) -> InspectionDraw:
    record = db.session.get(InspectionDraw, draw_id) or abort(404)
    if not current_scope().covers(record.unit, *INSPECTORS):
        abort(403)
    return record


@bp.route("/inspection/<int:draw_id>")
@login_required
def draw_show(draw_id: int):
    """The villages drawn, with the seed that reproduces the draw."""
    record = _draw(draw_id)
    villages = services.drawn_villages(record)
    same = services.draw_villages(record.unit, record.per_township, record.seed) == record.villages
    return render_page("ledger/draw.html", d=record, villages=villages, reproducible=same)


@bp.route("/inspection/<int:draw_id>/volumes.pdf")
@login_required
def draw_volumes(draw_id: int):
    """All drawn villages' volumes for the quarter, as one PDF."""
    record = _draw(draw_id)
    first, last = clock.quarter_bounds(record.year, record.quarter)
    villages = services.drawn_villages(record)
    pdf = _pdf("ledger/pdf/volume.html", volumes=[_volume_ctx(u, first, last) for u in villages], year=record.year,
               quarter=record.quarter)
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"inspection-{record.id}-{record.year}-q{record.quarter}.pdf")


@bp.route("/ratings")
@roles_required(*RATING_READERS)
def ratings():
    """一事一评 results this quarter (or a chosen one), per lawyer and per village or station."""
    try:
        first = date.fromisoformat(request.args.get("from", ""))
        last = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        first, last = clock.quarter_bounds(*clock.quarter_of(clock.today()))
    summary = services.rating_summary(current_scope().unit_filter(*RATING_READERS), first=first, last=last)
    return render_page("ledger/ratings.html", summary=summary, first=first, last=last, values=list(RatingValue))
