"""Forms of the delivery dashboard's pages: the organisation's thresholds, and the end users'
feedback through a public link. Forms check types and shapes; ``services`` checks the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.delivery.models import DeliverySettings
from tandem.delivery.services import THRESHOLD_LIMITS

RATINGS = [
    ("1", _("1 · Very poor")),
    ("2", _("2 · Poor")),
    ("3", _("3 · Fair")),
    ("4", _("4 · Good")),
    ("5", _("5 · Very good")),
]


def _threshold(name: str) -> forms.IntegerField:
    """A threshold's field, labelled and explained as the model says, within the service's limits."""
    field = cast(models.Field[Any, Any], DeliverySettings._meta.get_field(name))  # a column, not a relation
    limit = THRESHOLD_LIMITS[name]
    return forms.IntegerField(
        label=field.verbose_name,
        help_text=field.help_text,
        min_value=0,
        max_value=limit,
        widget=forms.NumberInput(attrs={"min": 0, "max": limit, "inputmode": "numeric"}),
    )


class SettingsForm(forms.Form):
    on_time_min = _threshold("on_time_min")
    first_time_right_min = _threshold("first_time_right_min")
    scope_creep_max = _threshold("scope_creep_max")
    unexplained_max = _threshold("unexplained_max")
    feedback_quiet_days = _threshold("feedback_quiet_days")

    @classmethod
    def initial_from(cls, settings: DeliverySettings) -> dict[str, Any]:
        return {name: getattr(settings, name) for name in cls.base_fields}


class FeedbackForm(forms.Form):
    """An end user's rating, comment and (only if they want) name."""

    rating = forms.ChoiceField(
        label=_("How well does it work for you?"),
        choices=RATINGS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("What works, and what should be better?"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=120,
        help_text=_("Leave your name out to stay anonymous."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
