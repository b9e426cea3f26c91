"""ATMP Navigator: classify gene, cell and tissue therapies in law, explain why, and what follows."""

__version__ = "0.1.0"
