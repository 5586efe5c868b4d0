"""Forms of the core app, and the form-submit helper every page uses.

Forms check types and shapes; services check the rules. ``form_submit`` is the whole POST ritual
(validate, call the service, turn a domain error into a form error, say what happened, redirect);
``render_form`` answers the page again with the status of what went wrong: 422 for input the form
or a service refused, the domain error's own status otherwise (409 for a conflict), the same
status the API gives for the same refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import TandemError, ValidationFailed
from tandem.core.language import language_choices
from tandem.core.models import Department, Organization, Role, Side

_STATUS = "_tandem_status"


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, or ``None`` on a GET (an empty POST still binds)."""
    return request.POST if request.method == "POST" else None


def form_error_from(form: forms.Form, error: TandemError) -> None:
    """Show a domain error next to its field, or above the form when it names none, and keep its
    status for the answer (a validation error answers 422, a conflict 409)."""
    field = error.field if error.field in form.fields else None
    unbound: Any = form
    if unbound._errors is None:  # an unbound form (a button with no fields) still shows the refusal
        unbound._errors, unbound.cleaned_data = ErrorDict(renderer=form.renderer), {}
    form.add_error(field, error.message)
    setattr(form, _STATUS, max(getattr(form, _STATUS, 0), error.status))


def form_status(*forms_: forms.Form | None) -> int:
    """The status of a page holding these forms: 200, or the worst error's status."""
    status = 200
    for form in forms_:
        if form is not None and form.errors:
            status = max(status, getattr(form, _STATUS, ValidationFailed.status))
    return status


def form_submit[T](
    request: HttpRequest,
    form: forms.Form,
    action: Callable[..., T],
    *,
    to: str | Callable[[T], str],
    message: str | Callable[[T], str] = "",
    fields: bool = True,
) -> HttpResponse | None:
    """On a POST with valid data, call ``action(**form.cleaned_data)``; on success say ``message``
    and redirect ``to`` (both may be worked out from the result). ``None`` when there is nothing
    to redirect to yet: a GET, or errors now shown on the form. With ``fields=False`` the POST is a
    button that carries no fields: ``action()`` runs and a refusal shows on ``form``."""
    if request.method != "POST" or (fields and not form.is_valid()):
        return None
    try:
        result = action(**form.cleaned_data) if fields else action()
    except TandemError as error:
        form_error_from(form, error)
        return None
    text = message(result) if callable(message) else message
    if text:
        messages.success(request, text)
    return HttpResponseRedirect(to(result) if callable(to) else to)


def render_form(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *forms_: forms.Form | None,
    page_url: str = "",
) -> HttpResponse:
    """Render ``template`` with the status of ``forms_`` (``form_status``). ``page_url`` is the
    page's own address when a POST-only URL answers with it, so the browser's address bar shows
    the page, not an address that only takes a POST."""
    if page_url and request.method == "POST":
        context = {**context, "page_url": page_url}
    return render(request, template, context, status=form_status(*forms_))


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


class LanguageSelect(forms.Select):
    """A choice of language: each option is named in its own language and marked so (``lang``)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["lang"] = option["value"]
        return option


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=120)
    require_mfa = forms.BooleanField(
        label=_("Require multi-factor authentication for every member"), required=False
    )
    language = forms.ChoiceField(
        label=_("Default language"),
        required=False,
        widget=LanguageSelect,
        help_text=_(
            "For members who chose no language of their own; without it, each browser's language applies."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(_("Each person's browser language"))  # type: ignore[attr-defined]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        widget=LanguageSelect,
        help_text=_(
            "Pages and e-mails to you use it. Without a choice, your organisation's default applies, then your browser's."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(_("As my organisation or browser says"))  # type: ignore[attr-defined]


class LanguageForm(forms.Form):
    """The menu's language switcher."""

    language = forms.ChoiceField()
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices("")[1:]  # type: ignore[attr-defined]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “weekly export”.")
    )
    organization = forms.ChoiceField(label=_("Organisation"))

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = org_choices  # type: ignore[attr-defined]
