"""Reads of the surveys app: settings, campaigns and their progress, templates, personal links,
results and trends, and the organisation home's panel. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import NotFound
from tandem.core.links import link_secret, secret_digest
from tandem.core.models import Department, Membership, Organization, Role
from tandem.surveys import freetext, results
from tandem.surveys.labels import shipped
from tandem.surveys.models import (
    MAX_REMINDERS,
    SCALES,
    AudienceKind,
    Campaign,
    Question,
    SurveyLink,
    SurveyResponse,
    SurveySettings,
    SurveyTemplate,
    TextAnalysis,
    campaign_status,
)

HOME_CAMPAIGNS = 3
TOKEN_SALT = "tandem.surveys.link"  # noqa: S105 (a salt, not a secret)


# --- Settings ---------------------------------------------------------------------------------------------


def settings_for(org: Organization) -> SurveySettings:
    """The organisation's survey settings; the defaults (unsaved) until an admin changes them."""
    return SurveySettings.objects.filter(organization=org).first() or SurveySettings(organization=org)


# --- Personal links ---------------------------------------------------------------------------------------


def link_token(link: SurveyLink) -> str:
    """The secret of a personal link: an HMAC of the link's nonce under the secret key (never stored)."""
    return link_secret(TOKEN_SALT, link.nonce)


def token_hash(token: str) -> str:
    """The digest under which a token finds its link."""
    return secret_digest(token)


@lru_cache(maxsize=512)
def questions_answered_through(template_id: int) -> tuple[Question, ...]:
    """The questions of a template that a campaign uses, kept in this process's memory: such a
    template is frozen (``services._check_editable``), so its questions never change. For the
    public answer path, where every saved query counts; treat them as read-only."""
    return tuple(Question.objects.unscoped().filter(template_id=template_id))


def _digest_of(token: str) -> str:
    """The digest of a token that may name a link; NotFound for one that cannot."""
    if not token or len(token) > 100:
        raise NotFound()
    return token_hash(token)


def link_from_token(token: str) -> SurveyLink:
    """The link of a token, or NotFound (unknown, or a token of a rotated secret key)."""
    digest = _digest_of(token)
    link = (
        SurveyLink.objects.unscoped()  # the token is the scope: a public link belongs to no session
        .select_related("campaign__template", "campaign__organization", "organization")
        .filter(token_hash=digest)
        .first()
    )
    if link is None:
        raise NotFound()
    return link


@dataclass(frozen=True)
class LinkToAnswer:
    """What answering through a personal link reads: the link, what its response will carry, and
    its campaign's dates and template."""

    pk: int
    organization_id: int
    campaign_id: int
    side: str
    department_id: int | None
    answered: bool
    template_id: int
    opens_on: date
    closes_on: date
    closed_early: bool

    def status_on(self, day: date) -> str:
        """The campaign's status on ``day``."""
        return campaign_status(
            day=day, opens_on=self.opens_on, closes_on=self.closes_on, closed_early=self.closed_early
        )


# The public answer path is measured against a bare insert (benchmarks/survey_soak.py): its one
# read is written in SQL, a twentieth of the cost of composing it through the ORM on every answer.
_LINK_TO_ANSWER = """
    SELECT link.id, link.organization_id, link.campaign_id, link.side, link.department_id,
           link.answered, campaign.template_id, campaign.opens_on, campaign.closes_on,
           campaign.closed_at IS NOT NULL
    FROM surveys_surveylink link JOIN surveys_campaign campaign ON campaign.id = link.campaign_id
    WHERE link.token_hash = %s
"""


def link_to_answer(token: str) -> LinkToAnswer:
    """The link of a token with what answering through it needs, in one query; NotFound as
    ``link_from_token``. The token is the scope: a public link belongs to no session."""
    with connection.cursor() as cursor:
        cursor.execute(_LINK_TO_ANSWER, [_digest_of(token)])
        row = cursor.fetchone()
    if row is None:
        raise NotFound()
    pk, org_id, campaign_id, side, department_id, answered, template_id, opens_on, closes_on, closed = row
    return LinkToAnswer(
        pk,
        org_id,
        campaign_id,
        side,
        department_id,
        bool(answered),
        template_id,
        opens_on,
        closes_on,
        bool(closed),
    )


