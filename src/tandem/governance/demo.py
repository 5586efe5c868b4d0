"""The parties of the demo organisation and the RACI matrices of two of its initiatives.

Northwind works with five parties of different kinds: Cloudline (its cloud provider; the demo's
partner-side person is its account manager, and its hosting contract nears its notice date),
RouteWise (the route-planning software), Bridgework (an integrator whose contract has run out),
Northpoint (a consultancy) and the internal Platform team. *Live shipment tracking* has a valid
matrix (with a warning: the architect is accountable for much of it); *Dynamic route optimisation*
has an invalid one — two parties accountable for the build, nobody doing the requirements, and
Bridgework responsible without a contract in force. Written through the services; the words
(descriptions, contributions) are in ``demo_nl`` for the Dutch demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from tandem.core.demo import demo_content
from tandem.core.models import Membership, Organization
from tandem.governance import services
from tandem.governance.models import Party, PartyKind, RaciColumn, Renewal
from tandem.strategy.models import Initiative, Objective


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


def seed(*, org: Organization, people: dict[str, Membership], language: str = "en") -> None:
    """Give the demo organisation its parties, contracts, contributions and two RACI matrices;
    an organisation that has parties already is left as it is."""
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
