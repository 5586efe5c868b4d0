"""Forms of the review pages: they check types and shapes; the services check the rules.

Each form's field names are the keyword arguments of the service it feeds, so a view hands
``cleaned_data`` over as it is (``core.forms.form_submit``). Forms of one agenda item carry the
item in their ids (``auto_id``), since the review page holds one per item."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, Role
from tandem.core.validation import PlausibleDateField
from tandem.reviews.models import ActionStatus, ReviewSeries, Weekday
from tandem.strategy.models import Initiative, Objective, ObjectiveStatus, Stage


def members_of(org: Organization, *, keep: tuple[int, ...] = ()) -> QuerySet[Membership]:
    """The organisation's active internal members (partners do not take part in reviews), and
    those already chosen: an edit never drops them."""
    return (
        (
            Membership.objects.for_org(org).filter(is_active=True).exclude(role=Role.PARTNER)
            | Membership.objects.for_org(org).filter(pk__in=keep)
        )
        .distinct()
        .select_related("user")
        .order_by(Lower("user__name"), "user__email")
    )


def _member_label(member: Membership) -> str:
    return f"{member.user.display_name} ({member.get_side_display()})"


def _members_field(field: forms.Field, members: QuerySet[Membership]) -> None:
    chosen: Any = field
    chosen.queryset = members
    chosen.label_from_instance = _member_label


def _initiatives(org: Organization) -> QuerySet[Initiative]:
    return (
        Initiative.objects.for_org(org)
        .exclude(stage__in=(Stage.CLOSED, Stage.CANCELLED))
        .order_by(Lower("title"), "pk")
    )


def _objectives(org: Organization, *, keep: int | None = None) -> QuerySet[Objective]:
    """Objectives a review can be about: not cancelled, and the one already chosen."""
    qs = Objective.objects.for_org(org)
    return (qs.exclude(status=ObjectiveStatus.CANCELLED) | qs.filter(pk=keep or 0)).order_by(
        Lower("title"), "pk"
    )


def _time_zones() -> list[tuple[str, str]]:
    zones = sorted(name for name in available_timezones() if "/" in name and not name.startswith("Etc/"))
    return [("UTC", "UTC"), *((name, name) for name in zones)]


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PerItemForm(forms.Form):
    """A form the review page holds more than once: its ids start with ``step`` and, for an
    agenda item's, the item's id."""

    step = "step"

    def __init__(self, *args: Any, item_id: int | None = None, **kwargs: Any) -> None:
        prefix = f"{self.step}-{item_id}" if item_id else self.step
        kwargs.setdefault("auto_id", f"{prefix}-%s")
        super().__init__(*args, **kwargs)
        self.item_id = item_id


# --- Review series -------------------------------------------------------------------------------


class SeriesForm(forms.Form):
    """A new review series, or the changes to one."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What people see in their calendar, e.g. “Weekly review”."),
    )
    objective = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label=_("— the whole organisation —"),
        help_text=_(
            "Leave empty for the whole organisation; or pick the shared objective of one programme: "
            "its agenda then holds only what serves it."
        ),
    )
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=5,
        max_value=480,
        initial=60,
        help_text=_("The agenda's time boxes are measured against it."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zones,
        help_text=_("The review stays at this time on the clock of this zone, summer and winter."),
    )
    interval_weeks = forms.IntegerField(
        label=_("Every (weeks)"),
        min_value=1,
        max_value=4,
        initial=1,
        help_text=_("1 for every week, 2 for every other week."),
    )
    starts_on = PlausibleDateField(
        label=_("First review on or after"),
        within="deadline",
        help_text=_("The first review is on the chosen day of the week, on or after this date."),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People of both sides: the habit score counts a review as whole when both are present."),
    )

    def __init__(
        self, *args: Any, org: Organization, series: ReviewSeries | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        keep = tuple(series.attendees.values_list("pk", flat=True)) if series else ()
        _members_field(self.fields["attendees"], members_of(org, keep=keep))
        objective: Any = self.fields["objective"]
        objective.queryset = _objectives(org, keep=series.objective_id if series else None)


def series_initial(series: ReviewSeries) -> dict[str, Any]:
    """The series form's fields as the series has them now."""
    return {
        "name": series.name,
        "objective": series.objective_id,
        "weekday": series.weekday,
        "start_time": series.start_time,
        "duration_minutes": series.duration_minutes,
        "time_zone": series.time_zone,
        "interval_weeks": series.interval_weeks,
        "starts_on": series.starts_on,
        "attendees": list(series.attendees.values_list("pk", flat=True)),
    }


# --- A review and its agenda ---------------------------------------------------------------------


class ButtonForm(PerItemForm):
    """A button that posts nothing (prepare, refresh, start, renew an address): it carries a
    refusal only."""

    step = "button"


class CloseForm(PerItemForm):
    step = "close"
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who took part: the minutes name them, and the habit score looks for both sides."),
    )
    notes = forms.CharField(
        label=_("Notes for the minutes"),
        widget=_textarea(3),
        max_length=10000,
        required=False,
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _members_field(self.fields["present"], members)


class CancelForm(PerItemForm):
    step = "cancel"
    reason = forms.CharField(
        label=_("Why it does not take place"),
        max_length=300,
        help_text=_("The attendees read it; a cancelled review counts as not held in the habit score."),
    )


class ItemForm(PerItemForm):
    step = "item"
    title = forms.CharField(label=_("Topic"), max_length=300, help_text=_("What should be discussed."))
    detail = forms.CharField(
        label=_("Detail"),
        widget=_textarea(2),
        max_length=5000,
        required=False,
        help_text=_("Background, a link, the question to answer."),
    )
    minutes = forms.IntegerField(
        label=_("Time box (minutes)"),
        min_value=1,
        max_value=480,
        required=False,
        help_text=_("How long it may take; leave empty for no limit."),
    )


class TimeBoxForm(PerItemForm):
    step = "timebox"
    minutes = forms.IntegerField(
        label=_("Time box (minutes)"),
        min_value=1,
        max_value=480,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    notes = forms.CharField(label=_("Notes"), widget=_textarea(2), max_length=5000, required=False)


class DropForm(PerItemForm):
    step = "drop"
    reason = forms.CharField(
        label=_("Why drop it"),
        max_length=300,
        help_text=_("The minutes keep the item with this reason; a refresh does not bring it back."),
    )


MOVES = [("up", _("Up")), ("down", _("Down"))]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=MOVES)


# --- Decisions, actions and wins -----------------------------------------------------------------


class DecisionForm(PerItemForm):
    step = "decision"
    title = forms.CharField(
        label=_("Decision"), max_length=200, help_text=_("What was decided, in one sentence.")
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=_textarea(4),
        max_length=5000,
        help_text=_("Why: both sides read it when they confirm the decision."),
    )
    options_considered = forms.CharField(
        label=_("Options considered"),
        widget=_textarea(3),
        max_length=5000,
        required=False,
        help_text=_("The alternatives, and why they lost."),
    )
    initiative = forms.ModelChoiceField(
        label=_("Initiative it affects"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    objective = forms.ModelChoiceField(
        label=_("Objective it affects"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    revisit_on = PlausibleDateField(
        label=_("Review date"),
        within="upcoming",
        required=False,
        help_text=_("When to look at this decision again."),
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initiative: Any = self.fields["initiative"]
        initiative.queryset = _initiatives(org)
        objective: Any = self.fields["objective"]
        objective.queryset = _objectives(org)


class ActionForm(PerItemForm):
    step = "action"
    title = forms.CharField(
        label=_("Action"), max_length=300, help_text=_("What will be done: it carries over until it is.")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Membership.objects.none(),
        empty_label=None,
        help_text=_("One person, who reports on it at the next review."),
    )
    due_on = PlausibleDateField(label=_("Due date"), within="upcoming")
    initiative = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _members_field(self.fields["owner"], members_of(org))
        initiative: Any = self.fields["initiative"]
        initiative.queryset = _initiatives(org)


class ActionStatusForm(PerItemForm):
    step = "status"
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class WinForm(PerItemForm):
    step = "win"
    title = forms.CharField(label=_("Win"), max_length=300, help_text=_("What went well, in a few words."))
    detail = forms.CharField(label=_("Detail"), widget=_textarea(2), max_length=5000, required=False)
    initiative = forms.ModelChoiceField(
        label=_("Initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    thanked = forms.ModelMultipleChoiceField(
        label=_("Whom to thank"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They receive the thanks by e-mail."),
    )
    source_key = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _members_field(self.fields["thanked"], members_of(org))
        initiative: Any = self.fields["initiative"]
        initiative.queryset = _initiatives(org)


# --- Filters (GET): an invalid value is ignored ---------------------------------------------------

CONFIRMED = [("", _("All")), ("yes", _("Confirmed by both sides")), ("no", _("Awaiting a side"))]


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    confirmed = forms.ChoiceField(label=_("Confirmed"), choices=CONFIRMED, required=False)

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments for what was asked (nothing for invalid input)."""
        if not self.is_bound or not self.is_valid():
            return {}
        found: dict[str, Any] = {"q": self.cleaned_data["q"].strip()}
        if self.cleaned_data["confirmed"]:
            found["confirmed"] = self.cleaned_data["confirmed"] == "yes"
        return found


ACTION_STATUSES = [("", _("All")), *ActionStatus.choices]


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=ACTION_STATUSES, required=False, initial=ActionStatus.OPEN
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def filters(self) -> dict[str, Any]:
        """``status`` (open unless asked otherwise), ``mine`` and ``overdue`` as asked."""
        if not self.is_bound or not self.is_valid():
            return {"status": ActionStatus.OPEN, "mine": False, "overdue": False}
        return {
            "status": self.cleaned_data["status"] or None,
            "mine": self.cleaned_data["mine"],
            "overdue": self.cleaned_data["overdue"],
        }