# Scoped through its campaigns: counted on the (campaign, side) index alone, where the
# organisation's index would make it read every response the organisation ever had.
_ANSWERS_TAKEN = """
    SELECT COUNT(*) FROM surveys_surveyresponse response
    WHERE response.campaign_id IN (
        SELECT campaign.id FROM surveys_campaign campaign
        WHERE campaign.organization_id = %s AND campaign.opens_on <= %s AND campaign.closes_on >= %s
    )
"""


def answers_version(org: Organization) -> tuple[date, int]:
    """What every answer changes, read without writing: today, and how many responses the
    campaigns that may still take one hold (those open today or yesterday, closed early or not).

    Answers do not bump the organisation's data version (``core.cache.org_changed``): that one
    row, updated by every respondent, would line up every answer of the organisation behind one
    lock on PostgreSQL. A cached figure that counts answers is keyed on this as well. Within one
    day, which campaigns count is fixed (moving a date or closing a campaign is a write that bumps
    the data version) and only answers add responses to them, so the count rises with every answer
    as it commits, in every process. Yesterday's campaigns count too: an answer accepted just
    before midnight, or just before its campaign was closed, commits a moment later.
    """
    today = timezone.localdate()
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:  # read on every survey page: SQL, not composed each time
        cursor.execute(_ANSWERS_TAKEN, [org.pk, adapt(today), adapt(today - timedelta(days=1))])
        (count,) = cursor.fetchone()
    return today, int(count)


def audience_members(campaign: Campaign) -> list[Membership]:
    """The active members a campaign's audience covers (none for an e-mail list)."""
    members = (
        Membership.objects.for_org(campaign.organization)
        .filter(is_active=True)
        .select_related("user", "department")
    )
    if campaign.audience == AudienceKind.DEPARTMENT:
        members = members.filter(department=campaign.department)
    elif campaign.audience == AudienceKind.SIDE:
        members = members.filter(side=campaign.side)
    elif campaign.audience == AudienceKind.EMAILS:
        return []
    return list(members)


def reminder_days(opens_on: date, closes_on: date) -> list[date]:
    """Up to three reminder dates, spread over the open period, at least a day apart."""
    span = (closes_on - opens_on).days
    days: list[date] = []
    for quarter in (1, 2, 3):
        day = opens_on + timedelta(days=round(span * quarter / 4))
        if opens_on < day <= closes_on and (not days or (day - days[-1]).days >= 1) and day not in days:
            days.append(day)
    return days[:MAX_REMINDERS]


# --- Campaigns --------------------------------------------------------------------------------------------


def campaign_list_for_org(org: Organization) -> list[Campaign]:
    """Every campaign of the organisation with how many were invited and have answered."""
    return list(
        Campaign.objects.for_org(org)
        .select_related("template")
        .annotate(
            invited=Count("links", distinct=True),
            answered=Count("links", filter=Q(links__answered=True), distinct=True),
        )
    )


