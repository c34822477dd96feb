"""The audit trail: recorded by every service, chained by hashes, verified, pruned and backed up.

This package sits under every domain (they all record into it) and imports none of them; the pages that
people read the trail on are ``gongfa.review``.
"""
