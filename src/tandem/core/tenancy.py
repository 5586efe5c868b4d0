"""Tenancy primitives: every organisation-scoped query must say which organisation it is for.

``TenantQuerySet`` refuses to run until it has been scoped with ``for_org(org)`` (or, for the
few legitimate cross-organisation reads such as "my organisations", ``for_user`` on the models
that offer it, or an explicit ``unscoped()``). Forgetting the scope raises ``UnscopedQueryError``
at the first evaluation, in tests and in production alike, instead of leaking another tenant's rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from tandem.core.models import Organization


class UnscopedQueryError(RuntimeError):
    """An organisation-scoped model was queried without saying for which organisation."""


class TenantQuerySet[M: models.Model](models.QuerySet[M]):
    """A queryset that runs only after ``for_org`` (or another explicit scope) was applied."""

    _tenant_scoped: bool = False

    def for_org(self, org: Organization) -> Self:
        """Rows of ``org`` only."""
        qs = self.filter(organization=org)
        qs._tenant_scoped = True
        return qs

    def unscoped(self) -> Self:
        """All organisations' rows: for maintenance code (backups, migrations), never for views."""
        qs = self.all()
        qs._tenant_scoped = True
        return qs

    def _mark_scoped(self) -> Self:
        self._tenant_scoped = True
        return self

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def _check_scope(self) -> None:
        if not self._tenant_scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} rows were queried without an organisation scope; "
                "use .for_org(org) (or load through the app's access gate)."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)


class TenantManager[M: models.Model](models.Manager[M]):
    """Default manager of organisation-scoped models.

    Related managers (``org.memberships``, ``objective.key_results``) count as scoped: they
    are reached from a parent row that was itself loaded through a scope.
    """

    _queryset_class = TenantQuerySet

    def get_queryset(self) -> TenantQuerySet[M]:
        qs: TenantQuerySet[M] = TenantQuerySet(model=self.model, using=self._db)
        if getattr(self, "instance", None) is not None:
            qs._tenant_scoped = True
        return qs

    def for_org(self, org: Organization) -> TenantQuerySet[M]:
        return self.get_queryset().for_org(org)

    def unscoped(self) -> TenantQuerySet[M]:
        return self.get_queryset().unscoped()
