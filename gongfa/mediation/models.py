"""Mediation cases, their parties, sessions (records) and follow-up visits (DESIGN §3, 人民调解法)."""

from datetime import date, datetime, timedelta

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import TimestampMixin, UTCDateTime, db, str_enum
from gongfa.i18n import TitledEnum, _l, locale_info

JUDICIAL_WINDOW_DAYS = 30  # Art. 33: both parties, within 30 days of the agreement taking effect
OPEN_DAYS_WARNING = 30  # 《人民调解工作若干规定》Art. 33: 一般在一个月内调结


class CaseSource(TitledEnum):
    """案件来源 (受理登记表)."""

    APPLICATION = "application"
    INITIATIVE = "initiative"
    REFERRAL = "referral"

    @classmethod
    def _titles(cls):
        return {"application": _l("当事人申请"), "initiative": _l("人民调解委员会主动调解"),
                "referral": _l("有关部门移送、委托")}


class CaseStatus(TitledEnum):
    """applied → accepted | refused → in_mediation → agreement | terminated → performed → followed_up → closed."""

    APPLIED = "applied"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    IN_MEDIATION = "in_mediation"
    AGREEMENT = "agreement"
    TERMINATED = "terminated"
    PERFORMED = "performed"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"

    @classmethod
    def _titles(cls):
        return {"applied": _l("已申请"), "accepted": _l("已受理"), "refused": _l("不予调解"),
                "in_mediation": _l("调解中"), "agreement": _l("已达成协议"), "terminated": _l("终止调解"),
                "performed": _l("已履行"), "followed_up": _l("已回访"), "closed": _l("已结案")}


class AgreementKind(TitledEnum):
    """书面协议书 (Art. 28–29) or 口头协议 (Art. 28, 30)."""

    WRITTEN = "written"
    ORAL = "oral"

    @classmethod
    def _titles(cls):
        return {"written": _l("书面调解协议"), "oral": _l("口头调解协议")}


class PartySide(TitledEnum):
    """Which side a party is on."""

    APPLICANT = "applicant"
    RESPONDENT = "respondent"

    @classmethod
    def _titles(cls):
        return {"applicant": _l("申请人"), "respondent": _l("被申请人")}


class MediationCase(TimestampMixin, db.Model):
    """One dispute before a people's mediation committee (the village's or the township's)."""

    __tablename__ = "mediation_cases"
    __table_args__ = (
        UniqueConstraint("point_id", "year", "seq"),  # (年)X人调字第N号: per committee and year
        Index("ix_mediation_cases_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("service_points.id"))  # the committee's place
    year: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column()
    source: Mapped[CaseSource] = mapped_column(str_enum(CaseSource, 12))
    category: Mapped[str] = mapped_column(String(10))  # code from MEDIATION_CATEGORIES
    summary: Mapped[str] = mapped_column(Text)  # 纠纷简要情况
    requests: Mapped[str] = mapped_column(Text, default="")  # 当事人申请事项
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus, 15), default=CaseStatus.APPLIED)
    applied_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))  # intake from a sign-up
    end_reason: Mapped[str] = mapped_column(String(300), default="")  # refusal or termination
    routes_told: Mapped[str] = mapped_column(String(300), default="")  # Art. 26: arbitration, administrative, court
    agreement_kind: Mapped[AgreementKind | None] = mapped_column(str_enum(AgreementKind, 10))
    agreement_facts: Mapped[str] = mapped_column(Text, default="")  # 主要事实、争议事项及各方责任
    agreement_clauses: Mapped[str] = mapped_column(Text, default="")  # one clause per line
    # The same in the second language a party chose (ug or kk_Arab), clause for clause; "" when none.
    agreement_facts_alt: Mapped[str] = mapped_column(Text, default="")
    agreement_clauses_alt: Mapped[str] = mapped_column(Text, default="")
    performance: Mapped[str] = mapped_column(String(300), default="")  # 履行方式: a codes.PERFORMANCE_METHODS code
    performance_due: Mapped[date | None] = mapped_column(Date)  # 履行期限
    effective_on: Mapped[date | None] = mapped_column(Date)  # Art. 29/30
    performed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    point: Mapped["ServicePoint"] = relationship()  # noqa: F821
    mediator: Mapped["User | None"] = relationship(foreign_keys=[mediator_id])  # noqa: F821
    registered_by: Mapped["User | None"] = relationship(foreign_keys=[registered_by_id])  # noqa: F821
    parties: Mapped[list["MediationParty"]] = relationship(back_populates="case", order_by="MediationParty.id")
    records: Mapped[list["MediationRecord"]] = relationship(back_populates="case", order_by="MediationRecord.id")
    follow_ups: Mapped[list["FollowUp"]] = relationship(back_populates="case", order_by="FollowUp.id")
    # 一事一评: at most one (a unique key); loaded once per request however many times the page asks.
    rating: Mapped["Rating | None"] = relationship(  # noqa: F821
        primaryjoin="MediationCase.id == foreign(Rating.mediation_case_id)", viewonly=True, uselist=False)

    @property
    def number(self) -> str:
        """（2026）营盘社区人调字第3号."""
        return f"（{self.year}）{self.point.unit.name_zh}人调字第{self.seq}号"

    @property
    def clauses(self) -> list[str]:
        """The agreement's clauses, one per line."""
        return [c.strip() for c in self.agreement_clauses.splitlines() if c.strip()]

    @property
    def clauses_alt(self) -> list[str]:
        """The clauses in the second language, one per line, in the same order as the Chinese ones."""
        return [c.strip() for c in self.agreement_clauses_alt.splitlines() if c.strip()]

    @property
    def second_language(self) -> str | None:
        """The language besides Chinese the documents print in: the first party's (applicant first) who chose
        Uyghur or Kazakh; None when every party reads Chinese."""
        return next((p.language for p in self.parties if p.language and p.language != "zh_Hans"), None)

    @property
    def second_language_tag(self) -> str | None:
        """BCP 47 ``lang`` of the second-language texts (``ug``, ``kk-Arab``), None without a second language."""
        return locale_info(self.second_language).html_lang if self.second_language else None

    @property
    def judicial_deadline(self) -> date | None:
        """Last day both parties can jointly ask the court to confirm the agreement (Art. 33)."""
        return self.effective_on + timedelta(days=JUDICIAL_WINDOW_DAYS) if self.effective_on else None

    def judicial_days_left(self, today: date) -> int | None:
        """Days left in the joint judicial-confirmation window (negative once it has passed)."""
        return (self.judicial_deadline - today).days if self.judicial_deadline else None

    def overdue(self, today: date) -> bool:
        """Still being mediated more than 30 days after the application."""
        return (self.status in (CaseStatus.APPLIED, CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION)
                and (today - self.applied_on).days > OPEN_DAYS_WARNING)


