"""Alembic environment: runs migrations on the connection the library passes in."""

from alembic import context

from docrouter_desktop.core.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