def _count_of(model: Any, org: Organization) -> Coalesce:
    rows = (
        model.objects.for_org(org)
        .filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def campaign_list_with_counts(org: Organization) -> QuerySet[Campaign]:
    """The organisation's campaigns with ``invited_count`` and ``response_count``, one query
    however many there are (the API pages through it)."""
    return (
        Campaign.objects.for_org(org)
        .select_related("template", "department")
        .annotate(invited_count=_count_of(SurveyLink, org), response_count=_count_of(SurveyResponse, org))
    )


def campaign_progress(campaign: Campaign) -> dict[str, int]:
    """How many were invited and have answered, and the share that answered in percent."""
    counts = campaign.links.aggregate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    invited, answered = counts["invited"] or 0, counts["answered"] or 0
    return {
        "invited": invited,
        "answered": answered,
        "percent": round(100 * answered / invited) if invited else 0,
    }


def campaign_results(campaign: Campaign) -> results.CampaignResults:
    """Everything that may be shown about a campaign, suppression applied (``results``) at the
    campaign's own threshold, which is fixed once it has closed: its figures never change."""
    org = campaign.organization
    threshold = campaign.threshold
    responses = list(
        SurveyResponse.objects.for_org(org).filter(campaign=campaign).only("side", "department", "answers")
    )
    closed = campaign.is_closed
    analyses = TextAnalysis.objects.for_org(org).filter(
        campaign=campaign, threshold=threshold, responses=len(responses), computed_at__isnull=False
    )
    return results.campaign_results_from(
        campaign=campaign,
        invited=SurveyLink.objects.for_org(org).filter(campaign=campaign).count(),
        responses=responses,
        departments={d.pk: d for d in Department.objects.for_org(org)} if closed else {},
        questions=list(campaign.template.questions.all()) if closed else [],
        analyses={f"q{a.question_id}": freetext.in_words(a.result) for a in analyses} if closed else {},
    )


# --- Templates --------------------------------------------------------------------------------------------


def template_list_for_org(org: Organization) -> QuerySet[SurveyTemplate]:
    """The organisation's templates with how many questions each has and how many campaigns used it."""
    return SurveyTemplate.objects.for_org(org).annotate(
        question_count=Count("questions", distinct=True), campaign_count=Count("campaigns", distinct=True)
    )


def template_list_with_questions(org: Organization) -> QuerySet[SurveyTemplate]:
    """The organisation's templates with their questions and whether a campaign has ``used`` each."""
    used = Campaign.objects.for_org(org).filter(template=OuterRef("pk"))
    return SurveyTemplate.objects.for_org(org).annotate(used=Exists(used)).prefetch_related("questions")


def template_in_use(template: SurveyTemplate) -> bool:
    """Whether a campaign has used the template (its questions are then frozen)."""
    return template.campaigns.exists()


def template_trends(campaigns: list[Campaign]) -> dict[str, list[results.TrendPoint]]:
    """Every numeric item across the closed ``campaigns`` of one template, oldest first; each point
    obeys its own campaign's suppression, at its own threshold."""
    closed = [c for c in sorted(campaigns, key=lambda c: (c.opens_on, c.pk)) if c.is_closed]
    return results.trends_from([campaign_results(c) for c in closed])


def template_trend_items(template: SurveyTemplate) -> list[dict[str, Any]]:
    """Each numeric item of the template with its points across closed campaigns and its scale."""
    questions = list(template.questions.all())
    campaigns = list(
        Campaign.objects.for_org(template.organization)
        .filter(template=template)
        .select_related("organization", "template")
    )
    labels = _trend_labels(questions)
    items = []
    for key, points in template_trends(campaigns).items():
        label, scale = labels.get(key, (key, (1, 5)))
        items.append({"key": key, "label": label, "points": points, "low": scale[0], "high": scale[-1]})
    return items


def _trend_labels(questions: list[Question]) -> dict[str, tuple[str, tuple[int, ...]]]:
    criterion_scale = next((SCALES[q.kind] for q in questions if q.criterion and q.kind in SCALES), (1, 5))
    labels: dict[str, tuple[str, tuple[int, ...]]] = {
        q.field_name: (shipped(q.text), SCALES[q.kind]) for q in questions if q.kind in SCALES
    }
    for q in questions:
        if q.criterion:
            labels[f"criterion:{q.criterion}"] = (shipped(q.criterion), criterion_scale)
    labels[results.OVERALL_KEY] = (_("Overall alignment maturity"), criterion_scale)
    return labels


# --- The organisation home --------------------------------------------------------------------------------


def home_panel(membership: Membership) -> tuple[str, dict[str, Any]] | None:
    """The home page's surveys panel: surveys the person has yet to answer (with their own link),
    the open campaigns with how many answered, and the latest results. Nothing for partners, and
    nothing at all while the organisation has never run a campaign."""
    if membership.role == Role.PARTNER:
        return None
    org = membership.organization
    today = timezone.localdate()
    open_now = Q(closed_at=None, opens_on__lte=today, closes_on__gte=today)
    running = list(
        Campaign.objects.for_org(org)
        .filter(open_now)
        .annotate(
            invited=Count("links", distinct=True),
            answered=Count("links", filter=Q(links__answered=True), distinct=True),
        )
        .order_by("closes_on", "pk")[:HOME_CAMPAIGNS]
    )
    latest = (
        Campaign.objects.for_org(org)
        .filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))
        .order_by("-closes_on", "-pk")
        .first()
    )
    if not running and latest is None:
        return None
    mine = []
    for link in (
        SurveyLink.objects.for_org(org)
        .filter(
            membership=membership, answered=False, campaign__in=Campaign.objects.for_org(org).filter(open_now)
        )
        .select_related("campaign")
        .order_by("campaign__closes_on", "pk")
    ):
        token = link_token(link)
        if token_hash(token) == link.token_hash:  # a link issued under an older secret key is left out
            mine.append({"campaign": link.campaign, "token": token})
    return "surveys/_home_panel.html", {"running": running, "latest": latest, "mine": mine}
