"""Recommendations drafted by the working groups: versions, amendments, ideas and the trace."""
