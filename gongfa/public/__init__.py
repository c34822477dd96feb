"""Everything a resident sees without an account: the village page and notice, booking, and checking a printed code.

Above the domains it shows (places, duty sessions, sign-ups, ledgers); no domain imports it.
"""
