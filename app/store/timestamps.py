"""UTC timestamps as fixed-width ISO 8601 text, so that string order is time order in SQL."""

from __future__ import annotations

import datetime as dt

from app.store.errors import InvalidInput

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime(FORMAT)


def to_utc_text(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).strftime(FORMAT)


def parse_bound(value: object, name: str, *, end_of_day: bool = False) -> str | None:
    """A filter bound from a datetime, a date, or an ISO string ('2025-03-01', '2025-03-01T08:00',
    '2025-03-01T08:00+09:00'). Naive values are UTC. With end_of_day, a bare date means the end
    of that day (so `until='2025-03-01'` includes the 1st)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return to_utc_text(value)
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and len(value) <= 40:
        text = value.strip()
        try:
            if len(text) == 10:
                day = dt.date.fromisoformat(text)
            else:
                return to_utc_text(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            raise InvalidInput(f"{name}: {value!r} is not a date (YYYY-MM-DD) or ISO date-time") from None
    else:
        raise InvalidInput(f"{name}: expected a date, datetime or ISO string, got {type(value).__name__}")
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    if end_of_day:
        start += dt.timedelta(days=1)
    return start.strftime(FORMAT)
