"""Registry reads are cached per import generation: a read after an import, made by this process
or by another one on the same database, sees the import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from atmpnav.registry import cache
from atmpnav.registry.queries import current, list_products, show_product, stats


def _holoclar(db) -> object:  # type: ignore[no-untyped-def]
    return next(r for r in list_products(region="EU", engine=db.engine) if r.name == "Holoclar")


def test_reads_come_from_one_snapshot_per_generation(db) -> None:  # type: ignore[no-untyped-def]
    first = current(db.engine)
    list_products(engine=db.engine)
    assert current(db.engine) is first
    assert stats(None, engine=db.engine) is stats(None, engine=db.engine)  # memoised on the snapshot
    assert cache.generation(db.engine) == first.generation


def test_an_import_by_another_process_is_seen_at_the_next_read(db, ema_example: Path) -> None:  # type: ignore[no-untyped-def]
    before = current(db.engine)
    assert _holoclar(db).conditional is True
    env = {**os.environ, "ATMPNAV_DATABASE_URL": db.url}
    result = subprocess.run([sys.executable, "-m", "atmpnav.cli", "registry", "import-ema", str(ema_example)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert cache.generation(db.engine) != before.generation
    assert current(db.engine) is not before
    assert _holoclar(db).conditional is False
    updates = [h for h in show_product("Holoclar", engine=db.engine).history if h.action == "update"]
    assert any(h.field == "conditional" and h.new == "no" for h in updates)


def test_generation_counts_imports_not_only_the_highest_id(db) -> None:  # type: ignore[no-untyped-def]
    from atmpnav import store
    from atmpnav.registry.history import Recorder

    current(db.engine)
    top, count = cache.generation(db.engine)
    with store.session_scope(db.engine) as session:
        Recorder(session, kind="test", source="test", source_as_of=None).finish({}, always=True)
    assert cache.generation(db.engine) == (top + 1, count + 1)
