"""Forms of the governance pages: they check types and shapes; the services check the rules."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, Side
from tandem.governance.calendar import supported_countries
from tandem.governance.models import Party, PartyKind, Renewal, WorkCalendarSettings
from tandem.strategy.models import Objective

INTERNAL_SIDES = [("", _("— external party —")), (Side.BUSINESS, _("Business")), (Side.IT, _("IT"))]


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices)
    side = forms.ChoiceField(
        label=_("Side of an internal team"),
        choices=INTERNAL_SIDES,
        required=False,
        help_text=_(
            "Only for an internal team: the business or IT. An external party is on the partner side."
        ),
    )
    description = forms.CharField(
        label=_("What they do for us"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    website = forms.CharField(label=_("Website"), max_length=200, required=False)


def _members(org: Organization) -> Any:
    return Membership.objects.for_org(org).filter(is_active=True).select_related("user")


class ContactForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("— someone without an account —"),
        help_text=_(
            "A member on the partner side sees this party's work in Tandem once they are its contact."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    email = forms.CharField(label=_("E-mail address"), max_length=254, required=False)
    role = forms.CharField(label=_("Role at the party"), max_length=120, required=False)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["membership"]
        field.queryset = _members(org)
        field.label_from_instance = lambda m: f"{m.user.display_name} ({m.get_side_display()})"


class ContractForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)
    starts_on = forms.CharField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.CharField(
        label=_("Ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Leave empty for a contract without an end date."),
    )
    value = forms.CharField(label=_("Value"), max_length=30, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False, initial="EUR")
    notice_days = forms.CharField(label=_("Notice period (days)"), max_length=5, initial="90")
    renewal = forms.ChoiceField(label=_("Renewal"), choices=Renewal.choices, initial=Renewal.EXPLICIT)
    alert_days = forms.CharField(
        label=_("Warn this many days before the notice date"), max_length=4, initial="30"
    )


class ContributionForm(forms.Form):
    objective = forms.ModelChoiceField(label=_("Shared objective"), queryset=Objective.objects.none())
    contribution = forms.CharField(
        label=_("Contribution"),
        max_length=300,
        help_text=_("In a sentence: how this party helps reach the objective."),
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = Objective.objects.for_org(org)  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Activity"), max_length=120)


class ColumnForm(forms.Form):
    party = forms.ModelChoiceField(
        label=_("Party"), queryset=Party.objects.none(), required=False, empty_label=_("— choose a party —")
    )
    membership = forms.ModelChoiceField(
        label=_("or a person"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("— choose a person —"),
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.for_org(org).filter(is_active=True)  # type: ignore[attr-defined]
        field: Any = self.fields["membership"]
        field.queryset = _members(org)
        field.label_from_instance = lambda m: f"{m.user.display_name} ({m.get_side_display()})"


class TemplateForm(forms.Form):
    names = forms.CharField(
        label=_("Activities, one per line"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=6000,
        help_text=_("Every new RACI matrix starts with these rows; each initiative can change its own."),
    )


def _time_zones() -> list[tuple[str, str]]:
    return [
        (name, name) for name in sorted(available_timezones()) if "/" in name and not name.startswith("Etc/")
    ]


class CalendarForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zones)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=[(day, name) for day, name in WEEKDAYS.items()],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    day_start = forms.TimeField(label=_("Working day starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    day_end = forms.TimeField(label=_("Working day ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    country = forms.ChoiceField(
        label=_("Public holidays of"),
        choices=lambda: [("", _("— no public holidays —")), *supported_countries().items()],
        required=False,
    )
    subdivision = forms.CharField(
        label=_("Region"),
        max_length=40,
        required=False,
        help_text=_(
            "Only where holidays differ by region, as the holidays package names it (e.g. BY in Germany)."
        ),
    )


def calendar_initial(row: WorkCalendarSettings) -> dict[str, Any]:
    """The calendar form's fields as the organisation has them now."""
    return {
        "time_zone": row.time_zone,
        "weekdays": [int(d) for d in row.weekdays.split(",") if d.strip().isdigit()],
        "day_start": row.day_start,
        "day_end": row.day_end,
        "country": row.country,
        "subdivision": row.subdivision,
    }


class ClosingDayForm(forms.Form):
    day = forms.CharField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=120, required=False)


# --- Services, service levels, measurements and escalation paths (pages) ----------------------


# --- Incidents, the scorecard and ratings (pages) ---------------------------------------------
