"""Demo data that looks like 博州: units, stations, studios, firms and staff."""
