"""The GMP room: which requirements of EU GMP Part IV and PIC/S Annex 2A apply to a product and process.

Fed by the facts (with their ``manufacturing`` block) and the EU verdict; the requirements are dated
data files in ``gmp/data/requirements/`` (one per topic), never code. ``law/`` and ``engine.py`` do
not import this package.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atmpnav.gmp.apply import checklist_of_envelope, gmp_checklist
    from atmpnav.gmp.checklist import VARIANTS, Checklist, Item, build_checklist, load_data

__all__ = ["VARIANTS", "Checklist", "Item", "build_checklist", "checklist_of_envelope", "gmp_checklist", "load_data"]

# Names are imported on first use (PEP 562): mounting `atmpnav gmp` on the CLI imports gmp.cli, which must not
# load the requirement data for every other command.
_HOMES = {"VARIANTS": "checklist", "Checklist": "checklist", "Item": "checklist", "build_checklist": "checklist",
          "load_data": "checklist", "checklist_of_envelope": "apply", "gmp_checklist": "apply"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'atmpnav.gmp' has no attribute {name!r}")
    return getattr(import_module(f"atmpnav.gmp.{home}"), name)
