"""Forms of the core app: they check types and shapes; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import TandemError
from tandem.core.models import Department, Organization, Role, Side


def form_error_from(form: forms.Form, error: TandemError) -> None:
    """Show a domain error next to its field, or above the form when it names none."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("— none —")
    )
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_org(org)  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("— none —")
    )
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.for_org(org)  # type: ignore[attr-defined]


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Department name"), max_length=120)


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=120)
    require_mfa = forms.BooleanField(
        label=_("Require multi-factor authentication for every member"), required=False
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “weekly export”.")
    )
    organization = forms.ChoiceField(label=_("Organisation"))

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = org_choices  # type: ignore[attr-defined]
