"""The convention itself: its question, phases, themes, working groups and members."""
