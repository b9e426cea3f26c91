"""Renderings of verdicts and reference data for people (terminal text; HTML lives in web/)."""
