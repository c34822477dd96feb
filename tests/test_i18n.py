"""Languages: selection, persistence, direction, Babel dates, complete catalogs."""

import re
from pathlib import Path

import pytest

from gongfa.cli import CATALOGS, catalog_problems
from gongfa.db import db
from gongfa.i18n import normalise_tag
from gongfa.people.models import User


@pytest.mark.parametrize(("tag", "expected"), [
    ("zh-CN", "zh_Hans"), ("zh", "zh_Hans"), ("zh-Hans-CN", "zh_Hans"), ("zh-TW", None),
    ("ug", "ug"), ("ug-CN", "ug"), ("ug-Arab-CN", "ug"),
    ("kk-CN", "kk_Arab"), ("kk-Arab", "kk_Arab"), ("kk-Arab-CN", "kk_Arab"),
    ("kk", None), ("kk-KZ", None), ("en-US", None), ("", None), ("**", None),
])
def test_browser_tags_map_to_exactly_our_catalog_names(tag, expected):
    assert normalise_tag(tag) == expected


@pytest.mark.parametrize(("accept", "lang", "direction"), [
    ("zh-CN,zh;q=0.9", "zh-Hans", "ltr"), ("ug-CN,ug;q=0.9,zh;q=0.5", "ug", "rtl"),
    ("kk-CN,kk;q=0.9", "kk-Arab", "rtl"), ("en-US", "zh-Hans", "ltr"),
])
def test_html_lang_and_dir_follow_the_browser(world, client, accept, lang, direction):
    page = client.get("/auth/login", headers={"Accept-Language": accept}).text
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_visitor_choice_is_kept_for_the_browser(world, client):
    client.post("/lang", data={"locale": "kk_Arab", "next": "/v/652701100001"})
    page = client.get("/v/652701100001", headers={"Accept-Language": "zh-CN"}).text
    assert 'lang="kk-Arab" dir="rtl"' in page
    assert "يىڭپان الەۋمەتتىك اۋماعى" in page  # the village's Kazakh name
    assert "营盘社区" not in page


def test_user_choice_is_saved_on_the_account(world, client, auth, app):
    auth.login("officer")
    client.post("/lang", data={"locale": "ug"})
    auth.logout()
    fresh = app.test_client()
    fresh.post("/auth/login", data={"username": "officer", "password": "Test.password.1"})
    assert 'lang="ug" dir="rtl"' in fresh.get("/").text
    assert db.session.get(User, world.users["officer"].id).locale == "ug"


def test_unknown_language_is_ignored(world, client):
    client.post("/lang", data={"locale": "xx"})
    assert 'lang="zh-Hans"' in client.get("/auth/login").text


def test_translated_page_has_uyghur_strings(world, client):
    client.post("/lang", data={"locale": "ug"})
    page = client.get("/auth/login").text
    assert "ئىم" in page  # part of the Uyghur word for password (ئىم)
    assert "工作人员登录" not in page


def test_dates_use_cldr_xinjiang_kazakh_month_names(world, client, auth):
    auth.login("county")
    client.post("/lang", data={"locale": "kk_Arab"})
    page = client.get(f"/org/units/{world.units['V1'].id}").text
    assert "قاڭتار" in page  # January, in the membership start dates (2025-01-01)


@pytest.mark.parametrize("locale", CATALOGS)
def test_catalog_has_no_empty_or_fuzzy_entries(locale):
    assert catalog_problems(locale) == []


def test_no_gettext_call_hides_inside_an_f_string():
    """pybabel does not extract a call inside an f-string's braces: f"({_l('汉文')})" left "汉文" out of the
    catalogs, so Uyghur pages printed "(汉文)" in Chinese."""
    root = Path(__file__).resolve().parent.parent / "gongfa"
    hidden = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"""\bf(["']).*\{\s*_l?\(""", line)]
    assert not hidden, hidden
