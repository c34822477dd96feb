"""Staff accounts, memberships, passwords' hashing and the staffing check (their pages are in ``gongfa.admin``)."""
