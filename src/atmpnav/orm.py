"""The declarative base shared by every table of the project: one metadata, one migration chain.

Each feature keeps its models in its own module (``atmpnav.registry.models``, …) and lists that
module in :data:`MODEL_MODULES` so that Alembic's autogenerate (and the schema-drift test) sees
every table.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Constraint names are part of the schema: fixed names keep migrations portable across
# backends (and let SQLite's batch mode find them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MODEL_MODULES: tuple[str, ...] = (
    "atmpnav.registry.models",
    "atmpnav.records.assessments",
    "atmpnav.records.users",
    "atmpnav.records.signatures",
    "atmpnav.records.audit",
)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def load_all_models() -> MetaData:
    """Import every model module and return the complete metadata."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata
