"""Forms of the strategy pages: they check types and shapes; the services check the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Department, Membership, Organization, Side
from tandem.core.validation import DateInput, PlausibleDateField, Within
from tandem.strategy.gate import SIGNALS
from tandem.strategy.models import (
    Initiative,
    KeyResult,
    Objective,
    ObjectiveStatus,
    Outcome,
    Stage,
    quarter_bounds,
)
from tandem.strategy.progress import Direction
from tandem.strategy.selectors import GROUPINGS, NO_OBJECTIVE, SORTS, PortfolioFilters


def date_field(
    label: Any, *, required: bool = False, help_text: Any = "", within: Within = "any"
) -> forms.DateField:
    return PlausibleDateField(
        label=label, required=required, widget=DateInput(), help_text=help_text, within=within
    )


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ObjectChoiceField(forms.ChoiceField):
    """A select over rows loaded once by the form (optionally grouped); cleans to the row or None."""

    def __init__(self, *, empty_label: Any = "—", **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)
        self.empty_label = empty_label
        self.rows: dict[str, Any] = {}

    def set_rows[T](
        self,
        rows: Iterable[T],
        *,
        label: Callable[[T], str],
        group: Callable[[T], str] | None = None,
    ) -> None:
        items = list(rows)
        self.rows = {str(row.pk): row for row in items}  # type: ignore[attr-defined]
        choices: list[Any] = [("", self.empty_label)]
        if group is None:
            choices += [(str(row.pk), label(row)) for row in items]  # type: ignore[attr-defined]
        else:
            groups: dict[str, list[tuple[str, str]]] = {}
            for row in items:
                groups.setdefault(group(row), []).append((str(row.pk), label(row)))  # type: ignore[attr-defined]
            choices += list(groups.items())
        self.choices = choices

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.rows.get(str(key)) if key else None


def member_label(member: Membership) -> str:
    name = member.user.display_name
    return f"{name} ({member.title})" if member.title else name


def member_side(member: Membership) -> str:
    return str(Side(member.side).label)


def active_members(org: Organization, *, keep: Iterable[int | None] = ()) -> list[Membership]:
    """Active members of ``org``, plus the ones already chosen (so an edit never drops them silently)."""
    kept = [pk for pk in keep if pk]
    return list(
        Membership.objects.for_org(org)
        .filter(Q(is_active=True) | Q(pk__in=kept))
        .select_related("user")
        .order_by("user__name", "user__email")
    )


# --- Portfolio filters ---------------------------------------------------------------------------


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class PortfolioFilterForm(forms.Form):
    """The GET filters of the portfolio and how it is shown (grouped, as a table or a timeline); an
    invalid value is named next to its field and ignored."""

    q = forms.CharField(label=_("Search titles"), max_length=100, required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=_blank(_("Any stage")) + Stage.choices, required=False
    )
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    objective = forms.TypedChoiceField(label=_("Objective"), coerce=int, required=False, empty_value=None)
    sponsor_side = forms.ChoiceField(
        label=_("Sponsor's side"),
        choices=[*_blank(_("Either side")), (Side.BUSINESS, Side.BUSINESS.label), (Side.IT, Side.IT.label)],
        required=False,
    )
    missing = forms.ChoiceField(
        label=_("Missing signal"), choices=_blank(_("Any")) + list(SIGNALS), required=False
    )
    group = forms.ChoiceField(
        label=_("Group by"),
        choices=[("", _("No grouping")), ("objective", _("Objective")), ("stage", _("Stage"))],
        required=False,
    )
    view = forms.ChoiceField(
        label=_("Show as"), choices=[("", _("Table")), ("timeline", _("Timeline"))], required=False
    )
    sort = forms.ChoiceField(
        choices=[(key, key) for key in SORTS], required=False, widget=forms.HiddenInput()
    )

    def __init__(
        self,
        *args: Any,
        departments: Iterable[Department],
        objectives: Iterable[Objective] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(_("Any department")) + [  # type: ignore[attr-defined]
            (d.pk, d.name) for d in departments
        ]
        self.fields["objective"].choices = [  # type: ignore[attr-defined]
            *_blank(_("Any objective")),
            *((o.pk, o.title) for o in objectives),
            (NO_OBJECTIVE, _("Serves no objective")),
        ]

    def _valid(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filters(self) -> PortfolioFilters:
        """The valid filters only (``is_valid`` drops the others from ``cleaned_data``)."""
        data = self._valid()
        return PortfolioFilters(
            stage=data.get("stage") or "",
            department=data.get("department") or None,
            sponsor_side=data.get("sponsor_side") or "",
            missing=data.get("missing") or "",
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") or "updated",
            objective=data.get("objective"),
        )

    def grouping(self) -> str:
        """ "objective", "stage" or "" (one list, paginated)."""
        group = self._valid().get("group") or ""
        return group if group in GROUPINGS else ""

    def timeline(self) -> bool:
        """Whether the initiatives are shown on a timeline instead of in a table."""
        return self._valid().get("view") == "timeline"


# --- Initiatives ---------------------------------------------------------------------------------


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=text_area(3))
    business_outcome = forms.CharField(
        label=_("Business outcome"),
        required=False,
        widget=text_area(4),
        help_text=_(
            "Why are we doing this? The change the business needs, in its own words. Required for approval."
        ),
    )
    definition_of_success = forms.CharField(
        label=_("Definition of success"),
        required=False,
        widget=text_area(3),
        help_text=_(
            "How both sides will know it worked. Add measurable success measures with targets "
            "on the initiative page: approval needs at least one."
        ),
    )
    business_co_lead = ObjectChoiceField(
        label=_("Business co-lead"),
        required=False,
        help_text=_("A member on the business side. Approval needs both co-leads."),
    )
    it_co_lead = ObjectChoiceField(
        label=_("IT co-lead"),
        required=False,
        help_text=_(
            "A member on the IT side. Name one early: Tandem records the stage at which IT was "
            "first involved."
        ),
    )
    sponsor = ObjectChoiceField(label=_("Sponsor"), required=False)
    budget_amount = forms.DecimalField(
        label=_("Budget"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    budget_currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="EUR", help_text=_("Three letters, e.g. EUR.")
    )
    start_date = date_field(_("Start date"))
    target_date = date_field(_("Target date"), within="deadline")
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments served"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    end_user_input_who = forms.CharField(
        label=_("Who was asked"),
        max_length=200,
        required=False,
        help_text=_("The end users (or their representatives) you spoke to."),
    )
    end_user_input_when = date_field(_("When"), within="past")
    end_user_input_summary = forms.CharField(label=_("What they said"), required=False, widget=text_area(3))
    end_user_input_waiver = forms.CharField(
        label=_("Or: why nobody was asked"),
        required=False,
        widget=text_area(2),
        help_text=_(
            "Only when asking end users is impossible or pointless. Approval needs either who and "
            "what they said, or this reason."
        ),
    )

    def __init__(
        self, *args: Any, org: Organization, initiative: Initiative | None = None, **kwargs: Any
    ) -> None:
        if initiative is not None:
            kwargs.setdefault("initial", initiative_initial(initiative))
        super().__init__(*args, **kwargs)
        keep = (
            [initiative.business_co_lead_id, initiative.it_co_lead_id, initiative.sponsor_id]
            if initiative
            else []
        )
        members = active_members(org, keep=keep)
        fields = self.fields
        fields["business_co_lead"].set_rows(  # type: ignore[attr-defined]
            [m for m in members if m.side == Side.BUSINESS], label=member_label
        )
        fields["it_co_lead"].set_rows([m for m in members if m.side == Side.IT], label=member_label)  # type: ignore[attr-defined]
        fields["sponsor"].set_rows(members, label=member_label, group=member_side)  # type: ignore[attr-defined]
        fields["departments"].queryset = Department.objects.for_org(org)  # type: ignore[attr-defined]

    def clean_budget_currency(self) -> str:
        return str(self.cleaned_data["budget_currency"]).strip().upper()


def initiative_initial(initiative: Initiative) -> dict[str, Any]:
    names = [name for name in InitiativeForm.base_fields if name not in ("departments",)]
    initial = {name: getattr(initiative, name) for name in names if not name.endswith(("_lead", "sponsor"))}
    initial["business_co_lead"] = initiative.business_co_lead_id
    initial["it_co_lead"] = initiative.it_co_lead_id
    initial["sponsor"] = initiative.sponsor_id
    initial["departments"] = [d.pk for d in initiative.departments.all()]
    return initial


class SuccessMeasureForm(forms.Form):
    prefix = "measure"
    name = forms.CharField(label=_("Measure"), max_length=200)
    baseline = forms.FloatField(label=_("Baseline"), required=False)
    target = forms.FloatField(
        label=_("Target"), required=False, help_text=_("Approval needs a measure with a target.")
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    by_date = date_field(_("By"))
    key_result = ObjectChoiceField(label=_("Key result"), required=False, empty_label=_("— none —"))

    def __init__(self, *args: Any, key_results: Iterable[KeyResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_result"].set_rows(key_results, label=key_result_label, group=key_result_group)  # type: ignore[attr-defined]


def key_result_label(key_result: KeyResult) -> str:
    return key_result.metric


def key_result_group(key_result: KeyResult) -> str:
    objective = key_result.objective
    if objective.is_siloed:
        return str(_("%(title)s (siloed)") % {"title": objective.title})
    return objective.title


class KeyResultLinkForm(forms.Form):
    prefix = "link"
    key_result = ObjectChoiceField(label=_("Key result"), empty_label=_("— choose —"))
    contribution = forms.CharField(
        label=_("Expected contribution"),
        max_length=300,
        required=False,
        help_text=_("How this initiative moves the key result, e.g. “+5 points by March”."),
    )

    def __init__(self, *args: Any, key_results: Iterable[KeyResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key_result"].set_rows(key_results, label=key_result_label, group=key_result_group)  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    prefix = "transition"
    to = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        widget=text_area(2),
        help_text=_("Shown on the timeline. Required to pause or cancel."),
    )
    outcome_achieved = forms.ChoiceField(
        label=_("Was the business outcome achieved?"),
        choices=_blank(_("— only when closing —")) + Outcome.choices,
        required=False,
    )
    lessons_learned = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        widget=text_area(3),
        help_text=_("Only when closing."),
    )

    def __init__(self, *args: Any, stages: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stages = list(stages)
        # No stage is preselected: pressing "Move" without choosing must not move anything.
        choices = [(s, Stage(s).label) for s in stages]
        blank = [("", _("— choose a stage —"))] if choices else []
        self.fields["to"].choices = [*blank, *choices]  # type: ignore[attr-defined]
        self.closing = Stage.CLOSED in stages


# --- Objectives and key results ------------------------------------------------------------------


def quarter_choices(around: date, *, keep: str = "") -> list[tuple[str, str]]:
    """The previous quarter, this one and the next four ("2026-4" → "Q4 2026")."""
    year, quarter = around.year, (around.month - 1) // 3 + 1
    index = year * 4 + quarter - 1
    keys = [f"{i // 4}-{i % 4 + 1}" for i in range(index - 1, index + 5)]
    if keep and keep not in keys:
        keys.insert(0, keep)
    return [(key, f"Q{key.split('-')[1]} {key.split('-')[0]}") for key in keys]


def quarter_of(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    quarter = (start.month - 1) // 3 + 1
    return f"{start.year}-{quarter}" if (start, end) == quarter_bounds(start.year, quarter) else ""


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=text_area(3))
    quarter = forms.ChoiceField(
        label=_("Quarter"),
        required=False,
        help_text=_("Pick a quarter, or leave this empty and enter the dates of the period."),
    )
    period_start = date_field(_("Period start"))
    period_end = date_field(_("Period end"), within="deadline")
    business_owner = ObjectChoiceField(
        label=_("Business owner"),
        required=False,
        help_text=_("Someone on the business side. With the IT owner, they own the objective together."),
    )
    it_owner = ObjectChoiceField(
        label=_("IT owner"),
        required=False,
        help_text=_("Someone on the IT side."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ObjectiveStatus.choices,
        initial=ObjectiveStatus.DRAFT,
        help_text=_(
            "Without a business owner and an IT owner from their own sides, an objective is siloed "
            "and can only be a draft."
        ),
    )

    def __init__(
        self, *args: Any, org: Organization, objective: Objective | None = None, **kwargs: Any
    ) -> None:
        keep_quarter = ""
        if objective is not None:
            keep_quarter = quarter_of(objective.period_start, objective.period_end)
            kwargs.setdefault(
                "initial",
                {
                    "title": objective.title,
                    "description": objective.description,
                    "quarter": keep_quarter,
                    "period_start": objective.period_start,
                    "period_end": objective.period_end,
                    "business_owner": objective.business_owner_id,
                    "it_owner": objective.it_owner_id,
                    "status": objective.status,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = _blank(_("— custom dates —")) + quarter_choices(  # type: ignore[attr-defined]
            timezone.localdate(), keep=keep_quarter
        )
        keep = [objective.business_owner_id, objective.it_owner_id] if objective else []
        # Any member may be chosen, so that a siloed draft can be saved; each side comes first
        # in its own list.
        members = [m for m in active_members(org, keep=keep) if m.side != Side.PARTNER]
        for name, side in (("business_owner", Side.BUSINESS), ("it_owner", Side.IT)):
            ordered = sorted(members, key=lambda m, side=side: m.side != side)  # type: ignore[misc]
            self.fields[name].set_rows(ordered, label=member_label, group=member_side)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quarter = data.get("quarter")
        if quarter:
            year, number = (int(part) for part in quarter.split("-"))
            data["period_start"], data["period_end"] = quarter_bounds(year, number)
            self.errors.pop("period_start", None)
            self.errors.pop("period_end", None)
        else:
            for key in ("period_start", "period_end"):
                if data.get(key) is None and key not in self.errors:
                    self.add_error(key, _("Choose a quarter or enter both dates."))
        data.pop("quarter", None)
        return data


def _plain_number(value: Any) -> Any:
    """Floats as people write them (91, not 91.0) when a form shows them again."""
    return f"{value:.15g}" if isinstance(value, float) else value


class KeyResultForm(forms.Form):
    metric = forms.CharField(
        label=_("Metric"), max_length=200, help_text=_("What is measured, e.g. “Net promoter score”.")
    )
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False, help_text=_("e.g. %, days, EUR"))
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[
            (Direction.INCREASE, _("Increase")),
            (Direction.DECREASE, _("Decrease")),
            (Direction.WITHIN, _("Stay within a band")),
        ],
        initial=Direction.INCREASE,
    )
    baseline = forms.FloatField(label=_("Baseline"), help_text=_("Where it stands at the start."))
    target = forms.FloatField(label=_("Target"), help_text=_("Where it should be by the due date."))
    band_min = forms.FloatField(
        label=_("Band minimum"), required=False, help_text=_("Only for “stay within a band”.")
    )
    band_max = forms.FloatField(
        label=_("Band maximum"), required=False, help_text=_("Only for “stay within a band”.")
    )
    due_date = date_field(_("Due date"), within="deadline")

    def __init__(self, *args: Any, key_result: KeyResult | None = None, **kwargs: Any) -> None:
        if key_result is not None:
            kwargs.setdefault(
                "initial", {name: _plain_number(getattr(key_result, name)) for name in self.base_fields}
            )
        super().__init__(*args, **kwargs)


class CheckInForm(forms.Form):
    value = forms.FloatField(label=_("Value now"))
    confidence = forms.IntegerField(
        label=_("Confidence (0-10)"),
        min_value=0,
        max_value=10,
        help_text=_("How sure are you the target will be reached? 0 = not at all, 10 = certain."),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=text_area(2))
