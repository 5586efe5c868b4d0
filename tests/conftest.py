"""Personas shared by every test: permission tests read like sentences.

``acme`` is the organisation under test; ``globex`` is another tenant whose ``outsider``
must never see or touch anything of Acme's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tandem.core.models import Department, Membership, Organization, Role, Side
from tests.factories import DepartmentFactory, MembershipFactory, OrganizationFactory, UserFactory

# What a URL's path parameters point at: parameter name -> a callable giving the value.
Objects = dict[str, Callable[[], object]]


@dataclass
class Personas:
    org: Organization
    other_org: Organization
    owner: Membership
    admin: Membership
    business_lead: Membership
    it_lead: Membership
    member: Membership
    partner: Membership
    viewer: Membership
    outsider: Membership

    def by_name(self, name: str) -> Membership | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = [
    "owner",
    "admin",
    "business_lead",
    "it_lead",
    "member",
    "partner",
    "viewer",
    "outsider",
    "anonymous",
]


@pytest.fixture(autouse=True)
def _fresh_figures() -> None:
    """Each test starts with no cached figures: a rolled-back test database reuses organisation
    ids and data versions, which a real database never does."""
    from tandem.core import cache  # noqa: PLC0415

    cache.clear()


@pytest.fixture
def personas(db: None) -> Personas:
    acme = OrganizationFactory(name="Acme Insurance", slug="acme")
    globex = OrganizationFactory(name="Globex Secretcorp", slug="globex")
    sales = DepartmentFactory(organization=acme, name="Sales")
    it = DepartmentFactory(organization=acme, name="IT")

    def member(
        role: str, side: str, email: str, department: object = None, org: Organization = acme
    ) -> Membership:
        return MembershipFactory(
            organization=org, role=role, side=side, user__email=email, department=department
        )

    return Personas(
        org=acme,
        other_org=globex,
        owner=member(Role.OWNER, Side.BUSINESS, "owner@acme.test", sales),
        admin=member(Role.ADMIN, Side.IT, "admin@acme.test", it),
        business_lead=member(Role.LEAD, Side.BUSINESS, "bizlead@acme.test", sales),
        it_lead=member(Role.LEAD, Side.IT, "itlead@acme.test", it),
        member=member(Role.MEMBER, Side.BUSINESS, "member@acme.test"),
        partner=member(Role.PARTNER, Side.PARTNER, "partner@vendor.test"),
        viewer=member(Role.VIEWER, Side.BUSINESS, "viewer@acme.test"),
        outsider=member(Role.OWNER, Side.IT, "owner@globex.test", org=globex),
    )


@pytest.fixture
def client_for(personas: Personas):  # type: ignore[no-untyped-def]
    """A signed-in test client for a persona name ("anonymous" gives a fresh client)."""

    def make(name: str) -> Client:
        client = Client()
        membership = personas.by_name(name)
        if membership is not None:
            client.force_login(membership.user)
        return client

    return make


def seed_objects(owner: Membership, label: str) -> Objects:
    """One object of every kind a URL can point at, in ``owner``'s organisation, each named after
    ``label`` so a test can look for it in a page ("<label> moonshot", "<label> pulse", ...)."""
    from tandem.core import services  # noqa: PLC0415 (after the database fixture)
    from tandem.strategy import services as strategy  # noqa: PLC0415
    from tandem.surveys import services as surveys  # noqa: PLC0415
    from tandem.whycheck import services as whycheck  # noqa: PLC0415

    org, today = owner.organization, timezone.localdate()
    slug = label.lower()
    department = Department.objects.create(organization=org, name=f"{label} R&D")
    invitation = services.invitation_create(actor=owner, email=f"{slug}-only@{slug}.test", side=Side.IT)
    token, _ = services.api_token_create(membership=owner, name=f"{slug} token")
    it_lead = Membership.objects.create(organization=org, user=UserFactory(), role=Role.LEAD, side=Side.IT)
    objective = strategy.objective_create(
        actor=owner,
        title=f"{label} world domination",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
        business_owner=None,
        it_owner=it_lead,
    )
    key_result = strategy.key_result_create(
        actor=owner, objective=objective, metric=f"{label} doomsday metric", baseline=0, target=10
    )
    check_in = strategy.check_in_create(actor=owner, key_result=key_result, value=3, confidence=4)
    initiative = strategy.initiative_create(actor=owner, title=f"{label} moonshot", it_co_lead=it_lead)
    measure = strategy.success_measure_add(
        actor=owner, initiative=initiative, name=f"{label} moonshot", target=1
    )
    link = strategy.key_result_link_add(actor=owner, initiative=initiative, key_result=key_result)
    business_lead = Membership.objects.create(
        organization=org, user=UserFactory(), role=Role.LEAD, side=Side.BUSINESS
    )
    strategy.initiative_update(actor=owner, initiative=initiative, business_co_lead=business_lead)
    round_ = whycheck.whycheck_start(actor=owner, initiative=initiative, deadline=today + timedelta(days=30))
    whycheck.whycheck_submit_answer(
        actor=business_lead,
        why_check=round_,
        why=f"{label} moonshot",
        measures=[{"name": f"{label} moonshot"}],
    )
    template = surveys.template_create(
        actor=owner, name=f"{label} pulse", questions=[{"kind": "likert", "text": f"{label} survey question"}]
    )
    respondent = surveys.Recipient(email=f"{slug}-respondent@{slug}.test", side=Side.IT)
    campaign = surveys.campaign_create(
        actor=owner,
        template=template,
        title=f"{label} pulse",
        opens_on=today,
        closes_on=today + timedelta(days=7),
        audience="emails",
        recipients=[respondent],
        send_email=False,
    )
    [(_link, survey_token)] = surveys.invitations_create(
        actor=owner, campaign=campaign, recipients=[respondent], send_email=False
    )
    return {
        "org_slug": lambda: org.slug,
        "slug": lambda: org.slug,
        "member_id": lambda: owner.pk,
        "invitation_id": lambda: invitation.pk,
        "token_id": lambda: token.pk,
        "department_id": lambda: department.pk,
        "objective_id": lambda: objective.pk,
        "key_result_id": lambda: key_result.pk,
        "check_in_id": lambda: check_in.pk,
        "initiative_id": lambda: initiative.pk,
        "measure_id": lambda: measure.pk,
        "link_id": lambda: link.pk,
        "fmt": lambda: "csv",
        "why_check_id": lambda: round_.pk,
        "template_id": lambda: template.pk,
        "campaign_id": lambda: campaign.pk,
        "survey_id": lambda: campaign.pk,
        "token": lambda: survey_token,
        "invitation_token": lambda: services.invitation_token(invitation),
    }
