"""The surveys app's part of the alignment index, the home page and the getting-started checklist
(``tandem.core.insights``).

The ``perception`` component reads the latest closed campaign whose results may be shown, through
``selectors.campaign_results`` (the one place that applies the anonymity threshold): one row per
scored question on which both the business and IT groups are shown, with
``100 - |business mean - IT mean| / scale range * 100`` points. A suppressed group, a campaign
still open or one with too few responses gives no row and no figure.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.insights import Component, Evidence, NeedItem, SetupStep
from tandem.core.models import Membership, Organization, Role, Side
from tandem.core.numbers import fixed
from tandem.surveys import selectors
from tandem.surveys.models import SCALES, Campaign, SurveyLink
from tandem.surveys.results import CampaignResults, ItemResult

WEIGHT = 10
# How many of the latest closed campaigns to try for one whose results may be shown.
LOOK_BACK = 5


def _latest_results(org: Organization, today: date) -> CampaignResults | None:
    """The results of the latest closed campaign that has results to show, or None."""
    closed = (
        Campaign.objects.for_org(org)
        .filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))
        .select_related("template", "organization")
        .order_by("-closes_on", "-pk")[:LOOK_BACK]
    )
    for campaign in closed:
        if not campaign.is_closed:  # closed by the calendar, not yet by the clock of ``today``
            continue
        results = selectors.campaign_results(campaign)
        if results.available:
            return results
    return None


def _row(item: ItemResult, url: str) -> Evidence | None:
    """A question's row when both the business and IT are shown on it; None otherwise."""
    scale = SCALES.get(item.kind)
    business, it = item.side(Side.BUSINESS), item.side(Side.IT)
    if scale is None or business is None or it is None or business.suppressed or it.suppressed:
        return None
    if business.mean is None or it.mean is None:
        return None
    gap = it.mean - business.mean
    points = max(0.0, 100.0 - abs(gap) / (scale[-1] - scale[0]) * 100.0)
    means = {"it": fixed(it.mean, 1), "business": fixed(business.mean, 1)}
    if round(gap, 1) > 0:
        detail = _("IT rates it higher: %(it)s against %(business)s for the business.") % means
    elif round(gap, 1) < 0:
        detail = _("The business rates it higher: %(business)s against %(it)s for IT.") % means
    else:
        detail = _("The business and IT rate it the same: %(business)s.") % means
    return Evidence(key=f"question:{item.key}", label=item.label, points=points, url=url, detail=detail)


def index_components(org: Organization, now: datetime) -> list[Component]:
    """The perception component from the latest results that may be shown."""
    results = _latest_results(org, timezone.localtime(now).date())
    evidence: list[Evidence] = []
    missing = _("No survey has results to show yet.")
    if results is not None:
        campaign = results.campaign
        url = reverse("surveys:detail", kwargs={"org_slug": org.slug, "campaign_id": campaign.pk})
        evidence = [row for item in results.items if (row := _row(item, url)) is not None]
        missing = _(
            "In %(survey)s no scored question has answers from enough people on both the business and "
            "the IT side to be shown."
        ) % {"survey": campaign.title}
    return [
        Component(
            key="perception",
            label=_("Perception gap"),
            help=_(
                "How far apart the business and IT answer the questions of the latest survey whose "
                "results are out: full marks when both sides give the same mean, none when they sit at "
                "opposite ends of the scale. Groups below the anonymity threshold are left out."
            ),
            default_weight=WEIGHT,
            evidence=tuple(evidence),
            missing="" if evidence else missing,
        )
    ]


def needs_me(membership: Membership, today: date) -> list[NeedItem]:
    """The person's own unanswered links to campaigns open today, as the surveys home panel lists
    them (a link issued under an older secret key is left out)."""
    if membership.role == Role.PARTNER:
        return []
    org = membership.organization
    open_now = Q(campaign__closed_at=None, campaign__opens_on__lte=today, campaign__closes_on__gte=today)
    links = (
        SurveyLink.objects.for_org(org)
        .filter(open_now, membership=membership, answered=False)
        .select_related("campaign")
        .order_by("campaign__closes_on", "pk")
    )
    items = []
    for link in links:
        token = selectors.link_token(link)
        if selectors.token_hash(token) == link.token_hash:
            items.append(
                NeedItem(
                    kind="answer",
                    title=link.campaign.title,
                    action=_("Answer the survey"),
                    url=reverse("surveys:respond", args=[token]),
                    due_on=link.campaign.closes_on,
                )
            )
    return items


def setup_steps(org: Organization) -> list[SetupStep]:
    """A first temperature survey (70)."""
    return [
        SetupStep(
            key="first_survey",
            label=_("Run a first temperature survey of the business and IT"),
            done=Campaign.objects.for_org(org).exists(),
            url=reverse("surveys:list", kwargs={"org_slug": org.slug}),
            order=70,
        )
    ]
