"""Votes: the members' adoption vote, the public's majority judgment, supports for ideas,
paper totals and sealed, verifiable tallies."""
