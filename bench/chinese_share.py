"""The share of Uyghur and Kazakh page text that is Chinese, over the demo (issue 12, point 11).

Seeds a fresh demo database in a temporary folder and crawls it in process, by GET only, as every demo role
and as a visitor, in Uyghur and in Kazakh: every page the home page and the public pages link to, two of each
kind of URL (the crawl of tools/valid_html_demo.py). Of the visible text (text nodes, outside scripts and
styles; white space not counted) it reports the share of characters that are Han, per locale and per kind of
page, and the Chinese runs not marked ``lang="zh…"`` (WCAG 3.1.2):

    .venv/bin/python -m bench.chinese_share                  # per locale, the 25 kinds with most Chinese
    .venv/bin/python -m bench.chinese_share --kinds 0        # every kind
    .venv/bin/python -m bench.chinese_share --json out.json  # also every page's counts and unmarked runs
"""

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from gongfa import create_app
from gongfa.db import db
from gongfa.demo.seed import DEMO_PASSWORD
from tests.web.langparts import RTL_LOCALES, crawl_pages, inspect
from tests.web.vnu import CRAWLERS, kind_of_url, login, logout

VISITOR_SEEDS = ["/", "/v/652701100001", "/v/652701100001/book", "/b/find", "/verify/"]


def measure(per_kind: int = 2) -> list[dict]:
    """One row per page served: who, locale, url, kind, visible characters, Han characters, unmarked runs."""
    with tempfile.TemporaryDirectory(prefix="gongfa-zh-share-") as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "zh-share", "DEMO": True,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.sqlite", "SESSION_COOKIE_SECURE": False,
                          "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": True})
        with app.app_context():
            db.create_all()
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
        client = app.test_client()
        rows = []
        for who in CRAWLERS:
            if who:
                login(client, who, DEMO_PASSWORD)
            seeds = ["/"] if who else VISITOR_SEEDS
            for (name, locale, url), html in crawl_pages(client, who or "visitor", seeds, per_kind=per_kind).items():
                found = inspect(html, RTL_LOCALES[locale])
                rows.append({"who": name, "locale": locale, "url": url, "kind": kind_of_url(url),
                             "chars": found.chars, "han": found.han, "unmarked": found.unmarked})
            if who:
                logout(client)
        return rows


def _share(han: int, chars: int) -> str:
    return f"{100 * han / chars:5.1f} %" if chars else "    – "


def report(rows: list[dict], kinds: int) -> str:
    """Per locale: the overall share, then per kind of page (most Han characters first)."""
    lines = []
    for locale in RTL_LOCALES:
        mine = [r for r in rows if r["locale"] == locale]
        chars, han = sum(r["chars"] for r in mine), sum(r["han"] for r in mine)
        unmarked = sum(len(r["unmarked"]) for r in mine)
        lines.append(f"{locale}: {len(mine)} pages, {chars} visible characters, {han} Han = {_share(han, chars)}; "
                     f"{unmarked} Chinese runs not marked lang=zh")
        by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for r in mine:
            k = by_kind[r["kind"]]
            k[0] += 1
            k[1] += r["chars"]
            k[2] += r["han"]
            k[3] += len(r["unmarked"])
        ordered = sorted(by_kind.items(), key=lambda kv: -kv[1][2])
        lines.append(f"  {'share':>7} {'Han':>6} {'chars':>7} {'unmarked':>8} pages  kind")
        for kind, (pages, c, h, u) in ordered[:kinds or None]:
            lines.append(f"  {_share(h, c)} {h:6d} {c:7d} {u:8d} {pages:5d}  {kind}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2, help="pages of each kind of URL opened from links")
    parser.add_argument("--kinds", type=int, default=25, help="kinds of page listed per locale (0: all)")
    parser.add_argument("--json", type=Path, help="write every page's counts and unmarked runs here")
    args = parser.parse_args(argv)
    rows = measure(args.per_kind)
    print(report(rows, args.kinds))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
