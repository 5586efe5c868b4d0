"""The parties of the demo organisation, the RACI matrices of two of its initiatives, two services
with their service levels, a quarter of incidents and the business side's ratings.

Northwind works with five parties of different kinds: Cloudline (its cloud provider; the demo's
partner-side person is its account manager, and its hosting contract nears its notice date),
RouteWise (the route-planning software), Bridgework (an integrator whose contract has run out),
Northpoint (a consultancy) and the internal Platform team. *Live shipment tracking* has a valid
matrix (with a warning: the architect is accountable for much of it); *Dynamic route optimisation*
has an invalid one — two parties accountable for the build, nobody doing the requirements, and
Bridgework responsible without a contract in force.

Cloudline hosts the tracking page and the customer portal, RouteWise runs the route-planning
engine: each service has service levels for P1–P3, an availability target, a measure of its own,
an escalation path and a month-by-month record of the last full quarter (mostly met, a few
misses). In that quarter the tracking page went down for a day: Cloudline handed the incident to
the Platform team, which handed it back, and it escalated twice before it was resolved and
reviewed. A RouteWise incident was paused while a traffic export was awaited, another was
acknowledged late. One Cloudline incident is open now, waiting for acknowledgement. The business
co-leads rated the parties for the last two quarters; Cloudline has enough raters for its rating to
be shown (a Head of Customer Service who co-leads a *second region for the portal* initiative is
the fifth). Everything is written through the services at explicit working-day moments, and the
escalations by the same function the worker runs; the words are in ``demo_nl`` for the Dutch demo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db.models import Min
from django.utils import timezone

from tandem.core.demo import DemoPerson, demo_content
from tandem.core.models import Department, Membership, Organization, Role, Side, User
from tandem.core.services import user_create
from tandem.governance import scorecard, selectors, services
from tandem.governance.calendar import WorkCalendar
from tandem.governance.models import (
    Channel,
    Incident,
    IncidentStatus,
    Party,
    PartyKind,
    Priority,
    RaciColumn,
    Renewal,
    Service,
)
from tandem.strategy.demo import InitiativeSpec, MeasureSpec, Step
from tandem.strategy.demo import _initiative as strategy_initiative
from tandem.strategy.models import Initiative, KeyResult, Objective, Stage


@dataclass(frozen=True)
class PartySpec:
    key: str
    name: str
    kind: str
    side: str = ""
    website: str = ""
    contact: str = ""  # a demo person's key
    contact_email: str = ""  # someone without an account
    contact_role: str = ""


@dataclass(frozen=True)
class ContractSpec:
    party: str
    title: str
    starts_days: int  # from today (negative: in the past)
    ends_days: int | None
    value: str
    notice_days: int
    renewal: str
    alert_days: int = 45


PARTIES = (
    PartySpec(
        "cloudline",
        "Cloudline",
        PartyKind.CLOUD_PROVIDER,
        website="https://cloudline.example",
        contact="partner",
        contact_role="Account manager",
    ),
    PartySpec(
        "routewise",
        "RouteWise",
        PartyKind.SOFTWARE_VENDOR,
        website="https://routewise.example",
        contact_email="support@routewise.example",
        contact_role="Support desk",
    ),
    PartySpec(
        "bridgework",
        "Bridgework Integrators",
        PartyKind.INTEGRATOR,
        contact_email="projects@bridgework.example",
        contact_role="Project lead",
    ),
    PartySpec(
        "northpoint",
        "Northpoint Consulting",
        PartyKind.CONSULTANCY,
        contact_email="hello@northpoint.example",
        contact_role="Engagement manager",
    ),
    PartySpec(
        "platform",
        "Platform team",
        PartyKind.INTERNAL,
        side="it",
        contact="it_member",
        contact_role="Developer",
    ),
)
CONTRACTS = (
    # The hosting contract's notice date is near: give notice 30 days from today or it renews.
    ContractSpec(
        "cloudline", "Cloud hosting and managed Kubernetes", -520, 210, "486000", 180, Renewal.TACIT
    ),
    ContractSpec("routewise", "Route-planning engine licence", -340, 755, "96000", 90, Renewal.EXPLICIT),
    # Ended: Bridgework still shows up as responsible in a matrix (a warning there).
    ContractSpec(
        "bridgework", "Integration of the planning systems", -400, -20, "140000", 60, Renewal.EXPLICIT
    ),
)

# The words of the demo (``demo_nl`` holds the same keys in Dutch).
DESCRIPTIONS = {
    "cloudline": "Hosts our tracking, planning and customer portal on managed Kubernetes in two regions.",
    "routewise": "Supplies the route-planning engine behind dynamic route optimisation.",
    "bridgework": "Connected the planning system to the warehouse and transport systems in 2025–2026.",
    "northpoint": "Advises the board on the e-commerce strategy and the web-shop proposition.",
    "platform": "Our own team that builds and runs the customer-facing platforms.",
}
CONTRACT_TITLES = {
    "cloudline": "Cloud hosting and managed Kubernetes",
    "routewise": "Route-planning engine licence",
    "bridgework": "Integration of the planning systems",
}
# (party key, objective index in tandem.strategy.demo.OBJECTIVES, the contribution in a sentence)
CONTRIBUTIONS = (
    ("cloudline", 3, "Runs our platforms at a fixed monthly price, so hosting costs fall as volume grows."),
    ("routewise", 0, "Re-plans routes on live traffic, so more deliveries arrive in the promised window."),
    ("northpoint", 1, "Shapes the web-shop proposition and the onboarding journey with Sales."),
    ("platform", 2, "Builds the tracking page and notifications customers use instead of calling."),
)

# (initiative index in tandem.strategy.demo.INITIATIVES, columns, cells). A column is a party key
# or "@" + a demo person's key; cells are per activity of the default template, in its order:
# requirements, design, build, test, deploy, run, support, change approval.
MATRICES = (
    (
        0,
        ("@business_lead", "@it_lead", "platform", "cloudline"),
        (
            {"@business_lead": "A", "@it_lead": "R", "platform": "C"},
            {"@it_lead": "A", "platform": "R", "@business_lead": "C"},
            {"@it_lead": "A", "platform": "R", "@business_lead": "I"},
            {"@business_lead": "A", "platform": "R", "@it_lead": "C"},
            {"@it_lead": "A", "platform": "R", "cloudline": "C", "@business_lead": "I"},
            {"@it_lead": "A", "cloudline": "R", "@business_lead": "C"},
            {"@it_lead": "A", "platform": "R", "cloudline": "R", "@business_lead": "C"},
            {"@business_lead": "A", "@it_lead": "R", "platform": "C"},
        ),
    ),
    (
        1,
        ("@owner", "@it_admin", "routewise", "bridgework"),
        (
            {"@owner": "A", "routewise": "C"},
            {"@it_admin": "A", "routewise": "R", "bridgework": "C"},
            {"routewise": "A", "bridgework": "A", "@owner": "I"},
            {"@owner": "A", "bridgework": "R", "routewise": "C"},
            {"@it_admin": "A", "bridgework": "R"},
            {"@it_admin": "A", "routewise": "R", "@owner": "I"},
            {"@it_admin": "A", "routewise": "R"},
            {"@owner": "A", "@it_admin": "R"},
        ),
    ),
)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    unit: str
    target: Decimal
    higher_is_better: bool = True


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    party: str
    name: str
    description: str
    availability_target: Decimal
    levels: tuple[tuple[str, Decimal, Decimal], ...]  # (priority, acknowledge, resolve) in working hours
    metric: MetricSpec
    # Initiative indexes in tandem.strategy.demo.INITIATIVES; NEW_INITIATIVE is the one made here.
    initiatives: tuple[int, ...]
    key_result: str  # a key result's key in tandem.strategy.demo
    # Each month of the last full quarter: availability, the measure's value, a note ("" for none).
    months: tuple[tuple[Decimal, Decimal, str], ...]
    # The escalation path: (party key or "@" + a demo person's key, channel, respond within hours).
    path: tuple[tuple[str, str, Decimal], ...]


@dataclass(frozen=True)
class IncidentText:
    title: str
    description: str
    resolution: str = ""
    # Hand-over notes, pause reasons and timeline notes, in the order the story uses them.
    notes: tuple[str, ...] = ()


NEW_INITIATIVE = -1
SERVICES = (
    ServiceSpec(
        "hosting",
        "cloudline",
        "Tracking and customer portal hosting",
        "Managed Kubernetes in two regions for the tracking page, the customer portal and the "
        "e-invoicing connector.",
        Decimal("99.9"),
        (
            (Priority.CRITICAL, Decimal("0.5"), Decimal(4)),
            (Priority.HIGH, Decimal(1), Decimal(8)),
            (Priority.MEDIUM, Decimal(4), Decimal(24)),
        ),
        MetricSpec("Nightly backups completed", "%", Decimal(100)),
        (0, 2, 9, 15, NEW_INITIATIVE),
        "wismo",
        (
            (Decimal("99.97"), Decimal(100), ""),
            (
                Decimal("99.62"),
                Decimal(100),
                "The tracking page was down for seven hours after a cluster upgrade (see the incident).",
            ),
            (Decimal("99.95"), Decimal("96.8"), "Two backup runs failed during the storage migration."),
        ),
        (
            ("cloudline", Channel.PHONE, Decimal(1)),
            ("@it_lead", Channel.PHONE, Decimal(2)),
            ("@it_admin", Channel.MEETING, Decimal(4)),
        ),
    ),
    ServiceSpec(
        "routing",
        "routewise",
        "Route-planning engine",
        "The hosted engine that plans the delivery routes each morning and re-plans them on live traffic.",
        Decimal("99.5"),
        (
            (Priority.CRITICAL, Decimal(1), Decimal(8)),
            (Priority.HIGH, Decimal(2), Decimal(16)),
            (Priority.MEDIUM, Decimal(4), Decimal(40)),
        ),
        MetricSpec("Re-plan time (95th percentile)", "minutes", Decimal(5), higher_is_better=False),
        (1,),
        "otd",
        (
            (Decimal("99.81"), Decimal("4.2"), ""),
            (Decimal("99.74"), Decimal("6.1"), "Slow re-plans while the Sunday windows were wrong."),
            (Decimal("99.88"), Decimal("3.9"), ""),
        ),
        (
            ("routewise", Channel.EMAIL, Decimal(2)),
            ("@it_admin", Channel.PHONE, Decimal(4)),
        ),
    ),
)
INCIDENTS = {
    # Bounced between Cloudline and the Platform team, escalated twice, then reviewed.
    "outage": IncidentText(
        "Tracking page times out for every customer",
        "Since 09:30 the tracking page and the tracking links in our e-mails show a time-out. "
        "Customer service is getting the calls.",
        "Restored the ingress connection limit to 5,000 and pinned it in the cluster configuration, "
        "so an upgrade cannot reset it again.",
        (
            "Customer service has had 140 calls about tracking since 09:30.",
            "The cluster and the load balancers are healthy; the tracking service itself fails its "
            "health checks. Over to the Platform team.",
            "The tracking service is fine: since last night's cluster upgrade the ingress allows 500 "
            "connections instead of 5,000. That setting is Cloudline's.",
        ),
    ),
    # Paused while RouteWise waited for an export.
    "replan": IncidentText(
        "Re-planned routes ignore road closures around Venlo",
        "Since this morning the engine sends trucks to the closed motorway exit at Venlo; drivers "
        "re-route by hand.",
        "RouteWise fixed the import of the road-closure feed; routes around Venlo avoid closures again.",
        ("Waiting for the road-closure export from our traffic-data provider, which RouteWise needs.",),
    ),
    # Acknowledged late: escalated once.
    "sunday": IncidentText(
        "Sunday delivery windows shown as closed",
        "The planning screen shows every Sunday delivery window as closed, so planners cannot book "
        "Sunday deliveries for web shops.",
        "RouteWise corrected the calendar of the depots that deliver on Sundays.",
    ),
    "labels": IncidentText(
        "Label downloads are slow in the customer portal",
        "Downloading a batch of shipping labels takes over a minute for the larger web shops.",
        "Moved label generation to a larger node pool: a batch of 200 labels now takes 8 seconds.",
    ),
    # Open now, waiting for Cloudline.
    "open": IncidentText(
        "Label download fails with an error in the customer portal",
        "Web shops get “Something went wrong” when they download a batch of labels; single labels "
        "still work.",
    ),
}
REVIEW = {
    "summary": "A routine cluster upgrade by Cloudline reset the ingress connection limit to its "
    "default. At the morning peak the tracking page ran out of connections and timed out for seven "
    "hours. Cloudline handed the incident to our Platform team, which found the cause and handed it "
    "back; it escalated twice before Cloudline picked it up again.",
    "lessons": "Nobody answered Cloudline's P1 line during the upgrade, so the first hour was lost. "
    "Handing over without evidence cost two more hours: hand over with what was checked and what "
    "was found. An upgrade can change settings we rely on without anyone noticing.",
    "actions": "Cloudline announces every cluster upgrade five working days ahead and compares the "
    "ingress settings before and after. The Platform team alerts on the connection count. Cloudline "
    "staffs its P1 line while an upgrade runs.",
}
# The fifth business co-lead, so that Cloudline has enough raters for its rating to be shown, and
# the initiative she co-leads (in delivery; its words are in ``demo_nl``).
SERVICE_LEAD = DemoPerson(
    "service_lead",
    "service.lead@example.com",
    "Sanne Mulder",
    Role.LEAD,
    Side.BUSINESS,
    "Customer Service",
    "Head of Customer Service",
)
SERVICE_INITIATIVE = InitiativeSpec(
    "Second Cloudline region for the customer portal",
    "Run the tracking page and the customer portal in a second Cloudline region, with automatic fail-over.",
    "Customers can track shipments and print labels even when a data centre fails, so an outage no "
    "longer floods customer service with calls.",
    "No outage of the tracking page or the portal longer than 15 minutes during the peak season.",
    business_co_lead="service_lead",
    it_co_lead="it_lead",
    sponsor="owner",
    created_by="service_lead",
    created_days_ago=120,
    budget=180_000,
    start=-90,
    target=60,
    departments=("Customer Service", "IT"),
    end_users=(
        "Call-centre agents and twelve web shops",
        115,
        "During the last outage agents could not see shipments either; shops want labels to keep working.",
    ),
    measures=(MeasureSpec("Longest outage of the tracking page", 420, 15, "minutes", 60, "wismo"),),
    links=(("wismo", "Customers keep finding their shipment when a data centre fails."),),
    steps=(Step(Stage.PROPOSED, 105), Step(Stage.APPROVED, 98), Step(Stage.IN_DELIVERY, 90)),
)
# Who rates which party (1–5, 0: does not rate it), for the last full quarter and the one before;
# the raters are business co-leads of initiatives the party works on, in this order.
RATERS = ("owner", "business_lead", "business_member", "finance_lead", "service_lead")
RATINGS = {
    "cloudline": ((3, 4, 3, 4, 2), (4, 4, 3, 4, 3)),
    "routewise": ((4, 0, 0, 0, 0), (3, 0, 0, 0, 0)),
    "platform": ((0, 0, 5, 0, 0), (0, 0, 4, 0, 0)),
    "bridgework": ((2, 0, 0, 0, 0), (3, 0, 0, 0, 0)),
}


def seed(*, org: Organization, people: dict[str, Membership], language: str = "en") -> None:
    """Give the demo organisation its parties, contracts, contributions, two RACI matrices, two
    services with a quarter of measurements and incidents, and ratings; an organisation that has
    parties already is left as it is."""
    if Party.objects.for_org(org).exists():
        return
    content = demo_content(__name__, language)
    actor, today = people["owner"], timezone.localdate()
    parties: dict[str, Party] = {}
    for spec in PARTIES:
        party = services.party_create(
            actor=actor,
            name=spec.name,
            kind=spec.kind,
            side=spec.side,
            description=content.DESCRIPTIONS[spec.key],
            website=spec.website,
        )
        if spec.contact:
            services.contact_add(
                actor=actor, party=party, membership=people[spec.contact], role=spec.contact_role
            )
        if spec.contact_email:
            services.contact_add(actor=actor, party=party, email=spec.contact_email, role=spec.contact_role)
        parties[spec.key] = party
    for contract in CONTRACTS:
        services.contract_add(
            actor=actor,
            party=parties[contract.party],
            title=content.CONTRACT_TITLES[contract.party],
            starts_on=_day(today, contract.starts_days),
            ends_on=_day(today, contract.ends_days) if contract.ends_days is not None else None,
            value=contract.value,
            currency="EUR",
            notice_days=contract.notice_days,
            renewal=contract.renewal,
            alert_days=contract.alert_days,
        )
    strategy = demo_content("tandem.strategy.demo", language)
    objectives = {o.title: o for o in Objective.objects.for_org(org)}
    for key, index, words in content.CONTRIBUTIONS:
        objective = objectives[strategy.OBJECTIVES[index].title]
        services.contribution_set(actor=actor, party=parties[key], objective=objective, contribution=words)
    initiatives = {i.title: i for i in Initiative.objects.for_org(org)}
    for index, columns, cells in MATRICES:
        _matrix(actor, initiatives[strategy.INITIATIVES[index].title], columns, cells, parties, people)
    _services_and_incidents(org, dict(people), parties, content, language)


def _day(today: date, days: int) -> date:
    return today + timedelta(days=days)


def _matrix(
    actor: Membership,
    initiative: Initiative,
    columns: tuple[str, ...],
    cells: tuple[dict[str, str], ...],
    parties: dict[str, Party],
    people: dict[str, Membership],
) -> None:
    activities = services.matrix_start(actor=actor, initiative=initiative)
    made: dict[str, RaciColumn] = {}
    for key in columns:
        if key.startswith("@"):
            made[key] = services.column_add(actor=actor, initiative=initiative, membership=people[key[1:]])
        else:
            made[key] = services.column_add(actor=actor, initiative=initiative, party=parties[key])
    letters = {
        (activity.pk, made[key].pk): letter
        for activity, row in zip(activities, cells, strict=True)
        for key, letter in row.items()
    }
    services.cells_set(actor=actor, initiative=initiative, cells=letters)


# --- Services, incidents and ratings ----------------------------------------------------------


def _services_and_incidents(
    org: Organization, people: dict[str, Membership], parties: dict[str, Party], content: Any, language: str
) -> None:
    """The services with their levels, measures, quarter of measurements and escalation paths; the
    incidents of the last full quarter and of now; the business co-leads' ratings."""
    people["service_lead"] = _person(org, people, content.SERVICE_LEAD)
    _invite_to_open_surveys(org, people["owner"], people["service_lead"])
    strategy = demo_content("tandem.strategy.demo", language)
    departments = {d.name: d for d in Department.objects.for_org(org)}
    by_metric = {kr.metric: kr for kr in KeyResult.objects.for_org(org)}
    key_results = {
        spec.key: by_metric[spec.metric]
        for objective in (*strategy.OBJECTIVES, strategy.SILOED)
        for spec in objective.key_results
    }
    ours = strategy_initiative(org, people, departments, key_results, content.SERVICE_INITIATIVE)
    titles = {i.title: i for i in Initiative.objects.for_org(org)}
    by_index = [titles[spec.title] for spec in strategy.INITIATIVES]
    quarter = scorecard.previous_quarter(scorecard.quarter_of(timezone.localdate()))
    made = {}
    for spec in content.SERVICES:
        linked = [ours if index == NEW_INITIATIVE else by_index[index] for index in spec.initiatives]
        made[spec.key] = _service(
            people["owner"], spec, parties, people, quarter, [key_results[spec.key_result]], linked
        )
    calendar = selectors.work_calendar(org)
    story = _Story(org, calendar, people, parties, made, content.INCIDENTS, content.REVIEW)
    story.last_quarter(quarter)
    story.open_now(timezone.now())
    for key, quarters in RATINGS.items():
        for rated, scores in zip((quarter, scorecard.previous_quarter(quarter)), quarters, strict=True):
            # A day of the quarter's rating window that has passed, whatever today is.
            day = scorecard.quarter_end(rated) - timedelta(days=7)
            for rater, score in zip(RATERS, scores, strict=True):
                if score:
                    services.party_rate(actor=people[rater], party=parties[key], score=score, today=day)


