"""Hypothesis against every route: path parameters, query strings, form fields and headers. Never a 5xx.

Each route of the access matrix is called as the prefecture's admin (who reaches most code), as a village
officer, as a lawyer and as a visitor, with generated values where the matrix has ids, generated query
strings (raw bytes too), form bodies built from the field names of every form in the app, and generated
Accept-Language / htmx headers. GONGFA_FUZZ_EXAMPLES sets the examples per route (default 12; the closing
notes report longer runs).
"""

import os
import re
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from gongfa.web.forms import BaseForm
from tests.conftest import PASSWORD
from tests.test_access_matrix import MATRIX, SLOW, _ids

EXAMPLES = int(os.environ.get("GONGFA_FUZZ_EXAMPLES", "12"))
SKIP = {"auth.logout", "static"}  # logging out ends the run's own session; static files are Werkzeug's
ROUTES = sorted({(endpoint, method, template) for endpoint, method, template, _ in MATRIX + SLOW
                 if endpoint not in SKIP})


def _form_fields() -> list[str]:
    """Every field name of every form class (the union: a route gets others' fields too)."""
    names, todo = set(), list(BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        names.update(name for name in dir(cls) if isinstance(getattr(cls, name, None), UnboundField))
    return sorted(names)


text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)  # no lone surrogates: not UTF-8
numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from([0, 1, 2, 2**31, 2**63]))
dates = st.sampled_from(["2026-12-01", "", "2026-02-30", "1447-03-01", "0000-00-00", "腊月廿三", "2026-12-01T09:00",
                         "99999-01-01", "10:00", "25:99", "\x00", " "])
values = st.one_of(text, numbers.map(str), dates, st.sampled_from(["y", "on", "true", "applied", "ug", "kk_Arab",
                                                                    "village", "lawyer", "consultation"]))


def _form_bodies():
    """Generated form bodies (built once the app has imported every form)."""
    return st.dictionaries(st.sampled_from(_form_fields()), st.one_of(values, st.lists(values, max_size=3)),
                           max_size=10)


path_values = st.one_of(numbers.map(str), text.filter(lambda s: s not in ("", ".", "..")).map(lambda s: quote(s, "")))
query = st.one_of(
    st.dictionaries(st.sampled_from(["page", "q", "status", "year", "quarter", "month", "lang", "booking", "session",
                                     "unit", "parent", "level", "role", "short", "all", "format", "from", "to",
                                     "code", "v", "next", "kind", "week", "before", "person", "object_type",
                                     "object_id", "action", "date_from", "date_to", "digest"]), values, max_size=5),
    st.binary(max_size=80).map(lambda b: quote_from_bytes(b, safe="=&")))  # raw bytes, invalid UTF-8 too
header_text = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=60)  # what HTTP can carry
headers = st.fixed_dictionaries({}, optional={
    "Accept-Language": st.one_of(header_text, st.sampled_from(["zz", "i-klingon", "kk", "ug-CN;q=x", "*", ",,,"])),
    "HX-Request": st.sampled_from(["true", "false", "1"]),
    "HX-Target": st.one_of(header_text, st.sampled_from(["user-rows", "unit-rows", "card", "main"])),
    "HX-Boosted": st.just("true"),
    "HX-History-Restore-Request": st.just("true"),
    "X-CSRFToken": header_text,
}).map(lambda h: {k: v.encode("utf-8").decode("latin-1") for k, v in h.items()})  # as bytes on the wire


@pytest.mark.parametrize("role", ["admin", "officer", "lawyer", None], ids=["admin", "officer", "lawyer", "visitor"])
def test_no_route_answers_5xx_to_generated_input(world, app, role):
    client = app.test_client()
    ids = _ids(world)
    if role:
        client.post("/auth/login", data={"username": role, "password": PASSWORD})
    app.config["PROPAGATE_UNEXPECTED"] = True  # a failure shows its traceback, shrunk by hypothesis
    form_bodies = _form_bodies()

    @settings(max_examples=EXAMPLES * len(ROUTES), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(route=st.sampled_from(ROUTES), data=st.data())
    def call(route, data):
        endpoint, method, template = route
        keys = re.findall(r"{(\w+)}", template)
        # Half the time the real ids (so the view gets past the lookup), else generated ones.
        generated = {k: data.draw(path_values) for k in keys}
        url = template.format(**(ids | (generated if data.draw(st.booleans()) else {})))
        url, _, fixed = url.partition("?")  # a route's own query (the matrix has some) goes first
        extra = data.draw(query)
        extra = urlencode(extra) if isinstance(extra, dict) else extra
        kwargs = {"headers": data.draw(headers), "query_string": "&".join(q for q in (fixed, extra) if q)}
        if method == "POST":
            kwargs["data"] = data.draw(form_bodies)
        response = client.open(url, method=method, **kwargs)
        response.close()
        assert response.status_code < 500, (endpoint, url, response.status_code)

    call()
