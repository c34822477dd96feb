"""Login and password forms."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from gongfa.people.passwords import password_policy
from gongfa.web.forms import BaseForm, lower


class LoginForm(BaseForm):
    """Username and password."""

    username = StringField(_l("用户名"), filters=[lower],
                           validators=[DataRequired(message=_l("请输入用户名。")),
                                       Length(max=40, message=_l("用户名不超过40个字符。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(message=_l("请输入密码。")),
                                                    Length(max=200, message=_l("密码太长。"))])
    submit = SubmitField(_l("登录"))


class ActivateForm(BaseForm):
    """Set one's first password with the activation code the bureau handed out."""

    username = StringField(_l("用户名"), filters=[lower],
                           validators=[DataRequired(message=_l("请输入用户名。")),
                                       Length(max=40, message=_l("用户名不超过40个字符。"))])
    code = StringField(_l("启用码"), validators=[DataRequired(message=_l("请输入启用码。")),
                                               Length(max=40, message=_l("启用码不对。"))])
    new = PasswordField(_l("新密码"), validators=[DataRequired(message=_l("请输入新密码。")),
                                                Length(max=200, message=_l("密码太长。")), password_policy])
    confirm = PasswordField(_l("再次输入新密码"),
                            validators=[DataRequired(message=_l("请再次输入新密码。")),
                                        EqualTo("new", message=_l("两次输入的新密码不一致。"))])
    submit = SubmitField(_l("设置密码"))


class PasswordForm(BaseForm):
    """Change one's own password."""

    current = PasswordField(_l("当前密码"), validators=[DataRequired(message=_l("请输入当前密码。"))])
    new = PasswordField(_l("新密码"), validators=[DataRequired(message=_l("请输入新密码。")),
                                                Length(max=200, message=_l("密码太长。")), password_policy])
    confirm = PasswordField(_l("再次输入新密码"),
                            validators=[DataRequired(message=_l("请再次输入新密码。")),
                                        EqualTo("new", message=_l("两次输入的新密码不一致。"))])
    submit = SubmitField(_l("修改密码"))
