"""WSGI entry point: gunicorn wsgi:app."""

from tthc import create_app

app = create_app()
