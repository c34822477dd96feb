"""Rename htmx attributes to their valid-HTML spelling: ``hx-post="…"`` → ``data-hx-post="…"``.

HTML allows no ``hx-*`` attributes (the W3C checker reports each one); htmx 2 reads ``data-hx-*`` the same
way. Run it after changing templates (it is idempotent and touches only attributes: a name followed by ``=``
in a tag, or a quoted key followed by ``:`` in a Jinja or Python mapping of attributes, never text):

    python tools/data_hx.py            # rewrite templates/ and gongfa/ in place, print what changed
    python tools/data_hx.py --check    # change nothing; exit 1 if something would change

tests/web/test_valid_html.py fails on any bare ``hx-*`` attribute left in templates/.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The same pattern as the test's: ``hx-name`` not after a letter, digit or hyphen (so never ``data-hx-…``
# again), followed by ``=`` (an attribute) or by a closing quote and ``:`` (a key of an attribute mapping).
BARE_HX = re.compile(r"""(?<![\w-])(hx-[a-z][a-z-]*)(?=\s*=|["']\s*:)""")
# gongfa/web/htmx.py names the attributes in its docs and patterns; it reads both spellings.
SKIP = {ROOT / "gongfa" / "web" / "htmx.py"}


def files() -> list[Path]:
    """Templates and the Python sources that may build attributes (form render_kw)."""
    found = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "gongfa").rglob("*.py"))
    return [p for p in found if p not in SKIP and "migrations" not in p.parts]


def rename(text: str) -> tuple[str, int]:
    """``text`` with each bare hx-* attribute prefixed with data-, and how many there were."""
    return BARE_HX.subn(r"data-\1", text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    total = 0
    for path in files():
        text = path.read_text(encoding="utf-8")
        new, count = rename(text)
        if count:
            total += count
            print(f"{path.relative_to(ROOT)}: {count}")
            if not check:
                path.write_text(new, encoding="utf-8")
    print(f"{total} attribute(s) {'to rename' if check else 'renamed'}")
    return 1 if check and total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
