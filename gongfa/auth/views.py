"""Login, logout and password change."""

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from gongfa.auth import bp, services
from gongfa.auth.forms import ActivateForm, LoginForm, PasswordForm
from gongfa.db import db
from gongfa.extensions import limiter
from gongfa.people import services as people_services
from gongfa.web.outcomes import field_error, form_status
from gongfa.web.params import safe_next
from gongfa.web.rendering import fmt_datetime, render_page


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    """The login page; on success, a fresh server-side session and the user's home page."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(username=form.username.data, password=form.password.data,
                                       ip=request.remote_addr or "")
        if result.user is not None:
            locale = session.get("locale")
            session.clear()  # no session fixation: nothing from before the login survives
            token = services.start_session(result.user, ip=request.remote_addr or "",
                                           user_agent=request.user_agent.string or "")
            if locale:  # a language chosen on this browser just before logging in is the latest choice
                people_services.set_locale(result.user, locale)
            db.session.commit()
            session["sid"] = token
            login_user(result.user)
            if services.password_expired(result.user):
                flash(_("您的密码已超过规定的使用期限，请先修改密码。"), "info")
                return redirect(url_for("auth.password"), 303)
            return redirect(safe_next(request.args.get("next"), url_for("home.index")), 303)
        db.session.commit()  # keep the failure count and the audit entry
        if result.reason == "locked":
            until = fmt_datetime(result.locked_until)
            field_error(form, _("登录失败次数过多。从这台设备登录这个用户名，请在 %(time)s（北京时间）以后再试。",
                                time=until), "password")
        else:
            field_error(form, _("用户名或密码不正确。"), "password")
    return render_page("auth/login.html", form=form, status=form_status(form))


@bp.route("/activate", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def activate():
    """An imported account's owner sets their first password with the code the bureau handed out."""
    form = ActivateForm()
    if form.validate_on_submit():
        user = services.activate(username=form.username.data, code=form.code.data, password=form.new.data)
        if user is not None:
            db.session.commit()
            flash(_("密码已设置，请用新密码登录。"), "success")
            return redirect(url_for("auth.login"), 303)
        field_error(form, _("用户名或启用码不对，或者启用码已经用过、已过期。请向司法局要新的启用码。"), "code")
    return render_page("auth/activate.html", form=form, status=form_status(form))


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session on the server too: a copied cookie stops working."""
    services.end_session(session.get("sid"))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("您已退出登录。"), "success")
    return redirect(url_for("auth.login"), 303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; every other session of the account ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not services.check_password(current_user, form.current.data):
            field_error(form, _("当前密码不正确。"), "current")
        else:
            services.set_password(current_user, password=form.new.data, actor_id=current_user.id)
            services.end_all_sessions(current_user)
            token = services.start_session(current_user, ip=request.remote_addr or "",
                                           user_agent=request.user_agent.string or "")
            db.session.commit()
            session["sid"] = token
            flash(_("密码已修改。其他设备上的登录已全部退出。"), "success")
            return redirect(url_for("home.index"), 303)
    return render_page("auth/password.html", form=form, status=form_status(form))
