"""Work logs (工作日志): 一次一记、一事一记, countersigned by the village officer, never edited in place after."""

from flask import Blueprint

bp = Blueprint("worklog", __name__, url_prefix="/log")
