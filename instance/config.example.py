# Copy to instance/config.py (the set-up makes one with a random SECRET_KEY) and adjust.
# Every setting can also come from the environment as GONGFA_<NAME>, e.g. GONGFA_SESSION_COOKIE_SECURE=false.

SECRET_KEY = "change me: python3 -c 'import secrets; print(secrets.token_hex(32))'"

# PostgreSQL instead of the SQLite file in instance/:
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://gongfa:secret@127.0.0.1:5432/gongfa"

# Plain-HTTP station LANs only (cookies are Secure by default):
# SESSION_COOKIE_SECURE = False

# Password policy (等保2.0 sites): 3 character classes, change every 90 days.
# PASSWORD_REQUIRE_CLASSES = 3
# PASSWORD_MAX_AGE_DAYS = 90

# Rate-limit storage shared by several servers:
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"

# Absolute address for QR codes on printed notices:
# PUBLIC_BASE_URL = "https://gongfa.example.cn"

# COMPLAINT_PHONE = "0909-2231348"

# Check-in and attendance (README "Duty calendars"): check-in opens 60 minutes before a session; attendance
# under half the session (or under MIN_DUTY_MINUTES) or 30 minutes off the planned start/end is flagged.
# CHECKIN_OPENS_MINUTES = 60
# MIN_DUTY_MINUTES = 90
# ATTENDANCE_TOLERANCE_MINUTES = 30
