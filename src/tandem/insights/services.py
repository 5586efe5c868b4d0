"""Writes of the insights app: the index's weights and the weekly snapshot. Each is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tandem.core.audit import audit_record
from tandem.core.errors import ValidationFailed
from tandem.core.insights import COMPONENT_KEYS
from tandem.core.models import Membership, Organization
from tandem.insights import index as math
from tandem.insights import selectors
from tandem.insights.models import MAX_WEIGHT, SNAPSHOT_ROWS, IndexSnapshot, InsightSettings


def _whole_weight(value: Any) -> int | None:
    """The weight as a whole number 0..MAX_WEIGHT, or ``None`` when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
        return None
    return value


def clean_weights(weights: Any) -> dict[str, int]:
    """``weights`` checked: known components only, whole numbers 0..100, not all of them 0
    (after the components not named keep their weight). ``ValidationFailed`` names every field."""
    if not isinstance(weights, dict):
        raise ValidationFailed(_("Send the weights as an object of component and weight."), field="weights")
    errors: list[dict[str, str]] = []
    cleaned: dict[str, int] = {}
    for key, value in weights.items():
        if key not in COMPONENT_KEYS:
            errors.append({"field": str(key), "message": _("There is no such component.")})
            continue
        weight = _whole_weight(value)
        if weight is None:
            errors.append(
                {"field": key, "message": _("Enter a whole number from 0 to %(max)d.") % {"max": MAX_WEIGHT}}
            )
            continue
        cleaned[key] = weight
    if errors:
        first = errors[0]
        raise ValidationFailed(first["message"], field=first["field"], extra={"errors": errors})
    return cleaned


def weights_update(*, actor: Membership, weights: dict[str, Any]) -> InsightSettings:
    """Set the organisation's weights: those named change, the others keep theirs. A weight of
    0 leaves that component out; all of them 0 is refused (there would be no index)."""
    org = actor.organization
    cleaned = clean_weights(weights)
    with transaction.atomic():
        chosen_row, _created = InsightSettings.objects.select_for_update().get_or_create(organization=org)
        before = math.effective_weights(chosen_row.weights)
        chosen = {**{k: v for k, v in (chosen_row.weights or {}).items() if k in COMPONENT_KEYS}, **cleaned}
        after = math.effective_weights(chosen)
        if not any(after.values()):
            message = _("Give at least one component a weight above 0.")
            raise ValidationFailed(
                message,
                field="weights",
                extra={"errors": [{"field": key, "message": message} for key in cleaned or ["weights"]]},
            )
        # Keep only what differs from the defaults, so a later change of a default applies.
        chosen_row.weights = {k: v for k, v in chosen.items() if v != math.DEFAULT_WEIGHTS.get(k)}
        chosen_row.save(update_fields=["weights", "updated_at"])
        changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        audit_record(
            action="insights.weights_changed",
            actor=actor.user,
            organization=org,
            target=chosen_row,
            summary=gettext_noop("Alignment index weights changed"),
            data={"changed": changed},
        )
    return chosen_row


def snapshot_take(org: Organization, *, now: datetime | None = None) -> IndexSnapshot:
    """Keep this week's index, components and costliest rows (``SNAPSHOT_ROWS``); once per week:
    a second run in the same week replaces that week's snapshot. Written in the organisation's
    language (the labels and details are words)."""
    now = now or timezone.now()
    week = selectors.this_week(now)
    with translation.override(org.language or settings.LANGUAGE_CODE):
        breakdown = selectors.compute_now(org, now=now)
        data = math.to_snapshot_data(breakdown, max_rows=SNAPSHOT_ROWS)
    with transaction.atomic():
        snapshot, created = IndexSnapshot.objects.for_org(org).update_or_create(
            organization=org, week=week, defaults={"taken_at": now, **data}
        )
        audit_record(
            action="insights.snapshot_taken",
            actor=None,
            organization=org,
            target=snapshot,
            summary=gettext_noop("Alignment index snapshot taken"),
            data={"week": week.isoformat(), "index": data["index"], "replaced": not created},
        )
    return snapshot
