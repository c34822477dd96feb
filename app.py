"""WSGI entry point: ``gunicorn app:app`` or ``flask --app app …``."""

from gongfa import create_app

app = create_app()
