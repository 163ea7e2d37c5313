"""The audit log: every staff action, who did it and when."""
