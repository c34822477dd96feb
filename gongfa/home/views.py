"""Home page per role; language choice kept per user and per browser."""

from flask import redirect, request, session, url_for
from flask_login import current_user

from gongfa import clock
from gongfa.auth.scope import current_scope
from gongfa.db import db
from gongfa.home import bp, services
from gongfa.i18n import LOCALES, _l
from gongfa.people import services as people_services
from gongfa.people.models import Role
from gongfa.people.services import REQUIREMENT_TITLES
from gongfa.web.params import safe_next
from gongfa.web.rendering import render_page

# (endpoint, label, roles that see it): the menu; each view still checks access itself.
MENU = [
    ("home.index", _l("首页"), None),
    ("duty.my", _l("我的值班"), (Role.LAWYER,)),
    ("duty.compliance", _l("履职情况"), (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.STATION_HEAD)),
    ("worklog.index", _l("工作日志"), (Role.LAWYER, Role.OFFICER, Role.STATION_HEAD, Role.BUREAU_ADMIN,
                                       Role.INSPECTOR, Role.MEDIATOR)),
    ("ledger.index", _l("台账"), (Role.LAWYER, Role.OFFICER, Role.STATION_HEAD, Role.BUREAU_ADMIN, Role.INSPECTOR,
                                 Role.MEDIATOR)),
    ("ledger.inspection", _l("抽查"), (Role.INSPECTOR, Role.BUREAU_ADMIN)),
    ("mediation.cases", _l("人民调解"), (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.STATION_HEAD, Role.OFFICER,
                                      Role.MEDIATOR)),
    ("ledger.ratings", _l("一事一评"), (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.STATION_HEAD, Role.OFFICER)),
    ("duty.holidays", _l("节假日"), (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.STATION_HEAD)),
    ("org.units", _l("行政区划"), (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.STATION_HEAD)),
    ("org.staffing", _l("人员配备"), (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.STATION_HEAD)),
    ("org.firms", _l("律师事务所"), (Role.BUREAU_ADMIN, Role.INSPECTOR)),
    ("org.assignments", _l("对接安排"), (Role.BUREAU_ADMIN, Role.INSPECTOR)),
    ("people.users", _l("工作人员"), (Role.BUREAU_ADMIN, Role.INSPECTOR)),
    ("org.import_", _l("导入"), (Role.BUREAU_ADMIN,)),
    ("audit.events", _l("审计日志"), (Role.BUREAU_ADMIN, Role.AUDITOR)),
]


@bp.app_context_processor
def _menu():
    def nav_items():
        sc = current_scope()
        return [(e, label) for e, label, roles in MENU if roles is None or sc.has(*roles)]

    return {"nav_items": nav_items}


@bp.route("/")
def index():
    """Logged in: the role's home page. Visitors: the directory of village pages."""
    if not current_user.is_authenticated:
        return render_page("home/directory.html", counties=services.directory())
    return render_page("home/index.html", panels=services.home_panels(current_user, current_scope()),
                       titles=REQUIREMENT_TITLES, today=clock.today())


@bp.route("/lang", methods=["POST"])
def language():
    """Switch language: saved on the account, or in this browser's session for visitors."""
    code = request.form.get("locale")
    if code in LOCALES:
        session["locale"] = code
        if current_user.is_authenticated:
            people_services.set_locale(current_user, code)
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("home.index")), 303)
