"""Core services: outcomes, rules and audit records against a real database."""

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from tandem.core import services
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import AuditEvent, Invitation, Membership, Role, Side
from tests.conftest import Personas
from tests.factories import UserFactory


def audit_actions(org: object) -> list[str]:
    return list(AuditEvent.objects.for_org(org).values_list("action", flat=True))  # type: ignore[arg-type]


def test_creating_an_organisation_makes_the_creator_its_owner(db: None) -> None:
    user = UserFactory.create()
    org = services.organization_create(name="Initech", owner=user, owner_side=Side.IT)
    assert org.slug == "initech"
    membership = Membership.objects.for_org(org).get()
    assert (membership.user, membership.role, membership.side) == (user, Role.OWNER, Side.IT)
    assert set(audit_actions(org)) == {"org.created", "membership.created"}


def test_an_organisation_slug_must_be_free(db: None) -> None:
    services.organization_create(name="Initech", owner=UserFactory.create())
    with pytest.raises(Conflict) as error:
        services.organization_create(name="Initech", owner=UserFactory.create())
    assert error.value.field == "slug"


def test_an_admin_invites_and_the_invitee_accepts(
    personas: Personas, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = services.invitation_create(
            actor=personas.admin, email=" New.Person@Acme.test ", role=Role.LEAD, side=Side.IT
        )
    assert invitation.email == "new.person@acme.test"
    assert len(callbacks) == 1  # the e-mail task is enqueued after commit
    token = services.invitation_token(invitation)
    assert services.invitation_from_token(token) == invitation

    user = UserFactory.create(email="new.person@acme.test")
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert (membership.role, membership.side, membership.organization) == (Role.LEAD, Side.IT, personas.org)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    with pytest.raises(NotFound):
        services.invitation_from_token(token)  # used links stop working
    assert {"invitation.created", "membership.created"} <= set(audit_actions(personas.org))


def test_an_invitation_can_only_be_accepted_by_the_invited_address(personas: Personas) -> None:
    invitation = services.invitation_create(actor=personas.admin, email="x@acme.test", side=Side.BUSINESS)
    with pytest.raises(ValidationFailed, match=r"x@acme\.test"):
        services.invitation_accept(invitation=invitation, user=personas.outsider.user)


def test_an_unverified_address_cannot_accept(personas: Personas) -> None:
    invitation = services.invitation_create(actor=personas.admin, email="y@acme.test", side=Side.BUSINESS)
    user = UserFactory.create(email="y@acme.test")
    EmailAddress.objects.filter(user=user).update(verified=False)
    with pytest.raises(ValidationFailed):
        services.invitation_accept(invitation=invitation, user=user)


def test_a_new_invitation_replaces_the_pending_one(personas: Personas) -> None:
    first = services.invitation_create(actor=personas.admin, email="z@acme.test", side=Side.BUSINESS)
    first_token = services.invitation_token(first)
    services.invitation_create(actor=personas.admin, email="z@acme.test", side=Side.IT)
    with pytest.raises(NotFound):
        services.invitation_from_token(first_token)


@pytest.mark.parametrize("token", ["", "garbage", "eyJpIjoxfQ:1abc:def", "a" * 500])
def test_a_forged_invitation_token_is_not_found(db: None, token: str) -> None:
    with pytest.raises(NotFound):
        services.invitation_from_token(token)


def test_an_expired_invitation_is_not_found(personas: Personas) -> None:
    invitation = services.invitation_create(actor=personas.admin, email="late@acme.test", side=Side.BUSINESS)
    Invitation.objects.for_org(personas.org).filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(NotFound):
        services.invitation_from_token(services.invitation_token(invitation))


def test_a_revoked_invitation_is_not_found(personas: Personas) -> None:
    invitation = services.invitation_create(actor=personas.admin, email="gone@acme.test", side=Side.BUSINESS)
    services.invitation_revoke(actor=personas.admin, invitation=invitation)
    with pytest.raises(NotFound):
        services.invitation_from_token(services.invitation_token(invitation))
    with pytest.raises(Conflict):
        services.invitation_revoke(actor=personas.admin, invitation=invitation)


def test_inviting_an_active_member_is_refused(personas: Personas) -> None:
    with pytest.raises(Conflict) as error:
        services.invitation_create(actor=personas.admin, email="MEMBER@acme.test", side=Side.BUSINESS)
    assert error.value.field == "email"


@pytest.mark.parametrize(
    ("field", "value"), [("email", "not-an-address"), ("role", "emperor"), ("side", "left")]
)
def test_invitation_input_is_validated_per_field(personas: Personas, field: str, value: str) -> None:
    kwargs: dict[str, Any] = {"email": "ok@acme.test", "role": Role.MEMBER, "side": Side.IT, field: value}
    with pytest.raises(ValidationFailed) as error:
        services.invitation_create(actor=personas.admin, **kwargs)
    assert error.value.field == field


def test_only_an_owner_invites_an_owner(personas: Personas) -> None:
    with pytest.raises(ValidationFailed):
        services.invitation_create(actor=personas.admin, email="o@acme.test", role=Role.OWNER, side=Side.IT)
    services.invitation_create(actor=personas.owner, email="o@acme.test", role=Role.OWNER, side=Side.IT)


def test_an_admin_changes_role_side_and_department_and_it_is_audited(personas: Personas) -> None:
    it_dept = personas.admin.department
    services.membership_update(
        actor=personas.admin, member=personas.member, role=Role.LEAD, side=Side.IT, department=it_dept
    )
    personas.member.refresh_from_db()
    assert (personas.member.role, personas.member.side, personas.member.department) == (
        Role.LEAD,
        Side.IT,
        it_dept,
    )
    event = AuditEvent.objects.for_org(personas.org).get(action="membership.role_changed")
    assert event.actor == personas.admin.user
    assert event.data["role"] == [Role.MEMBER, Role.LEAD]
    assert event.data["side"] == [Side.BUSINESS, Side.IT]


def test_an_admin_cannot_touch_the_owner_role(personas: Personas) -> None:
    with pytest.raises(ValidationFailed):
        services.membership_update(actor=personas.admin, member=personas.member, role=Role.OWNER)
    with pytest.raises(ValidationFailed):
        services.membership_update(actor=personas.admin, member=personas.owner, role=Role.MEMBER)
    with pytest.raises(ValidationFailed):
        services.membership_update(actor=personas.admin, member=personas.owner, is_active=False)


def test_the_last_owner_cannot_step_down_or_be_deactivated(personas: Personas) -> None:
    with pytest.raises(Conflict):
        services.membership_update(actor=personas.owner, member=personas.owner, role=Role.ADMIN)
    with pytest.raises(Conflict):
        services.membership_update(actor=personas.owner, member=personas.owner, is_active=False)
    services.membership_update(actor=personas.owner, member=personas.admin, role=Role.OWNER)
    services.membership_update(actor=personas.owner, member=personas.owner, role=Role.ADMIN)
    personas.owner.refresh_from_db()
    assert personas.owner.role == Role.ADMIN


def test_deactivating_and_reactivating_a_member_is_audited(personas: Personas) -> None:
    services.membership_update(actor=personas.admin, member=personas.member, is_active=False)
    services.membership_update(actor=personas.admin, member=personas.member, is_active=True)
    actions = audit_actions(personas.org)
    assert "membership.deactivated" in actions
    assert "membership.reactivated" in actions


def test_an_unchanged_update_records_nothing(personas: Personas) -> None:
    before = AuditEvent.objects.for_org(personas.org).count()
    services.membership_update(actor=personas.admin, member=personas.member, role=personas.member.role)
    assert AuditEvent.objects.for_org(personas.org).count() == before


def test_department_names_are_unique_ignoring_case(personas: Personas) -> None:
    with pytest.raises(Conflict):
        services.department_create(org=personas.org, actor=personas.admin, name="sales")
    dept = services.department_create(org=personas.org, actor=personas.admin, name="Finance")
    assert services.department_resolve(org=personas.org, name="FINANCE") == dept
    with pytest.raises(ValidationFailed):
        services.department_resolve(org=personas.org, name="Nowhere")


def test_only_an_owner_changes_the_mfa_requirement(personas: Personas) -> None:
    with pytest.raises(ValidationFailed):
        services.organization_update(org=personas.org, actor=personas.admin, name="Acme", require_mfa=True)
    services.organization_update(org=personas.org, actor=personas.owner, name="Acme", require_mfa=True)
    personas.org.refresh_from_db()
    assert personas.org.require_mfa
    assert "org.updated" in audit_actions(personas.org)


def test_api_tokens_are_stored_hashed_and_revocable(personas: Personas) -> None:
    token, raw = services.api_token_create(membership=personas.it_lead, name="export")
    assert raw.startswith("tdm_")
    assert raw not in token.token_hash
    services.api_token_revoke(user=personas.it_lead.user, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_new_organisation_gets_what_each_app_gives_it(db: None) -> None:
    from tandem.surveys.models import SurveyTemplate

    owner = UserFactory.create()
    org = services.organization_create(name="Initech", owner=owner)
    assert SurveyTemplate.objects.for_org(org).filter(builtin=True).count() == 5
