"""Input checks shared by every app's services, and the date field of the pages that applies the
same date rules before the service does (and limits the browser's date picker to them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django import forms
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed


def clean_text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """Trimmed text, refused when required and empty, too long, or holding NUL characters
    (which PostgreSQL cannot store: refuse them with a clear error rather than fail later)."""
    text = ("" if value is None else str(value)).strip()
    if "\x00" in text:
        raise ValidationFailed(_("Remove the null characters from this text."), field=field)
    if required and not text:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(text) > max_length:
        raise ValidationFailed(_("Keep it under %(n)s characters.") % {"n": max_length}, field=field)
    return text


# Any date Tandem stores lies in this range: 0001-01-01 or 9999-12-31 is a typing slip, not a plan.
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
# A deadline further ahead than this is not a plan anyone steers by.
DEADLINE_YEARS = 5


def shown(day: date) -> str:
    """A date as the pages show it in the active language (``tandem.formats``): "22 Mar 2027"."""
    return formats.date_format(day)


def years_ahead(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def deadline_limit() -> date:
    """The latest plausible deadline: five years from today."""
    return years_ahead(timezone.localdate(), DEADLINE_YEARS)


def clean_date(
    value: Any,
    *,
    field: str,
    required: bool = False,
    earliest: date | None = None,
    latest: date | None = None,
    too_early: str = "",
    too_late: str = "",
) -> date | None:
    """A date (a ``date`` or ``YYYY-MM-DD`` text) within 1900–2200 and within ``earliest`` and
    ``latest`` when given; ``None`` when empty and not required. Raises ``ValidationFailed`` with
    ``too_early``/``too_late`` (or a plain message naming the limit) otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(_("Enter a date."), field=field)
        return None
    day = _as_date(value, field=field)
    if not EARLIEST <= day <= LATEST:
        raise ValidationFailed(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST.year, "latest": LATEST.year},
            field=field,
        )
    if earliest is not None and day < earliest:
        raise ValidationFailed(
            too_early or _("Enter a date on or after %(day)s.") % {"day": shown(earliest)}, field=field
        )
    if latest is not None and day > latest:
        raise ValidationFailed(
            too_late or _("Enter a date on or before %(day)s.") % {"day": shown(latest)}, field=field
        )
    return day


def clean_deadline(
    value: Any, *, field: str, required: bool = False, earliest: date | None = None
) -> date | None:
    """A deadline or end date: ``clean_date`` that also refuses dates more than five years ahead."""
    limit = deadline_limit()
    return clean_date(
        value,
        field=field,
        required=required,
        earliest=earliest,
        latest=limit,
        too_late=_("Choose a date within five years from today, on or before %(day)s.")
        % {"day": shown(limit)},
    )


def clean_past_date(value: Any, *, field: str, required: bool = False) -> date | None:
    """A date something already happened on: ``clean_date`` that also refuses the future."""
    return clean_date(
        value,
        field=field,
        required=required,
        latest=timezone.localdate(),
        too_late=_("This date is in the future: enter the date it happened."),
    )


def _as_date(value: Any, *, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value.strip()) == len("2027-03-22"):
        try:
            parsed = parse_date(value.strip())
        except ValueError:  # well formed but no such day, e.g. 2027-02-30
            parsed = None
        if parsed is not None:
            return parsed
    raise ValidationFailed(_("Enter a date as YYYY-MM-DD."), field=field)


Within = Literal["any", "deadline", "upcoming", "past"]


def check_date(value: Any, *, field: str, within: Within, required: bool = False) -> date | None:
    """``clean_date`` for a kind of date: any date, a deadline (at most five years ahead), an
    upcoming deadline (also not before today), or a past date (not in the future)."""
    if within == "past":
        return clean_past_date(value, field=field, required=required)
    if within == "any":
        return clean_date(value, field=field, required=required)
    earliest = timezone.localdate() if within == "upcoming" else None
    return clean_deadline(value, field=field, required=required, earliest=earliest)


def date_limits(within: Within) -> tuple[date, date]:
    """The earliest and latest dates a kind of date may take, for the date picker."""
    today = timezone.localdate()
    if within == "any":
        return EARLIEST, LATEST
    if within == "past":
        return EARLIEST, today
    return (today if within == "upcoming" else EARLIEST), deadline_limit()


class DateInput(forms.DateInput):
    """A native date picker; the value is sent as YYYY-MM-DD whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlausibleDateField(forms.DateField):
    """A date on a page, held to the same range as the service (``check_date``): the error shows
    on the field, and the browser's date picker offers only dates within the range."""

    def __init__(self, *, within: Within = "any", **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)
        self.within: Within = within

    def validate(self, value: Any) -> None:
        super().validate(value)
        try:
            check_date(value, field="", within=self.within)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message, code="date_range") from None

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        # Worked out per form, not once at start-up: "today" moves on while the server runs.
        earliest, latest = date_limits(self.within)
        self.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())
        return super().get_bound_field(form, field_name)
