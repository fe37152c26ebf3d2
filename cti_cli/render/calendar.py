"""`cti calendar` as an iCalendar file (RFC 5545), written by the `icalendar` library.

Timed events carry `TZID=Europe/Copenhagen` and the file holds that zone's VTIMEZONE, so a
calendar shows 10:00 as 10:00 on both sides of the summer-time change. Deadlines are all-day
events marked free (they do not block the worker's day).

A calendar that re-reads the file matches events by UID and applies a change only when the
event's SEQUENCE (a date or time moved) or LAST-MODIFIED advanced. That needs a memory of the
previous run, `stamp`'s `previous` (kept by the command in the case folder's git-ignored
`.cti/`): a hash of each event's time and of its text, its sequence and when it last
changed. Nothing in the case files could give that: a moved deadline leaves no trace there,
and a counter must only go up. DTSTAMP is the LAST-MODIFIED time, so an unchanged folder gives
a byte-identical file (no needless re-syncs).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from cti_cli.core.agenda import AgendaEvent
from cti_cli.core.safetext import printable

TIMEZONE: Final = "Europe/Copenhagen"
PRODID: Final = "-//cti-cli//CTI calendar//EN"


@dataclass(frozen=True)
class Stamp:
    """What the previous runs knew of one event (stored as JSON by the command)."""

    when: str
    content: str
    sequence: int
    modified: datetime

    def to_json(self) -> dict[str, Any]:
        return {"when": self.when, "content": self.content, "sequence": self.sequence,
                "modified": self.modified.isoformat()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Stamp:
        modified = datetime.fromisoformat(str(data["modified"]))
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        return cls(str(data["when"]), str(data["content"]), int(data["sequence"]), modified)


def uid(event: AgendaEvent, team: str) -> str:
    """Same team, case, kind and subject → same UID, whatever the date (see core.agenda)."""
    digest = hashlib.sha256(f"{team}\0{event.key}".encode()).hexdigest()[:32]
    return f"{digest}@cti"


def _hash(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()[:16]


def stamp(events: Iterable[AgendaEvent], team: str, previous: Mapping[str, Stamp],
          now: datetime) -> dict[str, Stamp]:
    """Each event's stamp after this run: SEQUENCE + 1 when its start or end moved,
    LAST-MODIFIED = `now` when anything in it changed, else as before.

    Stamps of events not in this run are kept, so that an event that comes back (e.g. a
    phase end moved out of the horizon and in again) continues its sequence.
    """
    now = now.astimezone(UTC).replace(microsecond=0)
    result = dict(previous)
    for event in events:
        key = uid(event, team)
        when = _hash(event.start.isoformat(), event.end.isoformat())
        content = _hash(event.summary, event.description, event.location)
        old = previous.get(key)
        if old is None:
            result[key] = Stamp(when, content, 0, now)
        elif old.when != when:
            result[key] = Stamp(when, content, old.sequence + 1, now)
        elif old.content != content:
            result[key] = Stamp(when, content, old.sequence, now)
    return result


def to_ics(events: list[AgendaEvent], stamps: Mapping[str, Stamp], *, team: str,
           title: str) -> bytes:
    """The calendar file; `stamps` must hold every event (from `stamp`)."""
    zone = ZoneInfo(TIMEZONE)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # RFC 5545 TEXT holds no control characters; a calendar app (or a terminal) shows them
    cal.add("x-wr-calname", printable(title))
    cal.add("x-wr-timezone", TIMEZONE)
    # Subscribed calendars that honour it re-read the file hourly (cron rewrites it daily).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for event in events:
        key = uid(event, team)
        mark = stamps[key]
        vevent = Event()
        vevent.add("uid", key)
        vevent.add("dtstamp", mark.modified)
        vevent.add("last-modified", mark.modified)
        vevent.add("sequence", mark.sequence)
        vevent.add("summary", printable(event.summary))
        if event.description:
            vevent.add("description", printable(event.description))
        if event.location:
            vevent.add("location", printable(event.location))
        if isinstance(event.start, datetime) and isinstance(event.end, datetime):
            vevent.add("dtstart", event.start.replace(tzinfo=zone))
            vevent.add("dtend", event.end.replace(tzinfo=zone))
            vevent.add("transp", "OPAQUE")
        else:
            vevent.add("dtstart", event.start)
            vevent.add("dtend", event.end)
            vevent.add("transp", "TRANSPARENT")
        vevent.add("categories", [event.kind])
        vevent.add("class", "CONFIDENTIAL")
        cal.add_component(vevent)
    days = [e.start.date() if isinstance(e.start, datetime) else e.start for e in events]
    if any(isinstance(e.start, datetime) for e in events):
        first, last = min(days), max(days)
        # The zone's rules a year either side of the events, not since 1970: a short file.
        cal.add_missing_timezones(first_date=date(first.year - 1, 1, 1),
                                  last_date=date(last.year + 1, 12, 31))
    return bytes(cal.to_ical())
