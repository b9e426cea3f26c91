"""Vocabulary and small value types of the registry (no database imports here).

Dates in the source data are sometimes known only to the month or the year ("2025-07",
"2013"). :class:`PartialDate` keeps the precision; for "on or before a date" questions the
registry is conservative and uses the *last* day the period could be (:attr:`PartialDate.latest`),
so a product approved "2025-07" counts as authorised from 2025-07-31.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from atmpnav.errors import InputError


class Region(StrEnum):
    EU = "EU"
    US = "US"


class Category(StrEnum):
    """EU ATMP classes (Regulation (EC) No 1394/2007). ``unknown``: not verified/not yet set.
    US products carry the project's mapping onto the same vocabulary (``us_category_mapping.csv``),
    where ``not ATMP`` marks a product EU law would leave to another regime."""

    GTMP = "GTMP"
    sCTMP = "sCTMP"
    TEP = "TEP"
    not_atmp = "not ATMP"
    unknown = "unknown"


class Status(StrEnum):
    authorised = "authorised"
    suspended = "suspended"
    withdrawn = "withdrawn"
    not_renewed = "not renewed"
    expired = "expired"
    revoked = "revoked"
    lapsed = "lapsed"
    # Only as the answer of status_on() for a date the data cannot decide (an undated change).
    unknown = "unknown"


#: A marketing authorisation still exists (a suspended MA is still an MA).
STILL_AUTHORISED = frozenset({Status.authorised, Status.suspended})
#: The MA has ended.
ENDED = frozenset({Status.withdrawn, Status.not_renewed, Status.expired, Status.revoked, Status.lapsed})


class Precision(StrEnum):
    day = "day"
    month = "month"
    year = "year"


_PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or the year."""

    earliest: date
    precision: Precision = Precision.day

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raises ValueError."""
        match = _PARTIAL_RE.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)")
        year, month, day = match.groups()
        if day is not None:
            return cls(date(int(year), int(month), int(day)), Precision.day)
        if month is not None:
            return cls(date(int(year), int(month), 1), Precision.month)
        return cls(date(int(year), 1, 1), Precision.year)

    @classmethod
    def of(cls, value: date | None, precision: str | None) -> PartialDate | None:
        if value is None:
            return None
        return cls(value, Precision(precision or Precision.day))

    @property
    def latest(self) -> date:
        """The last day the period could be."""
        start = self.earliest
        if self.precision is Precision.day:
            return start
        if self.precision is Precision.month:
            return date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
        return date(start.year, 12, 31)

    def __str__(self) -> str:
        if self.precision is Precision.day:
            return self.earliest.isoformat()
        if self.precision is Precision.month:
            return f"{self.earliest.year:04d}-{self.earliest.month:02d}"
        return f"{self.earliest.year:04d}"


# --------------------------------------------------------------------------- user input


def parse_as_of(text: str | date | None, *, option: str = "--as-of") -> date | None:
    """A full ISO date given by the user (None stays None); clear error otherwise."""
    if text is None or isinstance(text, date):
        return text
    value = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InputError(f"{option}: {text!r} is not a date; expected YYYY-MM-DD, e.g. 2024-03-19")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{option}: {text!r} is not a valid date ({exc})") from None


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(m.value for m in enum if m.value != "unknown" or enum is Category)


def parse_region(text: str | Region | None) -> Region | None:
    if text is None or isinstance(text, Region):
        return text
    try:
        return Region(text.strip().upper())
    except ValueError:
        raise InputError(f"--region: {text!r} is not a region; expected one of {_choices(Region)}") from None


def parse_category(text: str | Category | None) -> Category | None:
    if text is None or isinstance(text, Category):
        return text
    wanted = text.strip().casefold()
    for member in Category:
        if member.value.casefold() == wanted:
            return member
    raise InputError(f"--category: {text!r} is not a category; expected one of {_choices(Category)}")


def parse_status(text: str | Status | None) -> Status | None:
    if text is None or isinstance(text, Status):
        return text
    wanted = re.sub(r"[\s_-]+", " ", text.strip().casefold())
    for member in Status:
        if member is not Status.unknown and member.value == wanted:
            return member
    raise InputError(f"--status: {text!r} is not a status; expected one of {_choices(Status)}")


def name_key(name: str) -> str:
    """Case- and spacing-insensitive key of a product name (``®``/``™`` ignored)."""
    cleaned = name.replace("\u00ae", "").replace("\u2122", "").replace("\xa0", " ")
    return re.sub(r"\s+", " ", cleaned).strip().casefold()


def slugify(name: str) -> str:
    """File-name slug of a product name: ``Kymriah`` -> ``kymriah``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-")
    return slug or "product"
