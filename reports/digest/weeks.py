"""Weeks of the digest and French wording of dates.

A digest covers one ISO week, Monday 00:00 to the next Monday 00:00, Europe/Paris
(so a week around a daylight-saving change lasts 167 or 169 hours). French dates are
written by hand rather than through the C locale, which is rarely installed on servers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from veille.errors import VeilleError
from veille.vocabulary import date_label, day_label

PARIS = ZoneInfo("Europe/Paris")
WEEK_FORMAT = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @property
    def code(self) -> str:
        """2024-W36: how commands and the ``digests`` table name it."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(0), PARIS)

    @property
    def end(self) -> datetime:
        """Start of the next Monday, Paris time: the week is [start, end)."""
        return datetime.combine(self.monday + timedelta(days=7), time(0), PARIS)

    @property
    def next_monday(self) -> date:
        """The day the digest is meant for: « the next 30 days » count from it."""
        return self.monday + timedelta(days=7)

    def label(self) -> str:
        """« du 2 au 8 septembre 2024 »"""
        return french_range(self.monday, self.sunday)

    def __str__(self) -> str:
        return self.code


def parse_week(text: str) -> Week:
    m = WEEK_FORMAT.match(text.strip())
    if m:
        year, number = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise VeilleError(
                f"semaine inexistante : « {text} » ({year} n'a pas de semaine {number})",
                "donnez une semaine ISO existante, par exemple 2024-W36",
            ) from None
        return Week(year, number)
    raise VeilleError(
        f"semaine mal écrite : « {text} »", "écrivez l'année et le numéro de semaine ISO, par exemple --week 2024-W36"
    )


def week_of(day: date) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number)


def last_complete_week(now: datetime | None = None) -> Week:
    """The week that ended most recently in Paris: what a digest sent on Monday morning covers."""
    today = (now or datetime.now(PARIS)).astimezone(PARIS).date()
    return week_of(today - timedelta(days=7))


def french_date(day: date, precision: str = "day", weekday: bool = False) -> str:
    """« 2 septembre 2024 », « 1er octobre 2024 », « septembre 2024 », « 2024 »."""
    if precision != "day":
        return date_label(day, precision)
    return day_label(day, weekday=weekday)


def french_range(first: date, last: date) -> str:
    """« du 2 au 8 septembre 2024 », « du 30 septembre au 6 octobre 2024 », across years in full."""
    return date_label(first, "day", last)
