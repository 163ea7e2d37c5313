"""Recruiting the members: the volunteer pool, the fair selection, the public draw,
invitations and replacements. The algorithms are in the pure `convention.sortition` package."""
