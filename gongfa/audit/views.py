"""The audit trail's pages: search, read and export events (bureau admins and auditors)."""

from gongfa.audit import bp  # noqa: F401
