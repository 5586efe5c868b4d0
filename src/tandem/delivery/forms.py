"""Forms of the delivery pages: they check types and shapes; the services check the rules.

Each form's field names are the keyword arguments of the service it feeds, so a view hands
``cleaned_data`` over as it is (``core.forms.form_submit``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Membership, Organization, Role, Side
from tandem.core.validation import PlausibleDateField
from tandem.delivery.models import (
    ChangeRequest,
    ChangeStatus,
    Criterion,
    Decision,
    Deliverable,
    RejectionReason,
)
from tandem.governance.models import Party


def members_of(org: Organization, *, keep: Iterable[int | None] = ()) -> QuerySet[Membership]:
    """The active members of ``org``, and those already chosen (an edit never drops them)."""
    kept = [pk for pk in keep if pk]
    return (
        Membership.objects.for_org(org)
        .filter(Q(is_active=True) | Q(pk__in=kept))
        .select_related("user")
        .order_by(Lower("user__name"), "user__email")
    )


def askers_for(membership: Membership) -> QuerySet[Membership]:
    """Whom a member may name as the one who asked: anyone inside; on the partner side only
    themselves (a partner does not see the organisation's people)."""
    if membership.role == Role.PARTNER:
        return members_of(membership.organization).filter(pk=membership.pk)
    return members_of(membership.organization)


def _member_label(member: Membership) -> str:
    return f"{member.user.display_name} ({member.get_side_display()})"


def _member_field(field: forms.Field, members: QuerySet[Membership]) -> None:
    chosen: Any = field
    chosen.queryset = members
    chosen.label_from_instance = _member_label


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class DeliverableForm(forms.Form):
    """A new deliverable, or the changes to one (``deliverable``: then without its date, which
    only a re-plan moves)."""

    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("What the business gets, in a few words.")
    )
    description = forms.CharField(
        label=_("Description"), widget=_textarea(3), max_length=5000, required=False
    )
    owner_member = forms.ModelChoiceField(
        label=_("Owner: a member"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("— no member —"),
    )
    owner_party = forms.ModelChoiceField(
        label=_("or a party"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("— no party —"),
        help_text=_("Name a member or a party, not both. A party's contacts can offer it for acceptance."),
    )
    committed_date = PlausibleDateField(
        label=_("Committed date"),
        help_text=_(
            "The date promised to the business. It stays as the first commitment; re-plans move the due date."
        ),
    )
    criteria = forms.CharField(
        label=_("Acceptance criteria"),
        widget=_textarea(5),
        max_length=20000,
        required=False,
        help_text=_("One per line: what the business checks before it accepts the deliverable."),
    )
    feedback_recipients = forms.CharField(
        label=_("End users to ask for feedback"),
        widget=_textarea(3),
        max_length=20000,
        required=False,
        help_text=_(
            "E-mail addresses, one per line: they receive the feedback link when the deliverable is accepted."
        ),
    )

    def __init__(
        self, *args: Any, org: Organization, deliverable: Deliverable | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        keep_member = deliverable.owner_member_id if deliverable else None
        keep_party = deliverable.owner_party_id if deliverable else None
        _member_field(self.fields["owner_member"], members_of(org, keep=[keep_member]))
        parties = Party.objects.for_org(org).filter(Q(is_active=True) | Q(pk=keep_party or 0))
        self.fields["owner_party"].queryset = parties.order_by(Lower("name"), "pk")  # type: ignore[attr-defined]
        if deliverable is not None:
            del self.fields["committed_date"]


def deliverable_initial(deliverable: Deliverable) -> dict[str, Any]:
    """The deliverable form's fields as the deliverable has them now."""
    return {
        "title": deliverable.title,
        "description": deliverable.description,
        "owner_member": deliverable.owner_member_id,
        "owner_party": deliverable.owner_party_id,
        "criteria": "\n".join(c.text for c in deliverable.criteria.all()),
        "feedback_recipients": deliverable.feedback_recipients,
    }


class StepForm(forms.Form):
    """A step on a page that holds several forms: its fields' ids start with ``step``, since
    the forms name a field alike. Without fields (a button) it carries only a refusal."""

    step = "step"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.step}-%s")
        super().__init__(*args, **kwargs)


class ReplanForm(StepForm):
    step = "replan"
    to_date = PlausibleDateField(label=_("New due date"), within="deadline")
    reason = forms.CharField(
        label=_("Reason"),
        widget=_textarea(2),
        max_length=2000,
        help_text=_("Why the date moves: the business reads this."),
    )
    asked_by = forms.ModelChoiceField(
        label=_("Who asked for it"), queryset=Membership.objects.none(), empty_label=None
    )
    asked_side = forms.ChoiceField(
        label=_("Side that asked"),
        choices=[("", _("— the side of who asked —")), *Side.choices],
        required=False,
    )
    change_request = forms.ModelChoiceField(
        label=_("Approved change request behind it"),
        queryset=ChangeRequest.objects.none(),
        required=False,
        empty_label=_("— none: the re-plan counts as unexplained —"),
    )

    def __init__(
        self, *args: Any, askers: QuerySet[Membership], changes: QuerySet[ChangeRequest], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _member_field(self.fields["asked_by"], askers)
        self.fields["change_request"].queryset = changes  # type: ignore[attr-defined]


class OfferForm(StepForm):
    step = "offer"
    offered_on = PlausibleDateField(label=_("Offered on"), within="past", initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note to the business"),
        widget=_textarea(2),
        max_length=2000,
        required=False,
        help_text=_("What to look at, where to find it, what changed since a rejection."),
    )


DECISIONS = [
    (Decision.ACCEPTED, _("Accept")),
    (Decision.ACCEPTED_WITH_REMARKS, _("Accept with remarks")),
    (Decision.REJECTED, _("Reject")),
]


class DecideForm(StepForm):
    step = "decide"
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    rejection_reason = forms.ChoiceField(
        label=_("Reason for a rejection"),
        choices=[("", _("— only when you reject —")), *RejectionReason.choices],
        required=False,
    )
    remarks = forms.CharField(
        label=_("Remarks, or what was wrong"),
        widget=_textarea(3),
        max_length=5000,
        required=False,
        help_text=_("Needed when you accept with remarks or reject: it is what gets reworked."),
    )
    failed_criteria = forms.TypedMultipleChoiceField(
        label=_("Criteria not met"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, criteria: Iterable[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.pk, c.text) for c in criteria]
        if choices:
            self.fields["failed_criteria"].choices = choices  # type: ignore[attr-defined]
        else:
            del self.fields["failed_criteria"]


class CancelForm(StepForm):
    step = "cancel"
    reason = forms.CharField(label=_("Why it is no longer wanted"), widget=_textarea(2), max_length=2000)


class ButtonForm(StepForm):
    """A button that posts nothing (open or close a feedback link): it carries a refusal only."""

    step = "button"


class ChangeRequestForm(forms.Form):
    title = forms.CharField(label=_("What should change"), max_length=200)
    reason = forms.CharField(label=_("Why"), widget=_textarea(4), max_length=5000)
    budget_impact = forms.CharField(
        label=_("Budget impact"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("The estimated extra cost; negative when the change saves money."),
    )
    schedule_impact_days = forms.IntegerField(
        label=_("Schedule impact (days)"),
        required=False,
        help_text=_("How many days later the initiative ends; negative when earlier."),
    )
    scope_impact = forms.CharField(
        label=_("Scope impact"),
        widget=_textarea(3),
        max_length=5000,
        required=False,
        help_text=_("What is added, changed or dropped."),
    )
    deliverable = forms.ModelChoiceField(
        label=_("Deliverable it is about"),
        queryset=Deliverable.objects.none(),
        required=False,
        empty_label=_("— the initiative as a whole —"),
    )
    requested_by = forms.ModelChoiceField(
        label=_("Asked by"), queryset=Membership.objects.none(), empty_label=None
    )

    def __init__(
        self, *args: Any, askers: QuerySet[Membership], deliverables: QuerySet[Deliverable], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _member_field(self.fields["requested_by"], askers)
        self.fields["deliverable"].queryset = deliverables  # type: ignore[attr-defined]


CHANGE_DECISIONS = [
    (ChangeStatus.APPROVED, _("Approve")),
    (ChangeStatus.REJECTED, _("Reject")),
    (ChangeStatus.DEFERRED, _("Defer")),
]


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=CHANGE_DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=_textarea(3),
        max_length=5000,
        help_text=_("Both sides read it: why yes, why not, or what must happen first."),
    )

    def __init__(self, *args: Any, deferred: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if deferred:  # deferred already: approve or reject it now
            self.fields["decision"].choices = CHANGE_DECISIONS[:2]  # type: ignore[attr-defined]


class ChangeFilterForm(forms.Form):
    """The GET filter of the change-request list; an invalid value is ignored."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *ChangeStatus.choices], required=False
    )

    def status_filter(self) -> str:
        """The status asked for, or ``""`` for all."""
        if not self.is_bound or not self.is_valid():
            return ""
        return str(self.cleaned_data.get("status") or "")