def _person(org: Organization, people: dict[str, Membership], spec: DemoPerson) -> Membership:
    """A demo person added here, with the same password as the others."""
    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        user = user_create(email=spec.email, name=spec.name)
        user.password = people["owner"].user.password  # the demo password, already hashed
        user.save(update_fields=["password"])
    return Membership.objects.create(
        organization=org,
        user=user,
        role=spec.role,
        side=spec.side,
        department=Department.objects.for_org(org).filter(name=spec.department).first(),
        title=spec.title,
    )


def _invite_to_open_surveys(org: Organization, actor: Membership, member: Membership) -> None:
    """A survey that is open invites every member: one who joins while it runs gets a link too."""
    from tandem.surveys import services as surveys
    from tandem.surveys.models import Campaign

    for campaign in Campaign.objects.for_org(org):
        if campaign.is_open:
            surveys.invitations_create(
                actor=actor, campaign=campaign, members=[member], send_email=False, reveal=False
            )


def _service(
    actor: Membership,
    spec: ServiceSpec,
    parties: dict[str, Party],
    people: dict[str, Membership],
    quarter: date,
    key_results: list[KeyResult],
    initiatives: list[Initiative],
) -> Service:
    """A service with its levels, its measure, the quarter's measurements and its escalation path."""
    service = services.service_create(
        actor=actor,
        party=parties[spec.party],
        name=spec.name,
        description=spec.description,
        availability_target=spec.availability_target,
        initiatives=initiatives,
        key_results=key_results,
    )
    for priority, acknowledge, resolve in spec.levels:
        services.service_level_set(
            actor=actor,
            service=service,
            priority=priority,
            acknowledge_hours=acknowledge,
            resolve_hours=resolve,
        )
    metric = services.metric_add(
        actor=actor,
        service=service,
        name=spec.metric.name,
        unit=spec.metric.unit,
        target=spec.metric.target,
        higher_is_better=spec.metric.higher_is_better,
    )
    months = [_month(quarter, n) for n in range(3)]
    if spec.key == "hosting":  # imported from the provider's monthly report...
        rows = []
        for month, (availability, value, note) in zip(months, spec.months, strict=True):
            rows.append({"month": f"{month:%Y-%m}", "measure": "", "value": availability, "note": note})
            rows.append({"month": f"{month:%Y-%m}", "measure": metric.name, "value": value, "note": ""})
        services.measurements_import(actor=actor, service=service, rows=rows)
    else:  # ...or typed in month by month
        for month, (availability, value, note) in zip(months, spec.months, strict=True):
            services.measurement_record(
                actor=actor, service=service, period=month, value=availability, note=note
            )
            services.measurement_record(
                actor=actor, service=service, period=month, value=value, metric=metric
            )
    for who, channel, hours in spec.path:
        services.escalation_level_add(
            actor=actor,
            service=service,
            respond_hours=hours,
            channel=channel,
            party=None if who.startswith("@") else parties[who],
            membership=people[who[1:]] if who.startswith("@") else None,
        )
    return service


