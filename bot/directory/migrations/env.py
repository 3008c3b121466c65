"""Alembic environment: runs migrations on the engine `bot.directory.db.migrate` passes in."""
from alembic import context

from bot.directory.models import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    context.run_migrations()
