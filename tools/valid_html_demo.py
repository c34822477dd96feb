"""The W3C Nu checker over the demo data: what each demo role is served, errors counted by kind.

The test (tests/web/test_valid_html.py) crawls the small test data; the demo data has more of everything
(a lawyer's two months of cards, townships with several villages, cases in every state), so this is the
crawl the issue's figures came from. It seeds a fresh demo database in a temporary folder and crawls it in
process with Flask's test client, CSRF on, as the test does:

    .venv/bin/python tools/valid_html_demo.py                 # counts by kind, examples; exit 1 on any error
    .venv/bin/python tools/valid_html_demo.py --per-kind 4    # open more pages of each kind
    .venv/bin/python tools/valid_html_demo.py --json out.json # also every error with its page

Needs what ``bash .ci/setup --test`` installs (vnu.jar, Java).
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongfa import create_app  # noqa: E402
from gongfa.db import db  # noqa: E402
from gongfa.demo.seed import DEMO_PASSWORD  # noqa: E402
from tests.web.vnu import (  # noqa: E402
    CRAWLERS,
    broken_anchors,
    counts,
    crawl,
    login,
    logout,
    report,
    vnu_errors,
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2, help="pages of each kind of URL opened from links")
    parser.add_argument("--json", type=Path, help="write every error (page, message, markup) here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gongfa-vnu-") as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "vnu-demo", "DEMO": True,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.sqlite", "SESSION_COOKIE_SECURE": False,
                          "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": True, "PROPAGATE_UNEXPECTED": False})
        with app.app_context():
            db.create_all()
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
        # The requests run outside that app context: inside it they would share one flask.g (its cached user
        # and CSRF token) from one request to the next.
        client = app.test_client()
        documents = {}
        for who in CRAWLERS:
            if who:
                login(client, who, DEMO_PASSWORD)
            seeds = ["/"] if who else ["/", "/v/652701100001", "/v/652701100001/book", "/b/find", "/verify/"]
            found = crawl(client, who or "resident", seeds, per_kind=args.per_kind)
            print(f"{who or 'resident'}: {len(found)} documents", file=sys.stderr)
            documents.update(found)
            if who:
                logout(client)
        folder = Path(tmp) / "pages"
        folder.mkdir()
        errors = vnu_errors(documents, folder)
    errors += [(name, f"In-page link “{anchor}” leads to no element.", "")
               for name, html in documents.items() for anchor in broken_anchors(html)]
    print(report(errors, len(documents)))
    if args.json:
        args.json.write_text(json.dumps({"counts": counts(errors), "errors": errors}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
