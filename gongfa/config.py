"""Safe defaults. Secrets and site settings come from instance/config.py or GONGFA_* variables."""

from datetime import timedelta

DEV_SECRET_KEY = "dev-only-not-secret"

DEFAULTS: dict = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "SQLALCHEMY_DATABASE_URI": None,  # filled by create_app: sqlite file in instance/
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Sessions: signed cookie holding only a server-side session id (auth.models.AuthSession).
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,  # set GONGFA_SESSION_COOKIE_SECURE=false on HTTP-only station LANs
    "SESSION_COOKIE_NAME": "gongfa_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),  # absolute limit of one login
    "IDLE_TIMEOUT_MINUTES": 30,  # a session unused this long is ended
    "LOGIN_MAX_FAILURES": 5,  # failed passwords before the account is locked ...
    "LOGIN_LOCK_MINUTES": 15,  # ... for this long
    "ACTIVATION_DAYS": 14,  # activation codes of imported accounts work this long
    # Password policy is a deployment decision (DESIGN §7: 等保2.0 vs OWASP ASVS).
    "PASSWORD_MIN_LENGTH": 10,
    "PASSWORD_REQUIRE_CLASSES": 1,  # 等保 sites set 3 (of lower, upper, digit, symbol)
    "PASSWORD_MAX_AGE_DAYS": 0,  # 0 = never force a change (ASVS); 等保 sites set e.g. 90
    # Argon2id (RFC 9106 second recommended option, above OWASP's minimum).
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 2,
    "WTF_CSRF_TIME_LIMIT": 3600,
    "WTF_CSRF_HEADERS": ["X-CSRFToken"],
    # Rate limits count per client address. memory:// holds for one process only (flask run, tests, waitress);
    # gunicorn with several workers refuses it (gunicorn_conf.py): production uses Redis, e.g.
    # "redis://127.0.0.1:6379/0" or "redis+unix:///run/redis/redis-server.sock". .ci/serve starts its own.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "gongfa",  # give each instance its own when several share one Redis
    # If Redis goes away after start, count in each worker's memory (logged) rather than answer 500.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": False,
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",
    # Public sign-up and booking look-up, per client address (the code + phone tail must not be guessable).
    "RATELIMIT_SIGNUP": "6 per minute;30 per hour",
    "RATELIMIT_LOOKUP": "10 per minute;60 per hour",
    # Public PDFs (the village notice, 0.2-0.3 s of a worker each), per client address; logged-in staff exempt.
    "RATELIMIT_PDF": "10 per minute;60 per hour",
    # Proxies in front of the app that add X-Forwarded-For/-Proto (nginx: 1). 0 = clients connect directly, and
    # any X-Forwarded-* header they send is ignored. Never more than there are: a client could pick its address.
    "PROXY_COUNT": 0,
    # Xinjiang office hours (自治区 yearly notice on 冬夏季作息时间; Beijing time): sign-up slots of the
    # weekly and monthly sessions fall inside these periods, so nobody is booked into the lunch break.
    "OFFICE_HOURS": {
        "summer_from": "05-01",
        "winter_from": "10-01",
        "summer": [["10:00", "14:00"], ["16:00", "20:00"]],
        "winter": [["10:00", "14:00"], ["15:30", "19:30"]],
    },
    # The day's facts (README "Duty calendars"): check-in opens this many minutes before a session starts and
    # closes at its end; attendance shorter than MIN_DUTY_MINUTES (None: half the planned session), or a
    # check-in/out more than ATTENDANCE_TOLERANCE_MINUTES from the planned start/end, is flagged to whoever
    # countersigns it (never refused: the officer or head judges).
    "CHECKIN_OPENS_MINUTES": 60,
    "MIN_DUTY_MINUTES": None,
    "ATTENDANCE_TOLERANCE_MINUTES": 30,
    # Mediation categories (code, Chinese name): None = the MoJ statistics list in gongfa/mediation/categories.py.
    # A site list replaces it; names not in the catalogs then show in Chinese until translated.
    "MEDIATION_CATEGORIES": None,
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,  # xlsx imports are the largest uploads
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "BABEL_DEFAULT_LOCALE": "zh_Hans",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "SEND_FILE_MAX_AGE_DEFAULT": 0,  # fingerprinted static URLs get a year (web/assets.py)
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript", "text/javascript",
                           "image/svg+xml", "text/calendar", "application/json"],
    # Browsers offer br only over HTTPS; plain-HTTP station LANs get gzip.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_MIN_SIZE": 300,
    "COMPRESS_BR_LEVEL": 5,
    # Public contact numbers printed on village pages and notices.
    "HOTLINE": "12348",
    "COMPLAINT_PHONE": "0909-2231348",
    # The address printed in QR codes and verification URLs, e.g. "https://gongfa.example.cn" (scheme and host).
    "PUBLIC_BASE_URL": None,
    # Host names a request may carry (Flask). None: PUBLIC_BASE_URL's host plus localhost when that is set,
    # else localhost only (outside tests). A list, or a comma-separated string; ".example.cn" admits subdomains.
    "TRUSTED_HOSTS": None,
    "HTMX_VERSION": "2.0.10",
    # A demo site (bash .ci/serve sets GONGFA_DEMO=true): only then does `flask seed-demo` load its accounts,
    # whose password is published.
    "DEMO": False,
    # Audit trail (README "Audit trail"): the key of its digests and hash chain (None: SECRET_KEY; set it to
    # the old SECRET_KEY before rotating that), how long events are kept (at least 183 days, Cybersecurity
    # Law art. 21), and the most rows one .xlsx export holds.
    "AUDIT_KEY": None,
    "AUDIT_RETENTION_DAYS": 365,
    "AUDIT_EXPORT_MAX_ROWS": 20000,
    # flask backup: where copies go (None: instance/backups) and, for PostgreSQL, the directory of
    # pg_dump/pg_restore matching the server's major version (None: the ones on PATH).
    "BACKUP_DIR": None,
    "PG_BIN_DIR": None,
}
