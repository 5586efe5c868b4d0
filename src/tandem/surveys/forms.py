"""Forms of the survey pages: they check types and shapes; the services check the rules."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import TandemError
from tandem.core.forms import LanguageSelect, form_error_from
from tandem.core.language import language_choices
from tandem.core.models import Department, Membership, Organization, Side
from tandem.core.validation import DateInput, PlausibleDateField
from tandem.surveys.models import MIN_THRESHOLD, AudienceKind, Question, QuestionKind, SurveyTemplate
from tandem.surveys.services import MAX_QUESTIONS, Recipient

DEFAULT_DAYS_OPEN = 14
SIDE_WORDS = {
    "business": Side.BUSINESS,
    "biz": Side.BUSINESS,
    "it": Side.IT,
    "partner": Side.PARTNER,
}
_QUESTION_FIELD = re.compile(r"^questions\.(\d+)\.(kind|text|help_text|criterion|choices)$")


def _today() -> date:
    return timezone.localdate()


def _in_two_weeks() -> date:
    return timezone.localdate() + timedelta(days=DEFAULT_DAYS_OPEN)


def parse_recipients(text: str, departments: dict[str, Department] | None = None) -> list[Recipient]:
    """Lines of "e-mail, side[, department]"; ``ValidationError`` naming the first bad line."""
    departments = departments or {}
    recipients: list[Recipient] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p.strip() for p in re.split(r"[,;\t]", line)]
        if not any(parts):
            continue
        if len(parts) < 2 or parts[1].casefold() not in SIDE_WORDS:
            raise forms.ValidationError(
                _t('Line %(n)s: write "e-mail, side" with side business, it or partner.') % {"n": number}
            )
        department = None
        if len(parts) > 2 and parts[2]:
            department = departments.get(parts[2].casefold())
            if department is None:
                raise forms.ValidationError(
                    _t("Line %(n)s: there is no department called %(name)s.")
                    % {"n": number, "name": parts[2]}
                )
        recipients.append(Recipient(parts[0], SIDE_WORDS[parts[1].casefold()], department))
    return recipients


def _departments_by_name(org: Organization) -> dict[str, Department]:
    return {d.name.casefold(): d for d in Department.objects.for_org(org)}


EMAILS_HELP = _(
    'One person per line: "e-mail, side", with side business, it or partner, and optionally a '
    'department: "ana@example.org, it, Infrastructure".'
)


class SettingsForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Anonymity threshold"),
        help_text=_("At least %(n)s.") % {"n": MIN_THRESHOLD},
        widget=forms.NumberInput(attrs={"min": MIN_THRESHOLD, "max": 50}),
    )


class CampaignForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Template"), queryset=SurveyTemplate.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        required=False,
        help_text=_("Leave empty to use the template's name."),
    )
    audience = forms.ChoiceField(
        label=_("Who is asked"),
        choices=AudienceKind.choices,
        initial=AudienceKind.ALL,
        widget=forms.RadioSelect,
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("When asking a department."),
    )
    side = forms.ChoiceField(
        label=_("Side"),
        choices=[("", _("— choose —")), *Side.choices],
        required=False,
        help_text=_("When asking a side."),
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=EMAILS_HELP,
    )
    opens_on = PlausibleDateField(label=_("Opens on"), widget=DateInput(), initial=_today, within="deadline")
    closes_on = PlausibleDateField(
        label=_("Closes on"), widget=DateInput(), initial=_in_two_weeks, within="deadline"
    )
    send_email = forms.BooleanField(
        label=_("E-mail the personal links on the opening day, and remind those who have not answered"),
        required=False,
        initial=True,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,  # not given: the organisation's default, else the language in use
        widget=LanguageSelect,
        help_text=_(
            "Of the e-mails, and of the questions for respondents whose browser asks for no language "
            "Tandem speaks; the others read them in their own."
        ),
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["language"].choices = language_choices("")[1:]  # type: ignore[attr-defined]
        self.fields["language"].initial = org.language or get_language()
        self.fields["template"].queryset = SurveyTemplate.objects.for_org(org)  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.for_org(org)  # type: ignore[attr-defined]

    def clean_emails(self) -> list[Recipient]:
        return parse_recipients(self.cleaned_data.get("emails") or "", _departments_by_name(self.org))


class CampaignEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    closes_on = PlausibleDateField(label=_("Closes on"), widget=DateInput(), within="deadline")


class InviteForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=EMAILS_HELP,
    )
    send_email = forms.BooleanField(label=_("Also e-mail the new links"), required=False, initial=False)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        members = Membership.objects.for_org(org).filter(is_active=True).select_related("user")
        self.fields["members"].queryset = members.order_by("user__email")  # type: ignore[attr-defined]
        self.fields["members"].label_from_instance = lambda m: f"{m.user.display_name} <{m.user.email}>"  # type: ignore[attr-defined]

    def clean_emails(self) -> list[Recipient]:
        return parse_recipients(self.cleaned_data.get("emails") or "", _departments_by_name(self.org))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("members") and not data.get("emails"):
            raise forms.ValidationError(_t("Choose members or give e-mail addresses to invite."))
        return data


# --- The template editor ------------------------------------------------------------------------------


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.LIKERT)
    text = forms.CharField(label=_("Question"), max_length=300, required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    criterion = forms.CharField(
        label=_("Criterion"),
        max_length=80,
        required=False,
        help_text=_("Optional: groups scored questions into a maturity criterion."),
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For single and multiple choice: one per line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("text") or "").strip() and not (data.get("choices") or "").strip()


class BaseQuestionFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def questions(self) -> list[dict[str, Any]]:
        """The filled, kept questions in order, as the service takes them."""
        self._rows: list[int] = []
        rows = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.is_blank():
                continue
            self._rows.append(index)
            rows.append({**form.cleaned_data, "choices": form.cleaned_data.get("choices") or ""})
        return rows

    def add_service_error(self, error: TandemError, form: forms.Form) -> None:
        """A service error next to the question field it names (``questions.2.text``), else on ``form``."""
        found = _QUESTION_FIELD.match(error.field or "")
        rows = getattr(self, "_rows", [])
        if found and int(found.group(1)) < len(rows):
            self.forms[rows[int(found.group(1))]].add_error(found.group(2), error.message)
            return
        form_error_from(form, error)


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    absolute_max=MAX_QUESTIONS + 5,
)
QUESTIONS_PREFIX = "q"


def question_initial(questions: list[Question]) -> list[dict[str, Any]]:
    return [
        {
            "kind": q.kind,
            "text": q.text,
            "help_text": q.help_text,
            "criterion": q.criterion,
            "choices": "\n".join(q.choices),
            "required": q.required,
        }
        for q in questions
    ]
