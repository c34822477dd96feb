"""Every page each role reaches is valid HTML, as the W3C Nu checker (vnu) reads it.

Each role opens every page the access matrix gives it and the pages linked from those (two of each kind), in
Chinese and in Uyghur (right to left); each form on them is posted empty (its hidden fields as served), so
that its error state is checked too; and each htmx request a page makes (a ``data-hx-get`` search, a
``data-hx-post`` card action) is sent as htmx sends it. CSRF is on, as in production, so the tokens every
form carries are in the markup. The answers go to one vnu run, and any error fails the test with the kinds
of error, their counts, and pages and markup for each (helpers in tests/web/vnu.py; the same crawl over the
demo data: ``.venv/bin/python tools/valid_html_demo.py``).

A second, cheap test needs no Java: no template writes a bare ``hx-*`` attribute, which HTML does not allow
(htmx reads ``data-hx-*`` as well; ``python3 tools/data_hx.py`` renames them).
"""

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.test_access_matrix import MATRIX, _ids
from tests.web.test_forms_as_browser import EXTRA_PAGES
from tests.web.vnu import CRAWLERS, broken_anchors, crawl, kind_of, login, logout, report, vnu_errors

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config():
    """CSRF on, as in production: every form carries its token in the markup checked."""
    return {"WTF_CSRF_ENABLED": True, "PROPAGATE_UNEXPECTED": False}


def _seeds(role, ids) -> list[str]:
    urls = [t.format(**ids) for _e, method, t, allowed in MATRIX
            if method == "GET" and role in allowed and not t.startswith("/static")]
    urls += [t.format(**ids) for t, roles in EXTRA_PAGES if role in roles]
    return list(dict.fromkeys(["/", *urls]))


def test_every_page_every_role_reaches_is_valid_html(world, client, tmp_path):
    ids = _ids(world)
    documents = {}
    for role in CRAWLERS:
        if role:
            login(client, role, PASSWORD)
        documents.update(crawl(client, role or "resident", _seeds(role, ids)))
        if role:
            logout(client)
    assert len(documents) > 250, len(documents)  # the crawl reached the pages, not the login page alone
    errors = vnu_errors(documents, tmp_path)
    errors += [(name, f"In-page link “{anchor}” leads to no element.", "")
               for name, html in documents.items() for anchor in broken_anchors(html)]
    if errors:
        pytest.fail(report(errors, len(documents)), pytrace=False)


def test_vnu_finds_what_it_should(tmp_path):
    """The checker itself: a bare hx-* attribute, a duplicate id and a stray end tag are errors;
    data-hx-* is valid."""
    good = '<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title></head><body>' \
           '<form data-hx-post="/x" data-hx-target="#r"><button>go</button></form></body></html>'
    bad = '<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title></head><body>' \
          '<form hx-post="/x" id="a"><button id="a">go</button></form></div></body></html>'
    errors = vnu_errors({"good": good, "bad": bad}, tmp_path)
    assert {name for name, _m, _e in errors} == {"bad"}
    assert {kind_of(m) for _n, m, _e in errors} == {
        "Attribute “hx-*” not allowed on element “X” at this point.", "Duplicate ID “X”.", "Stray end tag “X”."}


# An htmx attribute without the data- prefix, in a tag or in a Jinja/Python mapping of attributes.
BARE_HX = re.compile(r"""(?<![\w-])hx-[a-z][a-z-]*(?=\s*=|["']\s*:)""")


def test_no_template_writes_a_bare_hx_attribute():
    """htmx attributes carry the data- prefix, which HTML allows (run ``python tools/data_hx.py`` to fix)."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {m.group(0)}" for m in BARE_HX.finditer(line)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("line", "bare"), [
    ('<form hx-post="/x">', True), ("{{ f(**{\"hx-disabled-elt\": \"this\"}) }}", True),
    ('<main data-hx-boost="true">', False), ("<p>htmx-config</p>", False), ("<p>hx-post in a sentence</p>", False)])
def test_the_bare_hx_check_tells_attributes_from_text(line, bare):
    assert bool(BARE_HX.search(line)) is bare


def test_forms_shown_twice_on_a_page_repeat_no_id(app):
    """Hidden inputs (CSRF token, version) carry no id, so forms on one page never repeat one; a form shown per
    card takes an id prefix, which its labels and radio options follow while the names the server reads stay."""
    from gongfa.duty.forms import ProposeForm
    from gongfa.signup.forms import WalkInForm

    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context():
        form = ProposeForm(version=3)
        form.on.choices = [("2026-12-09", "星期三")]
        hidden = str(form.hidden_tag())
        assert 'name="csrf_token"' in hidden and 'name="version"' in hidden and "id=" not in hidden
        assert "id=" not in str(form.csrf_token)
        form.with_id_prefix("session-7-").with_id_prefix("again-")
        assert str(form.on.label()) == '<label for="session-7-on">来村日期</label>'
        assert 'id="session-7-on" name="on"' in str(form.on())
        assert 'id="session-7-submit" name="submit"' in str(form.submit())
        walk_in = WalkInForm().with_id_prefix("w-")
        assert [str(option.label()) for option in walk_in.kind][0].startswith('<label for="w-kind-0">')
