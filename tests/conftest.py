"""Personas shared by every test: permission tests read like sentences.

``acme`` is the organisation under test; ``globex`` is another tenant whose ``outsider``
must never see or touch anything of Acme's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tandem.core.models import Membership, Organization, Role, Side
from tests.factories import DepartmentFactory, MembershipFactory, OrganizationFactory


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
