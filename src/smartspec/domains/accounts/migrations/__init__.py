"""Alembic revisions of the accounts domain (branch ``accounts``)."""
