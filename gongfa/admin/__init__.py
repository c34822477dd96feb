"""The management pages: units, stations and studios, law firms, assignments, staff accounts, the .xlsx import.

They sit above ``auth`` because they change what ``auth`` reads: the scope a user gets rests on org's and
people's models, so the pages that edit those models cannot live inside org and people without tying the
three packages into a cycle. Their blueprints keep the names and URLs ``org`` (/org) and ``people``
(/people); their templates stay in ``templates/org`` and ``templates/people``."""
