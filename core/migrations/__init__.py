"""Alembic migrations of the database (``flask --app core db upgrade``)."""
