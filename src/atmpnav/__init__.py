"""ATMP Navigator: classify gene, cell and tissue therapies in law, explain why, and what follows."""

from atmpnav import compiled

__version__ = "0.1.0"

# Before any module of the engine or the rule sets is imported: their compiled versions only if still current.
compiled.choose()
