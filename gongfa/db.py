"""The SQLAlchemy object, declarative base with a naming convention, and shared column helpers."""

from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, String, TypeDecorator, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gongfa import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraint names Alembic can rely on (SQLite batch mode)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (stored); displayed in Beijing time. The one clock's (gongfa.clock)."""
    return clock.now()


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every engine (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store in UTC; refuse naive values, which are ambiguous in a two-clock region."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Return aware UTC datetimes."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SiteFlag(db.Model):
    """A fact the database keeps about itself, e.g. ``demo`` = ``1`` once the demo data is loaded into it
    (so demo accounts, whose password is published, never get loaded into a real site's database)."""

    __tablename__ = "site_flags"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), default="")


class TimestampMixin:
    """created_at / updated_at columns (UTC, aware)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL, foreign keys and a busy timeout for every SQLite connection (DESIGN §2)."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_takes_the_write_lock(conn, _name) -> None:
    """On SQLite, a savepoint opened outside a transaction starts one that already holds the write lock.

    The sqlite3 module begins a transaction only before an INSERT/UPDATE/DELETE, so a request's reads run
    outside one and its first write takes the lock, waiting its turn (busy_timeout). A SAVEPOINT, though,
    starts a deferred transaction at once: the service's reads inside it fix a snapshot, and when another
    request has committed meanwhile, the write that follows cannot upgrade and fails at once ("database is
    locked", no waiting). Savepoints are opened around work that writes (a service that may be refused, a
    race), so take the lock first: BEGIN IMMEDIATE waits its turn like a first write does.
    """
    dbapi_connection = conn.connection.dbapi_connection
    if type(dbapi_connection).__module__ == "sqlite3" and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


def dialect_insert(table):
    """INSERT for this database's dialect, with ``on_conflict_do_nothing/do_update`` (SQLite and PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def str_enum(enum_cls, length: int = 20) -> SAEnum:
    """Store a StrEnum by value as a plain string column (no native DB enum to migrate)."""
    return SAEnum(enum_cls, native_enum=False, length=length, create_constraint=False,
                  values_callable=lambda e: [m.value for m in e], validate_strings=True)
