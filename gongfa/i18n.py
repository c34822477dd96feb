"""Supported locales, request locale selection, and helpers for translated enums and names.

Flask-Babel only finds a catalog when it is given exactly the directory's name, and never falls
back from ``kk_Arab_CN`` to ``kk_Arab`` (research/pdf-fonts.md §1). So every request is
normalised to exactly ``zh_Hans``, ``ug`` or ``kk_Arab`` before Flask-Babel sees it.
"""

from dataclasses import dataclass
from enum import StrEnum

from babel import Locale
from flask_babel import lazy_gettext as _l

__all__ = ["LOCALES", "DEFAULT_LOCALE", "TitledEnum", "_l", "normalise_tag", "best_locale", "locale_info"]


@dataclass(frozen=True)
class LocaleInfo:
    """One supported UI language."""

    code: str  # catalog directory and Flask-Babel locale
    html_lang: str  # BCP 47 for <html lang>
    native_name: str  # as the language menu shows it (GLOSSARY #56)
    name_field: str  # suffix of translated name columns: name_zh / name_ug / name_kk
    direction: str


LOCALES: dict[str, LocaleInfo] = {
    "zh_Hans": LocaleInfo("zh_Hans", "zh-Hans", "汉语", "zh", "ltr"),
    "ug": LocaleInfo("ug", "ug", "ئۇيغۇرچە", "ug", "rtl"),
    "kk_Arab": LocaleInfo("kk_Arab", "kk-Arab", "قازاقشا", "kk", "rtl"),
}
DEFAULT_LOCALE = "zh_Hans"


def locale_info(code: str | None) -> LocaleInfo:
    """The LocaleInfo for a normalised code (default when unknown)."""
    return LOCALES.get(code or "", LOCALES[DEFAULT_LOCALE])


def normalise_tag(tag: str | None) -> str | None:
    """Map a browser or user language tag to one of LOCALES, or None.

    ``zh-CN``/``zh-Hans-CN`` → zh_Hans; ``ug``/``ug-CN``/``ug-Arab`` → ug; ``kk-CN``/``kk-Arab``
    → kk_Arab. A bare ``kk`` is Cyrillic Kazakh (Kazakhstan) by CLDR and maps to None, as do
    Traditional Chinese and other languages.
    """
    if not tag:
        return None
    tag = tag.strip().replace("-", "_")
    if tag in LOCALES:
        return tag
    try:
        loc = Locale.parse(tag)
    except Exception:  # noqa: BLE001 (Babel raises UnknownLocaleError, ValueError, … for tags like zz, i-klingon)
        return None
    script = loc.script
    territory = loc.territory
    if loc.language == "zh" and script in (None, "Hans") and territory in (None, "CN", "SG"):
        return "zh_Hans"
    if loc.language == "ug" and script in (None, "Arab"):
        return "ug"
    if loc.language == "kk" and (script == "Arab" or (script is None and territory == "CN")):
        return "kk_Arab"
    return None


def best_locale(accept_languages) -> str | None:
    """First supported locale in a werkzeug LanguageAccept header, by quality."""
    for tag, _quality in accept_languages:
        code = normalise_tag(tag)
        if code:
            return code
    return None


class TitledEnum(StrEnum):
    """A string enum whose members carry a translated title: ``Role.OFFICER.title``."""

    @property
    def title(self) -> str:  # type: ignore[override]
        """The member's translated label."""
        return str(self._titles()[self.value])

    @classmethod
    def _titles(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, title) pairs for select fields."""
        return [(m.value, m.title) for m in cls]


def check_babel_has_arabic_kazakh() -> None:
    """Refuse to run with a Babel that silently turns kk_Arab into Cyrillic (Babel < 2.17)."""
    loc = Locale.parse("kk_Arab")
    if loc.script != "Arab" or loc.character_order != "right-to-left":
        raise RuntimeError("Babel lacks CLDR kk_Arab data; install babel>=2.17")
