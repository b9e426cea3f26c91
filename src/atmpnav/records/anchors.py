"""Anchors: the latest point of the audit chain, written to an append-only file to be copied elsewhere.

An anchor line is ``<UTC time> chain=<first event's mac, 16 hex> seq=<n> mac=<hex>``: the first
event names the database's chain, so one anchor file can serve several databases.

The database can be rewound by someone with its owner rights and the key (delete the newest events
and versions, recompute nothing): the chain that is left is consistent. An anchor kept outside the
database shows it: the event it names must still be there with the same keyed hash. ``atmpnav audit
anchor`` appends one (and prints it for copying into a ticket, an e-mail or a logbook); the server
appends one at start-up.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from atmpnav.errors import StorageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from atmpnav.records.audit import AuditEvent

ENV_ANCHOR_FILE = "ATMPNAV_ANCHOR_FILE"
ANCHOR_FILENAME = "anchors.log"
LINE = re.compile(r"^(?P<at>\S+) chain=(?P<chain>[0-9a-f]{16}) seq=(?P<seq>\d{1,12}) mac=(?P<mac>[0-9a-f]{64})$")


def anchor_path() -> Path:
    override = os.environ.get(ENV_ANCHOR_FILE, "").strip()
    if override:
        return Path(override).expanduser()
    from atmpnav.store import data_dir

    return data_dir() / ANCHOR_FILENAME


def read_anchors(chain: str | None = None) -> list[tuple[int, str]]:
    path = anchor_path()
    if not path.exists():
        return []
    found = []
    try:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = LINE.match(line.strip())
            if match and (chain is None or match["chain"] == chain):
                found.append((int(match["seq"]), match["mac"]))
    except OSError as exc:
        raise StorageError(f"cannot read the anchor file {path}: {exc}") from None
    return found


def check(events: list[AuditEvent]) -> list[str]:
    """Anchored events that are no longer in the chain as anchored."""
    by_seq = {e.seq: e.mac for e in events}
    if not events:
        return []
    problems = []
    for seq, mac in read_anchors(events[0].mac[:16]):
        if seq not in by_seq:
            problems.append(f"anchor seq={seq}: the audit chain no longer reaches this event (it was cut or rewound)")
        elif by_seq[seq] != mac:
            problems.append(f"anchor seq={seq}: the event at this place has a different hash (history rewritten)")
    return problems


def write_anchor(engine: Engine) -> str | None:
    """Append the chain's latest point to the anchor file; returns the line (None: no events yet)."""
    from atmpnav.records import audit, db

    last = db.read(engine, audit.last_event)
    first = db.read(engine, audit.first_event)
    if last is None or first is None:
        return None
    chain = first.mac[:16]
    anchored = read_anchors(chain)
    line = f"{datetime.now(UTC).isoformat(timespec='seconds')} chain={chain} seq={last.seq} mac={last.mac}"
    if anchored and anchored[-1] == (last.seq, last.mac):
        return line
    path = anchor_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    except OSError as exc:
        raise StorageError(f"cannot write the anchor file {path}: {exc}") from None
    return line
