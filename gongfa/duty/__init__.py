"""Duty calendars: 镇街律师周三见 (weekly station duty) and 村居律师月月见 (monthly village visits)."""

from flask import Blueprint

bp = Blueprint("duty", __name__, url_prefix="/duty")
