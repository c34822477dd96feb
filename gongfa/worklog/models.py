"""Work-log entries and their amendments (DESIGN §3: WorkLogEntry, Amendment)."""

from datetime import date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import TimestampMixin, UTCDateTime, db, str_enum, utcnow
from gongfa.i18n import TitledEnum, _l


class Mode(TitledEnum):
    """服务方式."""

    ON_SITE = "on_site"
    PHONE = "phone"
    ONLINE = "online"

    @classmethod
    def _titles(cls):
        return {"on_site": _l("现场"), "phone": _l("电话"), "online": _l("网络")}


class Category(TitledEnum):
    """服务类别: the codes of the quarterly statistics table (research/domain.md §2.4)."""

    CONSULTATION = "consultation"
    LECTURE = "lecture"
    MEDIATION = "mediation"
    REVIEW = "review"
    OPINION = "opinion"
    DRAFTING = "drafting"
    LEGAL_AID = "legal_aid"
    PETITION = "petition"
    LITIGATION = "litigation"
    OTHER = "other"

    @classmethod
    def _titles(cls):
        return {"consultation": _l("法律咨询"), "lecture": _l("法治讲座"), "mediation": _l("参与调解"),
                "review": _l("审查合同、村规民约"), "opinion": _l("出具法律意见"), "drafting": _l("代写法律文书"),
                "legal_aid": _l("法律援助转介"), "petition": _l("参与信访接待"), "litigation": _l("参与诉讼"),
                "other": _l("其他")}


class Referral(TitledEnum):
    """Where the matter went next."""

    NONE = "none"
    LEGAL_AID = "legal_aid"
    MEDIATION = "mediation"
    FOLLOW_UP = "follow_up"

    @classmethod
    def _titles(cls):
        return {"none": _l("无"), "legal_aid": _l("转交法律援助"), "mediation": _l("移交人民调解"),
                "follow_up": _l("需跟进")}


class EntryStatus(TitledEnum):
    """draft → submitted → countersigned (then locked: changes are amendments)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    COUNTERSIGNED = "countersigned"

    @classmethod
    def _titles(cls):
        return {"draft": _l("草稿"), "submitted": _l("待签字确认"), "countersigned": _l("已签字确认")}


class WorkLogEntry(TimestampMixin, db.Model):
    """One service: 一次一记 (one per visit) or 一事一记 (one per matter)."""

    __tablename__ = "worklog_entries"
    __table_args__ = (Index("ix_worklog_entries_point_on", "point_id", "served_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"))  # the village (or station) served
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("duty_sessions.id"), index=True)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)  # a resubmitted form makes one entry
    served_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(100), default="")
    persons: Mapped[str] = mapped_column(String(300))  # 服务对象
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, 10))
    category: Mapped[Category] = mapped_column(str_enum(Category, 15))
    content: Mapped[str] = mapped_column(Text)  # 事由及内容摘要
    result: Mapped[str] = mapped_column(Text, default="")  # 处理意见及结果
    referral: Mapped[Referral] = mapped_column(str_enum(Referral, 12), default=Referral.NONE)
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus, 15), default=EntryStatus.SUBMITTED)
    countersigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    countersigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    point: Mapped["ServicePoint"] = relationship()  # noqa: F821
    lawyer: Mapped["User"] = relationship(foreign_keys=[lawyer_id])  # noqa: F821
    session: Mapped["DutySession | None"] = relationship()  # noqa: F821
    countersigned_by: Mapped["User | None"] = relationship(foreign_keys=[countersigned_by_id])  # noqa: F821
    amendments: Mapped[list["Amendment"]] = relationship(back_populates="entry", order_by="Amendment.id")

    @property
    def minutes(self) -> int:
        """Length in whole minutes (printed with the ``hm`` filter as h:mm)."""
        minutes = (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)
        return max(minutes, 0)

    @property
    def hours(self) -> float:
        """The same as decimal hours, for .xlsx cells and ledger digests only: screens and PDFs print h:mm."""
        return round(self.minutes / 60, 2)

    @property
    def locked(self) -> bool:
        """Countersigned: only amendments from now on."""
        return self.status == EntryStatus.COUNTERSIGNED


class Amendment(db.Model):
    """A correction to a countersigned entry: the original stays; this says what changed, who, when, why."""

    __tablename__ = "worklog_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("worklog_entries.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(300))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[WorkLogEntry] = relationship(back_populates="amendments")
    author: Mapped["User"] = relationship()  # noqa: F821