def _month(quarter: date, n: int) -> date:
    """The first day of the quarter's ``n``-th month (0 is its first)."""
    return date(quarter.year, quarter.month + n, 1)


class _Story:
    """The incidents, step by step at explicit moments on working days. Before each step the
    escalation the worker runs is run at every moment a level's time ran out, as it would have."""

    def __init__(
        self,
        org: Organization,
        calendar: WorkCalendar,
        people: dict[str, Membership],
        parties: dict[str, Party],
        made: dict[str, Service],
        texts: dict[str, IncidentText],
        review: dict[str, str],
    ) -> None:
        self.org, self.calendar, self.people, self.parties = org, calendar, people, parties
        self.services, self.texts, self.review = made, texts, review

    def workday(self, day: date) -> date:
        """``day`` or the first working day after it."""
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day

    def at(self, day: date, clock: str) -> datetime:
        hour, minute = (int(part) for part in clock.split(":"))
        return datetime.combine(day, time(hour, minute), tzinfo=self.calendar.zone)

    def worker(self, until: datetime) -> None:
        """Escalate what fell due by ``until``, each at the moment it fell due."""
        for _run in range(50):  # each run escalates a level or stops waiting: a handful at most
            due = (
                Incident.objects.for_org(self.org)
                .filter(status=IncidentStatus.OPEN, escalation_due_at__lte=until)
                .aggregate(first=Min("escalation_due_at"))["first"]
            )
            if due is None:
                return
            services.incidents_escalate_due(now=due, org=self.org)

    def step(self, action: Callable[..., Any], when: datetime, **arguments: Any) -> Any:
        self.worker(when)
        return action(now=when, **arguments)

    def raise_(self, key: str, when: datetime, raiser: str, priority: str, service: str) -> Incident:
        text = self.texts[key]
        return cast(
            Incident,
            self.step(
                services.incident_raise,
                when,
                actor=self.people[raiser],
                title=text.title,
                description=text.description,
                priority=priority,
                service=self.services[service],
            ),
        )

    def last_quarter(self, quarter: date) -> None:
        """Four incidents of the last full quarter, all resolved; one bounced and was reviewed."""
        people, step = self.people, self.step
        admin, partner, developer = people["it_admin"], people["partner"], people["it_member"]

        # A RouteWise incident paused overnight while an export was awaited.
        day = self.workday(quarter + timedelta(days=16))
        after = self.workday(day + timedelta(days=1))
        text = self.texts["replan"]
        incident = self.raise_("replan", self.at(day, "10:15"), "it_admin", Priority.HIGH, "routing")
        step(services.incident_acknowledge, self.at(day, "11:00"), actor=admin, incident=incident)
        reason = text.notes[0]
        step(services.incident_pause, self.at(day, "14:00"), actor=admin, incident=incident, reason=reason)
        step(services.incident_resume, self.at(after, "10:00"), actor=admin, incident=incident)
        done = text.resolution
        step(
            services.incident_resolve,
            self.at(after, "15:00"),
            actor=admin,
            incident=incident,
            resolution=done,
        )

        # The tracking page down: Cloudline hands it to the Platform team, which hands it back;
        # nobody answers in time twice, so it escalates twice.
        day = self.workday(quarter + timedelta(days=44))
        after = self.workday(day + timedelta(days=1))
        text = self.texts["outage"]
        platform, cloudline = self.parties["platform"], self.parties["cloudline"]
        incident = self.raise_(
            "outage", self.at(day, "09:40"), "business_member", Priority.CRITICAL, "hosting"
        )
        step(
            services.incident_note,
            self.at(day, "10:15"),
            actor=people["business_member"],
            incident=incident,
            note=text.notes[0],
        )
        step(
            services.incident_hand_over,
            self.at(day, "11:05"),
            actor=partner,
            incident=incident,
            party=platform,
            note=text.notes[1],
        )
        step(services.incident_acknowledge, self.at(day, "11:20"), actor=developer, incident=incident)
        step(
            services.incident_hand_over,
            self.at(day, "13:30"),
            actor=developer,
            incident=incident,
            party=cloudline,
            note=text.notes[2],
        )
        step(services.incident_acknowledge, self.at(day, "15:50"), actor=partner, incident=incident)
        done = text.resolution
        step(
            services.incident_resolve,
            self.at(day, "16:40"),
            actor=partner,
            incident=incident,
            resolution=done,
        )
        step(
            services.incident_review_write,
            self.at(after, "10:00"),
            actor=people["it_lead"],
            incident=incident,
            **self.review,
        )

        # A RouteWise incident acknowledged late: it escalated once.
        day = self.workday(quarter + timedelta(days=58))
        after = self.workday(day + timedelta(days=1))
        done = self.texts["sunday"].resolution
        incident = self.raise_("sunday", self.at(day, "09:30"), "owner", Priority.MEDIUM, "routing")
        step(services.incident_acknowledge, self.at(day, "14:10"), actor=admin, incident=incident)
        step(
            services.incident_resolve,
            self.at(after, "12:00"),
            actor=admin,
            incident=incident,
            resolution=done,
        )

        # A Cloudline incident handled well within its service level.
        day = self.workday(quarter + timedelta(days=72))
        after = self.workday(day + timedelta(days=1))
        done = self.texts["labels"].resolution
        incident = self.raise_("labels", self.at(day, "14:00"), "business_lead", Priority.MEDIUM, "hosting")
        step(services.incident_acknowledge, self.at(day, "14:35"), actor=partner, incident=incident)
        step(
            services.incident_resolve,
            self.at(after, "11:00"),
            actor=partner,
            incident=incident,
            resolution=done,
        )

    def open_now(self, now: datetime) -> Incident:
        """A Cloudline incident raised half an hour ago (or late on the last working day), waiting
        for acknowledgement: its first escalation level's time has not run out."""
        when = now - timedelta(minutes=30)
        if not self.calendar.is_working_time(when):
            day = when.astimezone(self.calendar.zone).date()
            while True:
                if self.calendar.is_working_day(day):
                    end = datetime.combine(day, self.calendar.day_end, tzinfo=self.calendar.zone)
                    if end <= when:
                        when = end - timedelta(minutes=20)
                        break
                day -= timedelta(days=1)
        return self.raise_("open", when, "business_lead", Priority.HIGH, "hosting")
