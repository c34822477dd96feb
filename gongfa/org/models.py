"""Administrative units, legal-service points, law firms and assignments (DESIGN §3)."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import TimestampMixin, db, str_enum
from gongfa.i18n import TitledEnum, _l
from gongfa.org.hours import CLOSED, HoursType, OpeningHours


class UnitLevel(TitledEnum):
    """Level in the administrative tree."""

    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @classmethod
    def _titles(cls):
        return {"prefecture": _l("自治州"), "county": _l("县（市）"), "township": _l("乡镇（街道）"),
                "village": _l("村（社区）")}


CHILD_LEVEL = {
    UnitLevel.PREFECTURE: UnitLevel.COUNTY,
    UnitLevel.COUNTY: UnitLevel.TOWNSHIP,
    UnitLevel.TOWNSHIP: UnitLevel.VILLAGE,
}


class PointKind(TitledEnum):
    """Kind of public legal service place."""

    CENTRE = "centre"  # 县(市)/州 公共法律服务中心 (the bureau)
    STATION = "station"  # 乡镇(街道)公共法律服务工作站
    STUDIO = "studio"  # 村(社区)公共法律服务工作室

    @classmethod
    def _titles(cls):
        return {"centre": _l("公共法律服务中心"), "station": _l("公共法律服务工作站"),
                "studio": _l("公共法律服务工作室")}


POINT_KIND_FOR_LEVEL = {
    UnitLevel.PREFECTURE: PointKind.CENTRE,
    UnitLevel.COUNTY: PointKind.CENTRE,
    UnitLevel.TOWNSHIP: PointKind.STATION,
    UnitLevel.VILLAGE: PointKind.STUDIO,
}


# The kinds of unit as the NBS names them (统计用区划代码: a name ends in its kind). Stored as NBS writes them
# (imports and exports keep that word), shown translated; a kind not on this list is shown as written.
UNIT_KINDS = {
    "市": _l("市"), "县": _l("县"), "街道": _l("街道"), "镇": _l("镇"), "乡": _l("乡"), "民族乡": _l("民族乡"),
    "农场": _l("农场"), "牧场": _l("牧场"), "国营牧场": _l("国营牧场"), "种畜场": _l("种畜场"), "园区": _l("园区"),
    "村": _l("村"), "社区": _l("社区"),
}


class NamedMixin:
    """Names in the three languages; ``name_in(locale)`` falls back to Chinese."""

    name_zh: Mapped[str] = mapped_column(String(100))
    name_ug: Mapped[str | None] = mapped_column(String(150))
    name_kk: Mapped[str | None] = mapped_column(String(150))

    def name_in(self, field: str) -> str:
        """The name for a locale's name field (zh/ug/kk), Chinese when untranslated."""
        return getattr(self, f"name_{field}", None) or self.name_zh


class Unit(NamedMixin, TimestampMixin, db.Model):
    """A node of prefecture → county/city → township → village/community."""

    __tablename__ = "units"
    __table_args__ = (Index("ix_units_path", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # NBS 统计用区划代码
    level: Mapped[UnitLevel] = mapped_column(str_enum(UnitLevel, 12))
    kind: Mapped[str] = mapped_column(String(20), default="")  # 街道/镇/乡/牧场/村/社区 … as NBS names it
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # Materialised path of ids ("/1/5/42/"): a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(120), default="/")
    is_xpcc: Mapped[bool] = mapped_column(default=False)  # 兵团 units: not run by the bureau
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.code")
    points: Mapped[list["ServicePoint"]] = relationship(back_populates="unit")

    @property
    def kind_title(self) -> str:
        """The unit's kind (镇, 村, 社区 …) in the reader's language, or as written when it is not a known kind."""
        return str(UNIT_KINDS[self.kind]) if self.kind in UNIT_KINDS else self.kind

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name_zh}>"


# A service point's texts for residents: the Chinese (bare name) and its Uyghur and Kazakh versions.
POINT_TEXT_COLUMNS = tuple(f"{base}{suffix}" for base in ("address", "description", "services")
                           for suffix in ("", "_ug", "_kk"))


class ServicePoint(TimestampMixin, db.Model):
    """A public legal service place on a unit: centre, township station or village studio."""

    __tablename__ = "service_points"
    __table_args__ = (UniqueConstraint("unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[PointKind] = mapped_column(str_enum(PointKind, 10))
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    # Weekdays and periods (gongfa.org.hours), rendered per language; ``hours_note`` keeps what an old
    # typed string said that could not be read as data, for someone to redo by hand.
    opening_hours: Mapped[OpeningHours] = mapped_column(HoursType, default=CLOSED)
    hours_note: Mapped[str] = mapped_column(String(100), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # What residents read about the place, in the three languages (issue 12 point 3). Columns on the row,
    # not a translation table: every page that shows a point has it loaded already, so no query is added.
    # The bare column is the Chinese (source) text; _ug / _kk are left empty until translated, and a page
    # in that language then shows the Chinese marked as such (gongfa.web.rendering.local_text).
    address_ug: Mapped[str] = mapped_column(String(300), default="")
    address_kk: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # a short introduction of the place
    description_ug: Mapped[str] = mapped_column(Text, default="")
    description_kk: Mapped[str] = mapped_column(Text, default="")
    services: Mapped[str] = mapped_column(Text, default="")  # services offered, one a line
    services_ug: Mapped[str] = mapped_column(Text, default="")
    services_kk: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship(back_populates="points")
    memberships: Mapped[list["Membership"]] = relationship(back_populates="point")  # noqa: F821

    def name_in(self, field: str) -> str:
        """Unit name plus the kind of place, e.g. 小营盘镇公共法律服务工作站."""
        return f"{self.unit.name_in(field)} {self.kind.title}"

    def text_in(self, base: str, field: str) -> str:
        """``base`` (address, description, services) in a locale's field (zh/ug/kk); "" when untranslated."""
        return (getattr(self, base) if field == "zh" else getattr(self, f"{base}_{field}")) or ""


class LawFirm(NamedMixin, TimestampMixin, db.Model):
    """A law firm (律师事务所) that sends duty lawyers and legal advisers."""

    __tablename__ = "law_firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    licence_no: Mapped[str] = mapped_column(String(30), default="")  # 执业许可证号
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    county: Mapped[Unit | None] = relationship()


class AssignmentKind(TitledEnum):
    """What an assignment gives."""

    FIRM_TOWNSHIP = "firm_township"  # a firm serves a township's station (周三见)
    ADVISER_VILLAGE = "adviser_village"  # a lawyer is a village's legal adviser (月月见)

    @classmethod
    def _titles(cls):
        return {"firm_township": _l("律所对接乡镇"), "adviser_village": _l("村居法律顾问")}


class Assignment(TimestampMixin, db.Model):
    """A firm → township or lawyer → village assignment over a period."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AssignmentKind] = mapped_column(str_enum(AssignmentKind, 20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    law_firm_id: Mapped[int | None] = mapped_column(ForeignKey("law_firms.id"))
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    unit: Mapped[Unit] = relationship()
    law_firm: Mapped[LawFirm | None] = relationship()
    lawyer: Mapped["User | None"] = relationship()  # noqa: F821

    def is_current(self, on: date) -> bool:
        """Whether the assignment covers ``on``."""
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)
