"""The interface through which apps offer the weekly review what changed: agenda signals.

An app names a source on its AppConfig, ``tandem_agenda_source = "tandem.<app>.agenda.agenda_signals"``:
a function ``agenda_signals(org, since, now) -> list[AgendaSignal]`` reporting what happened in the
organisation from ``since`` to ``now`` that the review should discuss or celebrate. The reviews app
collects them through ``tandem.core.navigation.app_hooks`` without importing any source, so an app
that has not landed, or names no source, is simply absent.

A signal carries the names and links of the organisation's own things (an initiative's title, a
rejection reason), never secret content: no blind answer of a why check, no score, no survey figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tandem.core.models import Organization


@dataclass(frozen=True)
class AgendaSignal:
    """One thing a source wants on the agenda. ``key`` is stable and unique per thing and kind
    ("delivery:rejected:deliverable:12"), so a refreshed agenda adds only what is new."""

    source: str
    kind: str
    key: str
    title: str
    at: datetime
    url: str = ""
    initiative_id: int | None = None
    objective_id: int | None = None
    detail: str = ""
    is_win: bool = False


AgendaSource = Callable[[Organization, datetime, datetime], list[AgendaSignal]]


def moment(value: date | datetime) -> datetime:
    """``value`` as an aware instant: a datetime as it is (made aware in the current time zone when
    naive), a day as its start in the current time zone."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time(0)))


def day_after(day: date) -> datetime:
    """The start of the day after ``day``: when something due "by the end of" ``day`` became late."""
    return moment(day + timedelta(days=1))
