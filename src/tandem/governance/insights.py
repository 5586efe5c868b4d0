"""The governance app's part of the alignment index, the home page and the getting-started checklist
(``tandem.core.insights``).

The ``service_levels`` component has one row per active service and month of the last
``WINDOW_DAYS`` days in which something was checked, from ``selectors.compliance`` (the scorecard's
own count): its points are the share of the agreed targets met (availability, the service's own
measures, incidents acknowledged and resolved within the agreed working hours), its weight the
number of checks, so the component is the share of every check met.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from tandem.core.insights import Component, Evidence, NeedItem, SetupStep
from tandem.core.models import Membership, Organization
from tandem.governance import scorecard, selectors
from tandem.governance.models import Party, Service
from tandem.governance.services import rating_quarter
from tandem.strategy.insights import id_url

WEIGHT = 10
WINDOW_DAYS = 90


def index_components(org: Organization, now: datetime) -> list[Component]:
    """The service-levels component (a fixed number of queries whatever the number of services)."""
    today = timezone.localtime(now).date()
    services = list(Service.objects.for_org(org).filter(is_active=True).select_related("party"))
    tallies = selectors.compliance(org, services, (today - timedelta(days=WINDOW_DAYS)).replace(day=1), today)
    by_id = {service.pk: service for service in services}
    url = id_url("governance:service", org, "service_id")
    evidence = []
    for (service_id, month), tally in sorted(
        tallies.items(), key=lambda kv: (by_id[kv[0][0]].name.casefold(), kv[0][1])
    ):
        if not tally.total:
            continue
        service = by_id[service_id]
        evidence.append(
            Evidence(
                key=f"service:{service_id}:{month:%Y-%m}",
                label=_("%(service)s (%(party)s)") % {"service": service.name, "party": service.party.name},
                points=float(tally.percent or 0.0),
                url=url(service_id),
                detail=_("%(met)s of %(total)s agreed targets met in %(month)s %(year)s.")
                % {"met": tally.met, "total": tally.total, "month": MONTHS[month.month], "year": month.year},
                weight=float(tally.total),
            )
        )
    return [
        Component(
            key="service_levels",
            label=_("Service levels"),
            help=_(
                "Whether the parties' services met what was agreed in the last three months: "
                "availability, their own measures, and incidents acknowledged and resolved in time. "
                "Each month of each service counts by how many targets it had."
            ),
            default_weight=WEIGHT,
            evidence=tuple(evidence),
            missing=""
            if evidence
            else _("No service had an agreed target measured in the last three months."),
        )
    ]


def needs_me(membership: Membership, today: date) -> list[NeedItem]:
    """The parties a business co-lead has yet to rate for the quarter open for rating."""
    quarter = rating_quarter(today)
    parties = selectors.parties_to_rate(membership, quarter)
    if not parties:
        return []
    rated = selectors.rated_party_ids(membership, quarter)
    due = scorecard.quarter_end(quarter) + timedelta(days=selectors.RATING_GRACE_DAYS)
    url = reverse("governance:ratings", kwargs={"org_slug": membership.organization.slug})
    label = scorecard.quarter_label(quarter)
    return [
        NeedItem(
            kind="answer",
            title=party.name,
            action=_("Rate this party for %(quarter)s") % {"quarter": label},
            url=url,
            due_on=due,
        )
        for party in parties
        if party.pk not in rated
    ]


def setup_steps(org: Organization) -> list[SetupStep]:
    """Your IT parties (80)."""
    return [
        SetupStep(
            key="parties",
            label=_("Add your IT parties: suppliers, vendors and the internal IT department"),
            done=Party.objects.for_org(org).filter(is_active=True).exists(),
            url=reverse("governance:parties", kwargs={"org_slug": org.slug}),
            order=80,
        )
    ]
