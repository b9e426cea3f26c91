"""Alembic environment for atmpnav, run programmatically by :func:`atmpnav.store.migrate`.

The caller passes an open connection in ``config.attributes["connection"]``; there is no
``alembic.ini`` and no URL here. ``render_as_batch`` lets future migrations alter tables on
SQLite too.
"""

from __future__ import annotations

from alembic import context

from atmpnav.orm import load_all_models

config = context.config
target_metadata = load_all_models()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from atmpnav import store

        engine = store.make_engine()
        with engine.begin() as own_connection:
            _run(own_connection)
        engine.dispose()
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - offline SQL generation is not used
    raise SystemExit("atmpnav migrations run online only (atmpnav.store.migrate)")
run_migrations_online()
