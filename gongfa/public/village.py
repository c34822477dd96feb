"""The village public page and its printable notice (公示牌), for residents with no account."""

from io import BytesIO

import segno
from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user
from markupsafe import Markup

from gongfa import clock
from gongfa.duty import queries as duty_queries
from gongfa.extensions import limiter
from gongfa.i18n import _l
from gongfa.org import services
from gongfa.org.models import Unit
from gongfa.people import services as people_services
from gongfa.web.pdf import render_pdf_in
from gongfa.web.rendering import render_page
from gongfa.web.urls import external_url

bp = Blueprint("public", __name__, url_prefix="/v")

# 五项义务服务 and what the studio offers (research/domain.md §2.2).
SERVICES = (_l("法律咨询"), _l("人民调解"), _l("法治宣传"), _l("审查村规民约和合同"), _l("法律援助转介"))


def village_context(unit: Unit) -> dict:
    """Everything the public page and the notice show about one village."""
    today = clock.today()
    township = unit.parent
    studio = services.point_of(unit)
    station = services.point_of(township) if township else None
    week_duty = duty_queries.week_duty(station, today) if station else None
    return {
        "unit": unit,
        "township": township,
        "studio": studio,
        "station": station,
        "adviser": services.current_adviser(unit, today),
        # Without a generated roster, name the station's duty lawyers instead.
        "duty_lawyers": people_services.duty_lawyers(township, today) if township and week_duty is None else [],
        "services": SERVICES,
        "next_visit": duty_queries.next_visit(studio, today) if studio else None,
        "week_duty": week_duty,
        "hotline": current_app.config["HOTLINE"],
        "complaint_phone": current_app.config["COMPLAINT_PHONE"],
    }


def public_url(code: str) -> str:
    """The absolute URL the notice's QR code points to."""
    return external_url("public.village", code=code)


@bp.route("/<code>")
def village(code: str):
    """Who the village's legal adviser is, when the station has duty, and how to get help."""
    unit = services.open_village(code[:12]) or abort(404)
    return render_page("public/village.html", **village_context(unit))


@bp.route("/<code>/notice.pdf")
@limiter.limit(lambda: current_app.config["RATELIMIT_PDF"], exempt_when=lambda: current_user.is_authenticated)
def notice(code: str):
    """The A4 notice-board poster (公示牌) with a QR code to the village page."""
    unit = services.open_village(code[:12]) or abort(404)
    ctx = village_context(unit)
    url = public_url(unit.code)
    qr = segno.make(url, error="m")
    ctx["qr_svg"] = Markup(qr.svg_inline(scale=4, border=2, omitsize=False))  # noqa: S704 (segno output, no user text)
    ctx["url"] = url
    # The notice may be printed in the village's language, not the viewer's.
    pdf = render_pdf_in(request.args.get("lang"), "public/notice.html", **ctx)
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"notice-{unit.code}.pdf")
