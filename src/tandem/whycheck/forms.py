"""Forms of the why-check pages: they check types and shapes; the services check the rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import TandemError
from tandem.core.validation import DateInput, PlausibleDateField
from tandem.whycheck.models import GateMode, WhyAnswer
from tandem.whycheck.services import MAX_MEASURES

MEASURE_PARTS = ("name", "target", "unit", "by")
_MEASURE_FIELD = re.compile(r"^measures\.(\d+)\.(name|target|unit|by)$")


def default_deadline() -> Any:
    """A week from today: long enough to think, short enough to stay on the agenda."""
    return timezone.localdate() + timedelta(days=7)


class StartForm(forms.Form):
    prefix = "start"

    deadline = PlausibleDateField(
        within="deadline",
        label=_("Answer by"),
        widget=DateInput(),
        initial=default_deadline,
        help_text=_("Both co-leads are e-mailed and asked to answer by this date."),
    )


class AnswerForm(forms.Form):
    """The why and up to five success measures; blank measure rows are ignored."""

    why = forms.CharField(
        label=_("Why are we doing this?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences, in your own words: the change this initiative must bring about."),
    )

    def __init__(self, *args: Any, answer: WhyAnswer | None = None, **kwargs: Any) -> None:
        if answer is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(answer)
        super().__init__(*args, **kwargs)
        # Short labels: each row is a group named "Measure 1", "Measure 2", … on the page.
        for i in range(MAX_MEASURES):
            self.fields[f"m{i}_name"] = forms.CharField(label=_("Name"), max_length=200, required=False)
            self.fields[f"m{i}_target"] = forms.FloatField(label=_("Target"), required=False)
            self.fields[f"m{i}_unit"] = forms.CharField(label=_("Unit"), max_length=30, required=False)
            self.fields[f"m{i}_by"] = PlausibleDateField(label=_("By"), required=False, widget=DateInput())
        self._rows: list[int] = []  # form row of each measure handed to the service

    def measure_rows(self) -> list[list[forms.BoundField]]:
        """The bound fields of each measure row, for the template's table."""
        return [[self[f"m{i}_{part}"] for part in MEASURE_PARTS] for i in range(MAX_MEASURES)]

    def more_rows_used(self) -> bool:
        """Whether a row past the first two holds something (then the page shows them open)."""
        return any(
            self[f"m{i}_{part}"].value() not in (None, "") or self[f"m{i}_{part}"].errors
            for i in range(2, MAX_MEASURES)
            for part in MEASURE_PARTS
        )

    def measures(self) -> list[dict[str, Any]]:
        """The filled measure rows, as the service takes them."""
        rows = []
        self._rows = []
        for i in range(MAX_MEASURES):
            values = {part: self.cleaned_data.get(f"m{i}_{part}") for part in MEASURE_PARTS}
            if all(value in (None, "") for value in values.values()):
                continue
            self._rows.append(i)
            rows.append(values)
        return rows

    def answer_with[T](self, submit: Callable[..., T]) -> Callable[..., T]:
        """``submit(why=..., measures=[...])`` as ``form_submit`` calls it (with the cleaned fields).
        A measure the service refuses is named on its own row: ``measures.2.target`` is the third
        filled row, which may be any row of the form."""

        def action(**cleaned: Any) -> T:
            try:
                return submit(why=cleaned["why"], measures=self.measures())
            except TandemError as error:
                error.field = self._field_of(error.field)
                raise

        return action

    def _field_of(self, field: str | None) -> str | None:
        found = _MEASURE_FIELD.match(field or "")
        if found and int(found.group(1)) < len(self._rows):
            return f"m{self._rows[int(found.group(1))]}_{found.group(2)}"
        return field


def initial_from(answer: WhyAnswer) -> dict[str, Any]:
    initial: dict[str, Any] = {"why": answer.why}
    for i, measure in enumerate(answer.measures[:MAX_MEASURES]):
        for part in MEASURE_PARTS:
            initial[f"m{i}_{part}"] = measure.get(part)
        target = measure.get("target")
        if isinstance(target, float) and target.is_integer():
            initial[f"m{i}_target"] = int(target)  # 60, not 60.0
    return initial


class DecisionForm(forms.Form):
    prefix = "decision"

    note = forms.CharField(
        label=_("What you agreed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The realigned why or measure both of you will work to. Both co-leads record one."),
    )


class OverrideForm(forms.Form):
    prefix = "override"

    reason = forms.CharField(
        label=_("Reason for the override"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required and recorded in the audit log. The pause lifts and the gate stops blocking."),
    )


class SettingsForm(forms.Form):
    gate = forms.ChoiceField(label=_("Approval gate"), choices=GateMode.choices, widget=forms.RadioSelect)
