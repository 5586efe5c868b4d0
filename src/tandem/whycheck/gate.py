"""The why check's element of the approval gate: the latest scored round must not be misaligned
(unless an admin overrode it), when the organisation makes the why check required.

"Latest" is the round started last among those with a verdict, not the one scored last: a round
scored late (its comparison delayed) is superseded by a later round with a verdict
(``selectors.with_superseded``) and must not steer the gate."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from tandem.strategy.gate import GateElement, register_gate_element
from tandem.whycheck.models import GateMode, Verdict, WhyCheck, WhyCheckSettings


def _annotate(org: Any) -> dict[str, Any]:
    latest = (
        WhyCheck.objects.unscoped()
        .filter(initiative=OuterRef("pk"), scored_at__isnull=False)
        .order_by("-created_at", "-id")
    )
    mode = WhyCheckSettings.objects.filter(organization=OuterRef("organization")).values("gate")[:1]
    return {
        "wc_verdict": Subquery(latest.values("verdict")[:1]),
        "wc_overridden": Subquery(latest.values("override_at")[:1]),
        "wc_gate": Subquery(mode),
    }


def _is_missing(row: Any) -> bool:
    if (getattr(row, "wc_gate", None) or GateMode.REQUIRED) != GateMode.REQUIRED:
        return False
    return (
        getattr(row, "wc_verdict", None) == Verdict.MISALIGNED and getattr(row, "wc_overridden", None) is None
    )


ELEMENT = GateElement(
    code="why_check",
    message=_("Realign the co-leads: the latest why check found them misaligned. Run a new round."),
    annotate=_annotate,
    is_missing=_is_missing,
)


def register() -> None:
    register_gate_element(ELEMENT)
