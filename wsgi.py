"""WSGI entry point: `gunicorn wsgi:app` in production, `flask --app wsgi run` in development."""

from convention import create_app

app = create_app()