class MediationParty(db.Model):
    """A party (当事人). Phone and ID number are sensitive: masked unless a role needs them."""

    __tablename__ = "mediation_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id"), index=True)
    side: Mapped[PartySide] = mapped_column(str_enum(PartySide, 12))
    name: Mapped[str] = mapped_column(String(100))  # as the ID card has it (Chinese for officials)
    name_native: Mapped[str] = mapped_column(String(100), default="")  # in the party's own script, when it has one
    language: Mapped[str] = mapped_column(String(10), default="zh_Hans")  # the documents' language: a LOCALES code
    gender: Mapped[str] = mapped_column(String(10), default="")  # "male" / "female"
    # Codes (gongfa.mediation.codes); a value typed before the lists existed stays as it was typed.
    ethnicity: Mapped[str] = mapped_column(String(20), default="")  # GB/T 3304
    age: Mapped[int | None] = mapped_column()
    occupation: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(150), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="")

    case: Mapped[MediationCase] = relationship(back_populates="parties")

    @property
    def native_lang(self) -> str | None:
        """BCP 47 tag of the native-script name when the party chose Uyghur or Kazakh (``kk-Arab``), else None
        (the script then tells: Arabic letters are marked Uyghur)."""
        return locale_info(self.language).html_lang if self.language in ("ug", "kk_Arab") else None


class MediationRecord(db.Model):
    """One mediation session's record (调解记录): when, where, who was there, what was said and agreed."""

    __tablename__ = "mediation_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(100), default="")
    present: Mapped[str] = mapped_column(String(300), default="")  # 参加人
    content: Mapped[str] = mapped_column(Text)
    content_alt: Mapped[str] = mapped_column(Text, default="")  # the same in the case's second language
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[MediationCase] = relationship(back_populates="records")
    recorded_by: Mapped["User | None"] = relationship()  # noqa: F821


class FollowUp(db.Model):
    """回访: planned into the village's next monthly visit, then written down."""

    __tablename__ = "mediation_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_cases.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("duty_sessions.id"))  # the visit it rides on
    planned_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text, default="")  # 回访情况
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[MediationCase] = relationship(back_populates="follow_ups")
    session: Mapped["DutySession | None"] = relationship()  # noqa: F821
    by: Mapped["User | None"] = relationship()  # noqa: F821
