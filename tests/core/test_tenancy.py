"""The tenancy mechanism: an organisation-scoped query without a scope is loud."""

from typing import Any

import pytest

from tandem.core.models import ApiToken, AuditEvent, Department, Invitation, Membership
from tandem.core.tenancy import UnscopedQueryError
from tests.conftest import Personas


@pytest.mark.parametrize("model", [Membership, Department, Invitation, ApiToken, AuditEvent])
def test_an_unscoped_query_of_an_org_scoped_model_raises(db: None, model: Any) -> None:
    with pytest.raises(UnscopedQueryError):
        list(model.objects.all())
    with pytest.raises(UnscopedQueryError):
        model.objects.filter(pk=1).exists()
    with pytest.raises(UnscopedQueryError):
        model.objects.count()
    with pytest.raises(UnscopedQueryError):
        model.objects.filter(pk=1).update(pk=1)
    with pytest.raises(UnscopedQueryError):
        model.objects.filter(pk=1).delete()
    with pytest.raises(UnscopedQueryError):
        model.objects.get(pk=1)


def test_for_org_returns_only_that_organisations_rows(personas: Personas) -> None:
    acme = {m.user.email for m in Membership.objects.for_org(personas.org)}
    assert "owner@globex.test" not in acme
    assert "owner@acme.test" in acme
    assert Membership.objects.for_org(personas.other_org).count() == 1


def test_the_scope_survives_chaining(personas: Personas) -> None:
    qs = Membership.objects.for_org(personas.org).filter(is_active=True).order_by("id").select_related("user")
    assert qs.exclude(role="viewer").count() == 6


def test_related_managers_and_prefetch_count_as_scoped(personas: Personas) -> None:
    org = personas.org
    assert org.memberships.count() == 7
    depts = list(Department.objects.for_org(org).prefetch_related("members"))
    assert sorted(len(d.members.all()) for d in depts) == [2, 2]


def test_a_persons_memberships_are_scoped_by_the_person(personas: Personas) -> None:
    mine = list(Membership.objects.for_user(personas.outsider.user))
    assert [m.organization for m in mine] == [personas.other_org]
