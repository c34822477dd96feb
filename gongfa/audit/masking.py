"""What the audit trail may keep of personal numbers: a masked value and a keyed digest.

GB/T 35273 §7.2 and ASVS 4.0.3 8.3.5 ("accessing sensitive data is audited without logging the
sensitive data itself"): the trail keeps ``138****1234`` and an HMAC-SHA256 of the full value under
a server key, so an investigator holding a number can confirm "was it this one?" while someone
holding only the database (or a backup) cannot read it back.

Pure functions with the key passed in: the migration that masks older rows uses them too, so the
stored format below ("v1") is a contract. Change it only together with a migration.
"""

import hashlib
import hmac
import unicodedata

DIGEST_CHARS = 16  # 64 bits: enough to tell numbers apart, too short to be worth brute-forcing offline

# Field name → object types whose field is public (None: masked everywhere). A service point's
# or a law firm's phone is printed on notices; a person's is not.
PUBLIC_IN = {"phone": {"service_points", "law_firms"}}
# Fields masked only on these object types (a unit's "code" is the public NBS code; a print
# record's is the verification code printed on every page; a booking's is the resident's key).
ONLY_IN = {"code": {"bookings"}, "address": {"mediation_parties"}}
SENSITIVE = {"phone", "id_number", "code", "address", "ics_token", "form_token"}


def derive_key(secret: str | bytes, purpose: str) -> bytes:
    """A key for one purpose (masking, chaining) derived from the site's secret."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"gongfa audit {purpose} v1".encode(), hashlib.sha256).digest()


def normalise(value) -> str:
    """The form a number is compared in: NFKC (full-width digits), no spaces or dashes, upper case (X)."""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def value_digest(value, key: bytes) -> str:
    """The keyed digest stored next to a masked value."""
    return hmac.new(key, normalise(value).encode(), hashlib.sha256).hexdigest()[:DIGEST_CHARS]


def masked_text(field: str, value) -> str:
    """What a person may read: 138****1234, 6527**********1234, ****56; tokens not at all."""
    text = str(value)
    if field == "phone":
        return text[:3] + "****" + text[-4:] if len(text) >= 8 else "****"
    if field == "id_number":
        return text[:4] + "*" * (len(text) - 8) + text[-4:] if len(text) >= 12 else "****"
    if field == "code":
        return "****" + text[-2:] if len(text) >= 4 else "****"
    if field == "address":
        return text[:3] + "****" if len(text) > 3 else "****"
    return "****"


def is_sensitive(object_type: str, field: str) -> bool:
    """Whether ``field`` of an ``object_type`` snapshot must be masked."""
    if field not in SENSITIVE:
        return False
    if object_type in PUBLIC_IN.get(field, ()):
        return False
    return field not in ONLY_IN or object_type in ONLY_IN[field]


def mask_snapshot(object_type: str, values: dict, key: bytes) -> dict:
    """A snapshot with every sensitive value replaced by ``{"masked": …, "hmac": …}``."""
    out = {}
    for field, value in values.items():
        if value not in (None, "") and is_sensitive(object_type, field) and not is_masked(value):
            value = {"masked": masked_text(field, value), "hmac": value_digest(value, key)}
        out[field] = value
    return out


def is_masked(value) -> bool:
    """Whether a stored value is already a masked pair."""
    return isinstance(value, dict) and set(value) == {"masked", "hmac"}
