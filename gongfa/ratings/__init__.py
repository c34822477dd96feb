"""一事一评: the rating a resident gives a consultation or a mediation case.

Shared by sign-ups, mediation and the ledgers, so it belongs to none of them.
"""
