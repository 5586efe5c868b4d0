"""The strategy app's section of the board report (``tandem.core.report``): portfolio signals.
How many initiatives stand in each stage, which elements of the approval gate the open ones miss,
and the key results of active objectives that went without a check-in. Counted by the database
(a fixed number of queries however large the portfolio); the lists are cut to the first rows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import report as r
from tandem.core.models import Organization
from tandem.strategy.gate import SIGNALS
from tandem.strategy.models import STALE_AFTER_DAYS, Initiative, KeyResult, ObjectiveStatus, Stage
from tandem.strategy.selectors import SIGNAL_FIELDS, initiative_annotated

MAX_ROWS = 25
# The stages in which an initiative is steered: the gate's elements matter from the proposal on.
STEERED = (Stage.PROPOSED, Stage.APPROVED, Stage.IN_DELIVERY, Stage.DELIVERED, Stage.PAUSED)


def report_section(org: Organization, start: date, end: date) -> r.ReportSection | None:
    """``None`` for an organisation without initiatives or objectives."""
    stages = dict(
        Initiative.objects.for_org(org)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    stale = stale_key_results(org, end)
    if not stages and not stale:
        return None
    blocks: list[r.Block] = [
        r.Heading(_("Initiatives by stage")),
        r.Table(
            (_("Stage"), _("Initiatives")),
            tuple((str(stage.label), str(stages[stage.value])) for stage in Stage if stages.get(stage.value)),
            widths=(4.0, 1.5),
            empty=_("No initiatives yet."),
        ),
    ]
    blocks += _gate_blocks(org)
    blocks += _stale_blocks(stale, end)
    return r.ReportSection(
        key="strategy", title=_("Portfolio signals"), order=r.ORDER["strategy"], blocks=tuple(blocks)
    )


def _gate_blocks(org: Organization) -> list[r.Block]:
    """Per signal, how many steered initiatives lack it, and the initiatives that lack the most."""
    steered = initiative_annotated(org).filter(stage__in=STEERED).order_by()
    missing = {key: Count("pk", filter=~condition) for key, condition in SIGNAL_FIELDS.items()}
    counts = steered.aggregate(total=Count("pk"), **missing)
    total = counts.pop("total") or 0
    if not total:
        return []
    rows = tuple(
        (str(label), str(counts[key]), r.number(100 * counts[key] / total) + " %")
        for key, label in SIGNALS
        if counts.get(key)
    )
    lacking = ~Q(sig_outcome=True) | ~Q(sig_measurable=True) | ~Q(sig_business_lead=True, sig_it_lead=True)
    worst = list(steered.filter(lacking).order_by("title", "pk")[:MAX_ROWS])
    blocks: list[r.Block] = [
        r.Heading(_("What the approval gate misses")),
        r.Text(
            _(
                "%(n)s initiatives from proposed to delivered (or paused); of those, how many lack each signal."
            )
            % {"n": total}
        ),
        r.Table(
            (_("Signal"), _("Initiatives without it"), _("Share")),
            rows,
            widths=(4.0, 2.0, 1.5),
            empty=_("Every initiative meets every signal."),
        ),
    ]
    if worst:
        blocks.append(
            r.Table(
                (_("Initiative without an outcome, a measure or both co-leads"), _("Stage")),
                tuple((i.title, str(Stage(i.stage).label)) for i in worst),
                widths=(6.0, 2.0),
            )
        )
    return blocks


def stale_key_results(org: Organization, end: date) -> list[KeyResult]:
    """Key results of active objectives without a check-in in the ``STALE_AFTER_DAYS`` days up to
    the end of the period (never checked in counts as stale), the oldest check-in first."""
    limit = timezone.make_aware(datetime.combine(end - timedelta(days=STALE_AFTER_DAYS), time.max))
    return list(
        KeyResult.objects.for_org(org)
        .filter(objective__status=ObjectiveStatus.ACTIVE, created_at__lte=limit)
        .filter(Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=limit))
        .select_related("objective")
        .order_by("last_check_in_at", "pk")[: MAX_ROWS + 1]
    )


def _stale_blocks(stale: list[KeyResult], end: date) -> list[r.Block]:
    rows = tuple(
        (
            kr.metric,
            kr.objective.title,
            date_format(timezone.localtime(kr.last_check_in_at), "DATE_FORMAT")
            if kr.last_check_in_at
            else _("never"),
        )
        for kr in stale[:MAX_ROWS]
    )
    note = _("Key results of active objectives without a check-in in the %(days)s days up to %(day)s.") % {
        "days": STALE_AFTER_DAYS,
        "day": date_format(end, "DATE_FORMAT"),
    }
    return [
        r.Heading(_("No check-in")),
        r.Text(note, True),
        r.Table(
            (_("Key result"), _("Objective"), _("Last check-in")),
            rows,
            widths=(4.0, 4.0, 2.0),
            empty=_("Every key result was checked in."),
        ),
    ]
