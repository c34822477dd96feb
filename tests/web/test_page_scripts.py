"""Pages carry only the scripts they use: htmx where the page has htmx attributes, app.js where it has work.

On GPRS htmx's 17 KB took the village page's load event from 2.4 s to 5.3 s, for a page that has nothing
for htmx to do. The base template looks at what the page rendered: htmx (and its config meta and the CSRF
header for its requests) only when an element carries an attribute that makes htmx act; signed-in pages
boost their links and forms (their forms rely on it), residents' pages do not.
"""

import re

import pytest
from flask import render_template_string

HTMX_SCRIPT = re.compile(r'<script src="/static/vendor/htmx-[^"]+"')
APP_JS = re.compile(r'<script src="/static/js/app\.js[^"]*"')
PUBLIC = ["/", "/auth/login", "/v/652701100001", "/v/652701100001/book", "/b/find", "/verify/", "/verify/NOSUCHCODE"]


def _page(body: str) -> str:
    return render_template_string('{% extends "base.html" %}{% block content %}' + body + "{% endblock %}")


@pytest.mark.parametrize("path", PUBLIC)
def test_residents_pages_without_htmx_attributes_do_not_load_htmx(world, client, path):
    page = client.get(path).text
    assert not HTMX_SCRIPT.search(page)
    assert "htmx-config" not in page
    assert 'hx-boost="true"' not in page  # a resident's links and forms are plain ones (either spelling)
    assert not APP_JS.search(page)  # nothing for it to do either: no error summary, no draft


def test_a_page_with_htmx_attributes_loads_htmx_and_its_config(world, client, auth):
    auth.login("admin")
    page = client.get("/org/units").text
    assert 'data-hx-get="/org/units"' in page  # the search updates the list in place
    assert len(HTMX_SCRIPT.findall(page)) == 1
    assert "htmx-config" in page
    assert '"X-CSRFToken"' in page
    assert APP_JS.search(page)


def test_signed_in_pages_boost_their_links_and_forms(world, client, auth):
    auth.login("officer")
    page = client.get("/v/652701100001").text  # the same public page, seen by staff
    assert 'data-hx-boost="true"' in page
    assert HTMX_SCRIPT.search(page)


def test_an_error_summary_brings_app_js_to_focus_it(world, client):
    page = client.post("/b/find", data={"code": "", "tail": ""})
    assert page.status_code == 422
    assert 'id="error-summary"' in page.text
    assert APP_JS.search(page.text)
    assert not HTMX_SCRIPT.search(page.text)


@pytest.mark.parametrize(("body", "htmx"), [
    ('<form hx-post="/x" hx-target="#r"><button>go</button></form>', True),
    ('<input name="q" hx-get="/search" hx-trigger="input">', True),
    ('<div data-hx-delete="/x">x</div>', True),  # htmx reads data-hx-* (valid HTML) as well
    ('<div hx-boost="true"><a href="/a">a</a></div>', True),
    ('<a href="/f.pdf" hx-boost="false">PDF</a>', False),  # opting out of boosting asks nothing of htmx
    ('<button class="button" hx-disabled-elt="this">go</button>', False),  # inert without a request
    ("<p>hx-post=&#34;/x&#34; typed by a resident</p>", False),  # text, not an attribute
    ("<p>nothing</p>", False),
])
def test_the_renderer_loads_htmx_exactly_when_an_attribute_makes_it_act(app, world, body, htmx):
    with app.test_request_context("/"):
        page = _page(body)
    assert bool(HTMX_SCRIPT.search(page)) is htmx
    assert ("htmx-config" in page) is htmx


def test_the_login_page_runs_no_script_but_fetches_htmx_ahead(world, client):
    """On GPRS the lawyer types for seconds: htmx (17 KB) arrives meanwhile, for the pages behind the login."""
    page = client.get("/auth/login").text
    assert not HTMX_SCRIPT.search(page) and not APP_JS.search(page)
    assert re.search(r'<link rel="prefetch" href="/static/vendor/htmx-[^"]+\?v=\w+">', page)
