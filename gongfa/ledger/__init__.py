"""Printed ledgers (一村一卷, 值班台账, 季度统计表), quarterly submission, inspection and print verification."""

from flask import Blueprint

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
