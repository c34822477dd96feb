"""Administrative units, service points, law firms and assignments (their pages are in ``gongfa.admin``)."""
