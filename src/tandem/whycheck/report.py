"""The why-check app's section of the board report (``tandem.core.report``): the rounds closed in
the period by verdict, and the initiatives that stood misaligned, needing discussion or paused at
its end, each with the explanation of its latest closed round.

Only rounds whose answers are no longer blind speak: revealed (both co-leads answered, the round
scored) or closed, the same rule by which the round's page shows its comparison to every reader. An
open round's answers, and anything about them, stay out. The explanation is the comparison in plain
words (in the report's language when the scorer wrote it), never an answer's text, and it never
says who answered what.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import report as r
from tandem.core.models import Organization
from tandem.strategy.models import Initiative, Stage
from tandem.whycheck.models import RoundStatus, Verdict, WhyCheck
from tandem.whycheck.schemas import comparison_of

MAX_ROWS = 40
CONCERNS = (Verdict.MISALIGNED, Verdict.PARTIAL)


SPOKEN = (RoundStatus.REVEALED, RoundStatus.CLOSED)


def _closed_by(org: Organization, end: date) -> Any:
    """Rounds scored by ``end`` whose answers are no longer blind (revealed or closed)."""
    return WhyCheck.objects.for_org(org).filter(
        status__in=SPOKEN, scored_at__isnull=False, scored_at__date__lte=end
    )


def latest_closed_rounds(org: Organization, end: date) -> list[WhyCheck]:
    """Per initiative, its latest round scored by ``end`` whose verdict is a concern, or whose
    initiative is paused; at most ``MAX_ROWS``, misaligned first. A fixed number of queries."""
    closed = _closed_by(org, end)
    latest = closed.filter(initiative=OuterRef("initiative")).order_by("-scored_at", "-pk").values("pk")[:1]
    return list(
        closed.filter(pk=Subquery(latest))
        .filter(Q(verdict__in=CONCERNS) | Q(initiative__stage=Stage.PAUSED))
        .select_related("initiative")
        .order_by("verdict", "initiative__title", "pk")[:MAX_ROWS]
    )


def report_section(org: Organization, start: date, end: date) -> r.ReportSection | None:
    """``None`` when no why-check round of the organisation was decided by ``end``."""
    if not _closed_by(org, end).exists():
        return None
    counts = dict(
        _closed_by(org, end)
        .filter(scored_at__date__gte=start)
        .values_list("verdict")
        .annotate(n=Count("pk"))
        .values_list("verdict", "n")
    )
    figures = r.Figures(
        tuple(
            r.KeyFigure(
                str(verdict.label), str(counts.get(verdict.value, 0)), _("why checks decided in the period")
            )
            for verdict in Verdict
        )
    )
    rounds = latest_closed_rounds(org, end)
    paused = _paused_without_round(org, end, {w.initiative_id for w in rounds})
    rows = [
        _row(w) for w in sorted(rounds, key=lambda w: (w.verdict != Verdict.MISALIGNED, w.initiative.title))
    ]
    rows += [(i.title, str(Stage.PAUSED.label), "—", _("No why check explains this pause.")) for i in paused]
    table = r.Table(
        (_("Initiative"), _("Verdict"), _("Decided"), _("Explanation")),
        tuple(rows),
        widths=(3.5, 2.0, 2.0, 7.0),
        empty=_("No initiative was misaligned or paused at the end of the period."),
    )
    blocks: tuple[r.Block, ...] = (
        figures,
        r.Heading(_("Misaligned and paused initiatives")),
        r.Text(
            _(
                "Each initiative's latest why check once both co-leads had answered: whether they "
                "describe the same purpose, in the words of the comparison."
            ),
            True,
        ),
        table,
    )
    return r.ReportSection(key="whycheck", title=_("Why checks"), order=r.ORDER["whycheck"], blocks=blocks)


def _row(round_: WhyCheck) -> tuple[str, ...]:
    comparison = comparison_of(round_.result)
    explanation = comparison.explanation if comparison is not None else ""
    verdict = str(Verdict(round_.verdict).label) if round_.verdict else "—"
    if round_.initiative.stage == Stage.PAUSED:
        verdict = f"{verdict} · {Stage.PAUSED.label}"
    closed = date_format(round_.scored_at, "DATE_FORMAT") if round_.scored_at else "—"
    return (round_.initiative.title, verdict, closed, explanation or "—")


def _paused_without_round(org: Organization, end: date, known: set[int]) -> list[Initiative]:
    """Paused initiatives that no closed round in the table explains (paused for another reason)."""
    return list(
        Initiative.objects.for_org(org)
        .filter(stage=Stage.PAUSED)
        .exclude(pk__in=known)
        .order_by("title", "pk")[:MAX_ROWS]
    )
