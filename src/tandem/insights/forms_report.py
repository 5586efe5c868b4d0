"""Forms of the board report pages: they check types and shapes; ``services_report`` checks the
rules (the period's length and order, the recipients)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, Role
from tandem.core.validation import PlausibleDateField
from tandem.insights.models import ReportLanguage


class ReportRequestForm(forms.Form):
    period_start = PlausibleDateField(label=_("From"), within="past")
    period_end = PlausibleDateField(label=_("To"), within="past")
    language = forms.ChoiceField(label=_("Language"), choices=ReportLanguage.choices)


def internal_members(org: Organization) -> QuerySet[Membership]:
    """The organisation's active internal members: who may receive the monthly report."""
    return (
        Membership.objects.for_org(org)
        .filter(is_active=True)
        .exclude(role=Role.PARTNER)
        .select_related("user")
        .order_by(Lower("user__name"), "user__email")
    )


class ReportSettingsForm(forms.Form):
    monthly_report = forms.BooleanField(
        label=_("E-mail the board report monthly"),
        required=False,
        help_text=_(
            "On the first day of each month, the report of the month before goes to the people chosen."
        ),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each receives the report in their own language."),
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["recipients"]
        field.queryset = internal_members(org)
        field.label_from_instance = lambda m: f"{m.user.display_name} ({m.user.email})"
