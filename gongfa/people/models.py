"""Staff accounts and their memberships at service points (the 1+1+2+N / 1+1+1+N picture)."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import TimestampMixin, UTCDateTime, db, str_enum
from gongfa.i18n import TitledEnum, _l


class Role(TitledEnum):
    """What a membership lets a person do (DESIGN §1)."""

    BUREAU_ADMIN = "bureau_admin"
    STATION_HEAD = "station_head"
    OFFICER = "officer"
    LAWYER = "lawyer"
    MEDIATOR = "mediator"
    INSPECTOR = "inspector"
    AUDITOR = "auditor"  # 等保2.0 审计管理员: reads the audit trail, nothing else
    OTHER = "other"  # the "+N": volunteers, 乡贤 helpers, grid workers; no extra rights

    @classmethod
    def _titles(cls):
        return {
            "bureau_admin": _l("司法局管理员"),
            "station_head": _l("司法所负责人"),
            "officer": _l("村综治专干"),
            "lawyer": _l("律师"),
            "mediator": _l("人民调解员"),
            "inspector": _l("验收检查人员"),
            "auditor": _l("审计员"),
            "other": _l("其他工作人员"),
        }


class Position(TitledEnum):
    """A person's post at a service point, from a fixed list so it is translated and counted (was typed)."""

    SECTION_STAFF = "section_staff"  # 司法局 法律服务科
    INSPECTION_TEAM = "inspection_team"  # 验收小组
    AUDITOR = "auditor"
    STATION_HEAD = "station_head"  # 司法所所长 = 工作站站长
    DUTY_LAWYER = "duty_lawyer"
    LEGAL_ADVISER = "legal_adviser"
    FULL_TIME_MEDIATOR = "full_time_mediator"
    LOCAL_MEDIATOR = "local_mediator"  # 乡贤
    COMPREHENSIVE_OFFICER = "comprehensive_officer"  # 综治专干
    GRID_WORKER = "grid_worker"
    VOLUNTEER = "volunteer"
    CLERK = "clerk"
    VILLAGER_REPRESENTATIVE = "villager_representative"
    OTHER = "other"  # with ``position_note``: a post not on the list yet

    @classmethod
    def _titles(cls):
        return {
            "section_staff": _l("法律服务科工作人员"),
            "inspection_team": _l("验收检查人员"),
            "auditor": _l("审计员"),
            "station_head": _l("司法所负责人"),
            "duty_lawyer": _l("值班律师"),
            "legal_adviser": _l("村居法律顾问"),
            "full_time_mediator": _l("专职人民调解员"),
            "local_mediator": _l("乡贤调解员"),
            "comprehensive_officer": _l("村综治专干"),
            "grid_worker": _l("网格员"),
            "volunteer": _l("志愿者"),
            "clerk": _l("书记员"),
            "villager_representative": _l("村民代表"),
            "other": _l("其他"),
        }


# The ways the old free-text column and the import template spell a position (Chinese, as typed).
POSITION_WORDS = {
    "法律服务科": "section_staff", "法律服务科工作人员": "section_staff", "验收小组": "inspection_team",
    "验收小组成员": "inspection_team", "审计员": "auditor", "审计管理员": "auditor", "站长": "station_head",
    "所长": "station_head", "司法所所长": "station_head", "工作站站长": "station_head",
    "司法所负责人": "station_head", "值班律师": "duty_lawyer", "法律顾问": "legal_adviser",
    "村居法律顾问": "legal_adviser", "村法律顾问": "legal_adviser", "专职调解员": "full_time_mediator",
    "专职人民调解员": "full_time_mediator", "乡贤": "local_mediator", "乡贤调解员": "local_mediator",
    "综治专干": "comprehensive_officer", "村综治专干": "comprehensive_officer", "网格员": "grid_worker",
    "志愿者": "volunteer", "书记员": "clerk", "村民代表": "villager_representative",
}


class NameLang(TitledEnum):
    """The language a native-script name is written in: its BCP 47 tag, as pages mark it (``lang``).

    Mongol people's names are recorded in Uyghur orthography (``ug``): the point of the native name is
    that Uyghur and Kazakh readers can read it, and neither reads the vertical Mongolian script; Xinjiang's
    Arabic-script papers write Mongol names in Uyghur letters (Batur → باتۇر).
    """

    UYGHUR = "ug"
    KAZAKH = "kk-Arab"

    @classmethod
    def _titles(cls):
        return {"ug": _l("维吾尔文"), "kk-Arab": _l("哈萨克文")}


class User(UserMixin, TimestampMixin, db.Model):
    """A staff account. Residents have no account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))  # GB18030, minority names ≥ 50 chars
    full_name_native: Mapped[str] = mapped_column(String(150), default="")  # own script, e.g. Uyghur
    native_lang: Mapped[NameLang | None] = mapped_column(str_enum(NameLang, 10))  # set with full_name_native
    phone: Mapped[str] = mapped_column(String(20), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(String(10))  # chosen UI language
    law_firm_id: Mapped[int | None] = mapped_column(ForeignKey("law_firms.id"))
    licence_no: Mapped[str] = mapped_column(String(30), default="")  # 律师执业证号
    is_active: Mapped[bool] = mapped_column(default=True)
    ics_token: Mapped[str | None] = mapped_column(String(64), unique=True)  # private calendar feed
    # An account made by an import gets an activation code (derived from this nonce with the secret key)
    # for its owner to set a password with; cleared once used.
    activation_nonce: Mapped[str | None] = mapped_column(String(32))
    activation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    law_firm: Mapped["LawFirm | None"] = relationship()  # noqa: F821
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user",
                                                           order_by="Membership.starts_on")

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(TimestampMixin, db.Model):
    """A person's role at a service point over a period; history is kept, never overwritten."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 20))
    position: Mapped[Position | None] = mapped_column(str_enum(Position, 30))
    position_note: Mapped[str] = mapped_column(String(50), default="")  # what "other" is, as typed
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User] = relationship(back_populates="memberships")
    point: Mapped["ServicePoint"] = relationship(back_populates="memberships")  # noqa: F821

    def is_current(self, on: date) -> bool:
        """Whether the membership covers ``on``."""
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)

    @property
    def position_title(self) -> str:
        """The post in the reader's language ("" when none); an "other" post is what was typed."""
        if self.position is None:
            return ""
        if self.position == Position.OTHER and self.position_note:
            return self.position_note
        return self.position.title
