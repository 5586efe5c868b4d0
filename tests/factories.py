"""factory_boy factories: each sets only what a test does not care about."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from tandem.core.models import Department, Membership, Organization, Role, Side, User

PASSWORD = "correct horse battery staple"


def _password(user: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
    user.set_password(extracted or PASSWORD)
    if create:
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGeneration(_password)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    side = Side.BUSINESS
