"""Frozen serving clock and the date formats French outlets print."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from veille.vocabulary import MONTHS, MONTHS_SHORT, WEEKDAYS as DAYS

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_NOW = datetime(2025, 12, 1, 12, 0, tzinfo=PARIS)


class FrozenClock:
    """The mini-web's notion of « now ». It does not move unless told to."""

    def __init__(self, now: datetime | None = None):
        self._lock = threading.Lock()
        self._now = aware(now or DEFAULT_NOW)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime | str) -> None:
        if isinstance(now, str):
            now = datetime.fromisoformat(now)
        with self._lock:
            self._now = aware(now)

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now = self._now + timedelta(**delta)
            return self._now

    def __repr__(self) -> str:
        return f"FrozenClock({self.now().isoformat()})"


def aware(dt: datetime) -> datetime:
    """Naive datetimes are taken as Paris local time."""
    return dt if dt.tzinfo else dt.replace(tzinfo=PARIS)


def paris(dt: datetime) -> datetime:
    return aware(dt).astimezone(PARIS)


def http_date(dt: datetime) -> str:
    """RFC 7231 date, e.g. ``Thu, 25 Apr 2024 16:32:00 GMT``."""
    return format_datetime(aware(dt).astimezone(UTC), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def rfc822(dt: datetime) -> str:
    """RSS ``pubDate``: ``Thu, 25 Apr 2024 18:32:00 +0200``."""
    return format_datetime(paris(dt))


def rfc3339(dt: datetime) -> str:
    return paris(dt).isoformat(timespec="seconds")


def fr_numeric(dt: datetime) -> str:
    """« 25/04/2024 à 18h32 »"""
    d = paris(dt)
    return f"{d:%d/%m/%Y} à {d:%H}h{d:%M}"


def fr_long(dt: datetime, with_time: bool = True, weekday: bool = False) -> str:
    """« 25 avril 2024 à 18h32 » (« jeudi 25 avril 2024 » with weekday)."""
    d = paris(dt)
    day = "1er" if d.day == 1 else str(d.day)
    text = f"{day} {MONTHS[d.month - 1]} {d.year}"
    if weekday:
        text = f"{DAYS[d.weekday()]} {text}"
    if with_time:
        text += f" à {d:%H}h{d:%M}"
    return text


def fr_short(dt: datetime) -> str:
    """« 25 avr. 2024 »"""
    d = paris(dt)
    return f"{d.day} {MONTHS_SHORT[d.month - 1]} {d.year}"


def fr_relative(dt: datetime, now: datetime) -> str:
    """« il y a 3 heures », « il y a 2 jours », « il y a 5 mois »…"""
    seconds = (aware(now) - aware(dt)).total_seconds()
    if seconds < 60:
        return "à l'instant"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"il y a {minutes} minute{'s' if minutes > 1 else ''}"
    hours = minutes // 60
    if hours < 24:
        return f"il y a {hours} heure{'s' if hours > 1 else ''}"
    days = hours // 24
    if days < 31:
        return "hier" if days == 1 else f"il y a {days} jours"
    months = days // 30
    if months < 12:
        return f"il y a {months} mois"
    years = days // 365
    return f"il y a {years} an{'s' if years > 1 else ''}"
