"""Accounts, roles and sessions: registration, email confirmation, login, password reset."""
