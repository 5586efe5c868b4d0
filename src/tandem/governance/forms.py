"""Forms of the governance pages: they check types and shapes; the services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, Side
from tandem.governance.calendar import supported_countries
from tandem.governance.models import (
    Channel,
    IncidentStatus,
    Party,
    PartyKind,
    Priority,
    Renewal,
    Service,
    ServiceMetric,
    WorkCalendarSettings,
)
from tandem.strategy.models import Initiative, KeyResult, Objective

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
# Numbers stay text here: the services read "99,9" and "99.9" alike and say what is wrong.


def _number_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


def plain(value: Decimal | None) -> str:
    """A stored figure as a person would type it: 99.5, not 99.500; empty for none."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    party = forms.ModelChoiceField(
        label=_("Run by"), queryset=Party.objects.none(), empty_label=_("— choose a party —")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    availability_target = forms.CharField(
        label=_("Availability target (%)"),
        max_length=12,
        required=False,
        widget=_number_input(),
        help_text=_("The share of the agreed service time the service must be up, such as 99.9."),
    )
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiatives that depend on it"), queryset=Initiative.objects.none(), required=False
    )
    key_results = forms.ModelMultipleChoiceField(
        label=_("Key results that depend on it"), queryset=KeyResult.objects.none(), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, org: Organization, service: Service | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = Party.objects.for_org(org).filter(is_active=True)
        if service is None:
            del self.fields["is_active"]
        else:  # a party gone inactive still shows as the one that runs the service
            parties = Party.objects.for_org(org).filter(Q(is_active=True) | Q(pk=service.party_id))
        self.fields["party"].queryset = parties  # type: ignore[attr-defined]
        self.fields["initiatives"].queryset = Initiative.objects.for_org(org).order_by("title", "pk")  # type: ignore[attr-defined]
        field: Any = self.fields["key_results"]
        field.queryset = KeyResult.objects.for_org(org).select_related("objective")
        field.label_from_instance = lambda kr: f"{kr.objective.title} — {kr.metric}"


def service_initial(service: Service) -> dict[str, Any]:
    """The service form's fields as the service has them now."""
    return {
        "name": service.name,
        "party": service.party_id,
        "description": service.description,
        "availability_target": plain(service.availability_target),
        "initiatives": [i.pk for i in service.initiatives.all()],
        "key_results": [kr.pk for kr in service.key_results.all()],
        "is_active": service.is_active,
    }


class ServiceLevelForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    acknowledge_hours = forms.CharField(
        label=_("Acknowledge within (working hours)"), max_length=12, widget=_number_input()
    )
    resolve_hours = forms.CharField(
        label=_("Resolve within (working hours)"), max_length=12, widget=_number_input()
    )


class MetricForm(forms.Form):
    name = forms.CharField(label=_("Measure"), max_length=120)
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    target = forms.CharField(label=_("Target"), max_length=30, widget=_number_input())
    higher_is_better = forms.TypedChoiceField(
        label=_("The target is met at"),
        choices=[("higher", _("the target or above")), ("lower", _("the target or below"))],
        coerce=lambda value: value == "higher",
        initial="higher",
    )


class MeasurementForm(forms.Form):
    period = forms.CharField(
        label=_("Month"),
        max_length=10,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    metric = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=ServiceMetric.objects.none(),
        required=False,
        empty_label=_("Availability (%)"),
    )
    value = forms.CharField(label=_("Value"), max_length=30, widget=_number_input())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metrics = ServiceMetric.objects.for_org(service.organization).filter(service=service)
        self.fields["metric"].queryset = metrics  # type: ignore[attr-defined]


class MeasurementsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX, up to 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class EscalationLevelForm(forms.Form):
    party = forms.ModelChoiceField(
        label=_("Party"), queryset=Party.objects.none(), required=False, empty_label=_("— choose a party —")
    )
    membership = forms.ModelChoiceField(
        label=_("or a person"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("— choose a person —"),
    )
    channel = forms.ChoiceField(label=_("Reached by"), choices=Channel.choices, initial=Channel.EMAIL)
    respond_hours = forms.CharField(
        label=_("Must respond within (working hours)"), max_length=12, widget=_number_input()
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.for_org(org).filter(is_active=True)  # type: ignore[attr-defined]
        field: Any = self.fields["membership"]
        field.queryset = _members(org)
        field.label_from_instance = lambda m: f"{m.user.display_name} ({m.get_side_display()})"


# --- Incidents, the scorecard and ratings (pages) ---------------------------------------------


class IncidentFilterForm(forms.Form):
    """The GET filters of the incident list; an invalid value is named next to its field and ignored.
    A filter without choices (no services to pick from, a partner's initiatives) is left out."""

    status = forms.ChoiceField(
        label=_("Status"),
        # "open" is every incident not resolved; "waiting" those not acknowledged yet.
        choices=[
            ("open", _("Open (not resolved)")),
            ("all", _("All")),
            ("waiting", IncidentStatus.OPEN.label),
            *((value, label) for value, label in IncidentStatus.choices if value != IncidentStatus.OPEN),
        ],
        required=False,
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Any severity")), *Priority.choices], required=False
    )
    party = forms.TypedChoiceField(label=_("Held by"), coerce=int, required=False, empty_value=None)
    service = forms.TypedChoiceField(label=_("Service"), coerce=int, required=False, empty_value=None)
    initiative = forms.TypedChoiceField(label=_("Initiative"), coerce=int, required=False, empty_value=None)
    held = forms.ChoiceField(
        label=_("Held for more than"),
        choices=[
            ("", _("Any time")),
            ("4h", _("4 hours")),
            ("1d", _("a day")),
            ("3d", _("3 days")),
            ("1w", _("a week")),
        ],
        required=False,
        help_text=_("Open incidents, counted from when the party holding one took it on."),
    )

    def __init__(self, *args: Any, parties: Any, services: Any, initiatives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows, blank in (
            ("party", parties, _("Any party")),
            ("service", services, _("Any service")),
            ("initiative", initiatives, _("Any initiative")),
        ):
            if rows:
                self.fields[name].choices = [("", blank), *((r.pk, str(r)) for r in rows)]  # type: ignore[attr-defined]
            else:
                del self.fields[name]

    def filters(self) -> dict[str, Any]:
        """The valid filters only (``is_valid`` drops the others), open incidents by default."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}
        data.setdefault("status", "open")
        return data


# "Held for more than" of the incident list, in hours.
HELD_FOR_HOURS = {"4h": 4, "1d": 24, "3d": 72, "1w": 168}


class IncidentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("In a few words: what goes wrong, and for whom.")
    )
    priority = forms.ChoiceField(label=_("Severity"), choices=Priority.choices, initial=Priority.MEDIUM)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("— no service —")
    )
    initiative = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("— no initiative —"),
        help_text=_("Name the service, the initiative, or both."),
    )
    party = forms.ModelChoiceField(
        label=_("Who should pick it up"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("— the party that runs the service —"),
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, services: Any, initiatives: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, rows in (("service", services), ("initiative", initiatives), ("party", parties)):
            self.fields[name].queryset = rows  # type: ignore[attr-defined]


class IncidentStepForm(forms.Form):
    """A step of the incident page; its fields' ids start with ``step``, since several forms on the
    page name a field alike. Without fields (acknowledge, resume) it carries only a refusal."""

    step = "step"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.step}-%s")
        super().__init__(*args, **kwargs)


class HandOverForm(IncidentStepForm):
    step = "hand-over"
    party = forms.ModelChoiceField(
        label=_("Hand over to"), queryset=Party.objects.none(), empty_label=_("— choose a party —")
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("The new party reads this first: what is known and what was tried."),
    )

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties  # type: ignore[attr-defined]


class PauseForm(IncidentStepForm):
    step = "pause"
    reason = forms.CharField(
        label=_("Reason for the pause"),
        max_length=300,
        help_text=_("Waiting for the reporter, a planned change window: the clock stops until it resumes."),
    )


class ResolveForm(IncidentStepForm):
    step = "resolve"
    resolution = forms.CharField(
        label=_("How it was solved"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReopenForm(IncidentStepForm):
    step = "reopen"
    reason = forms.CharField(label=_("Why it is back"), max_length=300)


class NoteForm(IncidentStepForm):
    step = "note"
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReviewForm(forms.Form):
    summary = forms.CharField(
        label=_("What happened and why"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    lessons = forms.CharField(label=_("Lessons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    actions = forms.CharField(
        label=_("Follow-up actions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("One per line: who does what, by when."),
    )


class RatingForm(forms.Form):
    """One party's rating; the page draws one such form per party."""

    party = forms.ModelChoiceField(queryset=Party.objects.none(), widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label=_("Rating"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties  # type: ignore[attr-defined]
