"""The demo portfolio of Northwind Logistics: shared goals, key results with a quarter of
check-ins, and initiatives in every stage, some exemplary and some that fail the approval gate.

Everything is written through ``tandem.strategy.services``, so the audit trail, the stage
timelines and the IT-involvement record are the real ones. Afterwards a few timestamps are moved
into the past (creation times, the timeline's dates) so the demo reads like a quarter of work
rather than one second of it. The data is deterministic: same day, same demo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.core.demo import demo_content
from tandem.core.models import Department, Membership, Organization
from tandem.strategy import services
from tandem.strategy.models import (
    Initiative,
    KeyResult,
    Objective,
    ObjectiveStatus,
    Outcome,
    Stage,
    Transition,
    quarter_bounds,
)
from tandem.strategy.progress import Direction

WEEKS = 13  # a quarter of weekly check-ins


@dataclass(frozen=True)
class KeyResultSpec:
    key: str
    metric: str
    unit: str
    direction: str
    baseline: float
    target: float
    # Share of the way from baseline to target covered by the latest check-in.
    reached: float
    confidence: tuple[int, int]  # at the first and at the latest check-in
    notes: dict[int, str] = field(default_factory=dict)  # week index (0 = oldest) -> note
    band: tuple[float, float] | None = None
    digits: int = 0
    wobble: float = 0.0  # noise, as a share of |target - baseline|
    silent_weeks: int = 0  # no check-in for the last N weeks (3 or more makes it stale)


@dataclass(frozen=True)
class ObjectiveSpec:
    title: str
    description: str
    business_owner: str
    it_owner: str
    key_results: tuple[KeyResultSpec, ...]


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    baseline: float | None
    target: float | None
    unit: str
    by_days: int | None = None  # days from today
    key_result: str = ""


@dataclass(frozen=True)
class Step:
    stage: str
    days_ago: int
    reason: str = ""
    actor: str = ""  # default: the sponsor approves, pauses and cancels; the business co-lead moves
    outcome: str = ""
    lessons: str = ""


@dataclass(frozen=True)
class InitiativeSpec:
    title: str
    summary: str
    outcome: str
    success: str
    business_co_lead: str | None
    it_co_lead: str | None
    sponsor: str
    created_by: str
    created_days_ago: int
    budget: int | None
    start: int  # days from today
    target: int
    departments: tuple[str, ...]
    end_users: tuple[str, int, str] | None = None  # who, days ago, what they said
    waiver: str = ""
    measures: tuple[MeasureSpec, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # key result key, expected contribution
    steps: tuple[Step, ...] = ()
    # The gate demands an IT co-lead before approval, so every initiative approved inside
    # Tandem has IT involved by the proposal at the latest. These two were approved before the
    # organisation adopted the gate; their record shows when IT really joined.
    it_joined_late: str = ""


OBJECTIVES = (
    ObjectiveSpec(
        "Deliver on time, every time",
        "Customers judge us first on arriving in the promised window. Planning, the warehouses "
        "and IT work on it together, measured on the same dashboard.",
        business_owner="owner",
        it_owner="it_lead",
        key_results=(
            KeyResultSpec(
                "otd",
                "On-time delivery rate",
                "%",
                Direction.INCREASE,
                88,
                95,
                reached=0.55,
                confidence=(7, 6),
                digits=1,
                wobble=0.12,
                notes={
                    0: "Baseline from the September planning report.",
                    4: "Two hubs short of drivers during the autumn holidays.",
                    8: "Better after the re-planning window moved to 06:00.",
                    12: "Peak season starts: holding, but no slack left.",
                },
            ),
            KeyResultSpec(
                "dock",
                "Average dock-to-dispatch time",
                "hours",
                Direction.DECREASE,
                6.5,
                4.0,
                reached=0.7,
                confidence=(6, 8),
                digits=1,
                wobble=0.08,
                notes={
                    2: "Dock appointments now mandatory for all carriers.",
                    7: "Venlo down to 4.6 h; Rotterdam lags.",
                    12: "On track.",
                },
            ),
            KeyResultSpec(
                "utilisation",
                "Warehouse utilisation at Venlo",
                "%",
                Direction.WITHIN,
                91,
                85,
                band=(80, 88),
                reached=0.8,
                confidence=(5, 7),
                digits=0,
                wobble=0.15,
                notes={
                    0: "Over capacity: overflow stock in rented trailers.",
                    6: "Slow movers moved to the Tilburg overflow site.",
                    12: "Inside the band for three weeks.",
                },
            ),
        ),
    ),
    ObjectiveSpec(
        "Become the carrier of choice for web shops",
        "E-commerce is where the volume grows. Win web shops with fast onboarding and easy "
        "returns, not with discounts.",
        business_owner="business_lead",
        it_owner="it_admin",
        key_results=(
            KeyResultSpec(
                "new_shippers",
                "New e-commerce shippers live",
                "shippers",
                Direction.INCREASE,
                0,
                25,
                reached=0.6,
                confidence=(6, 7),
                notes={
                    3: "First three shops live through the self-service portal.",
                    9: "Black Friday rush: shops want to switch before the peak.",
                    12: "Pipeline of 14 shops in trial.",
                },
            ),
            KeyResultSpec(
                "onboarding",
                "Days to onboard a new shipper",
                "days",
                Direction.DECREASE,
                21,
                5,
                reached=0.75,
                confidence=(5, 8),
                wobble=0.05,
                notes={
                    0: "Measured over the last ten onboardings.",
                    5: "Self-service portal delivered; API keys issued automatically.",
                    12: "Label tests are now the slowest step.",
                },
            ),
        ),
    ),
    ObjectiveSpec(
        "Customers get answers without having to call us",
        "Most calls to customer service ask where a shipment is. Give customers that answer "
        "before they need to ask, and free agents for the cases that need a person.",
        business_owner="business_member",
        it_owner="it_member",
        key_results=(
            KeyResultSpec(
                "wismo",
                "'Where is my parcel' calls per 1,000 shipments",
                "calls",
                Direction.DECREASE,
                42,
                20,
                reached=0.45,
                confidence=(6, 7),
                digits=1,
                wobble=0.1,
                notes={
                    1: "Counted from the call-centre tags, all hubs.",
                    6: "Tracking e-mails live for pallet customers.",
                    12: "Parcel tracking page goes live next sprint.",
                },
            ),
            KeyResultSpec(
                "csat",
                "Customer satisfaction (CSAT)",
                "/5",
                Direction.INCREASE,
                3.9,
                4.4,
                reached=0.4,
                confidence=(6, 5),
                digits=2,
                wobble=0.2,
                notes={
                    4: "Dip after the sorting-line outage in Rotterdam.",
                    12: "Recovering; survey response rate is low (6%).",
                },
            ),
            KeyResultSpec(
                "fcr",
                "Contacts resolved at first contact",
                "%",
                Direction.INCREASE,
                64,
                80,
                reached=0.5,
                confidence=(7, 7),
                wobble=0.1,
                notes={
                    3: "Agents can now see the driver's scan history.",
                    12: "Halfway there.",
                },
            ),
        ),
    ),
    ObjectiveSpec(
        "Lower the cost to serve",
        "Margins in road freight are thin. Cut fuel, get paid faster and keep IT's running "
        "costs predictable, without cutting service.",
        business_owner="finance_lead",
        it_owner="it_admin",
        key_results=(
            KeyResultSpec(
                "fuel",
                "Fuel cost per 100 km",
                "EUR",
                Direction.DECREASE,
                38.5,
                34.0,
                reached=0.3,
                confidence=(6, 4),
                digits=2,
                wobble=0.15,
                silent_weeks=3,
                notes={
                    0: "From fuel-card statements, whole fleet.",
                    5: "Diesel price up 4% this month.",
                    9: "Telematics export broken since the fleet system update; readings paused.",
                },
            ),
            KeyResultSpec(
                "dso",
                "Days sales outstanding",
                "days",
                Direction.DECREASE,
                52,
                45,
                reached=0.35,
                confidence=(7, 6),
                wobble=0.1,
                notes={
                    2: "Three large customers still pay by paper invoice.",
                    10: "E-invoicing pilot with two customers.",
                },
            ),
            KeyResultSpec(
                "it_cost",
                "IT run cost as a share of revenue",
                "%",
                Direction.WITHIN,
                3.4,
                3.0,
                band=(2.8, 3.2),
                reached=0.6,
                confidence=(6, 7),
                digits=2,
                wobble=0.1,
                notes={
                    0: "Double running costs during the data-centre exit.",
                    8: "Old storage contract ended.",
                    12: "Inside the band.",
                },
            ),
        ),
    ),
)

SILOED = ObjectiveSpec(
    "Migrate to the new cloud platform",
    "Move every workload out of the Eindhoven data centre before its contract ends in June.",
    business_owner="",
    it_owner="it_admin",
    key_results=(
        KeyResultSpec(
            "migrated",
            "Workloads running on Cloudline",
            "workloads",
            Direction.INCREASE,
            0,
            40,
            reached=0.25,
            confidence=(7, 7),
        ),
    ),
)

# The check-ins of the siloed objective's key result: (weeks ago, value, note).
MIGRATED_NOTES = (
    (3, 4, "Test and staging moved."),
    (1, 10, "Mail and file servers moved."),
)

INITIATIVES = (
    # --- Exemplary: every signal green ------------------------------------------------------
    InitiativeSpec(
        "Live shipment tracking for customers",
        "A tracking page and e-mail or text notifications with a live arrival time for every "
        "parcel and pallet.",
        "Customers stop calling to ask where their shipment is, so service agents can spend "
        "their time on real problems.",
        "'Where is my parcel' calls halve within two months of launch and most recipients use "
        "the tracking link.",
        business_co_lead="business_member",
        it_co_lead="it_lead",
        sponsor="owner",
        created_by="business_member",
        created_days_ago=100,
        budget=420_000,
        start=-75,
        target=40,
        departments=("Customer Service", "Operations", "IT"),
        end_users=(
            "22 consignees and 8 call-centre agents (interviews and call listening)",
            95,
            "Recipients want a two-hour delivery window, not a day, and a text when the driver "
            "is 30 minutes away. Agents spend a third of their day on status questions.",
        ),
        measures=(
            MeasureSpec("'Where is my parcel' calls per 1,000 shipments", 42, 20, "calls", 60, "wismo"),
            MeasureSpec("Recipients opening the tracking link", 0, 70, "%", 60),
        ),
        links=(
            ("wismo", "The main lever: a reliable arrival time answers the call before it is made."),
            ("csat", "Fewer surprises at the door."),
        ),
        steps=(
            Step(Stage.PROPOSED, 88),
            Step(Stage.APPROVED, 80, "Approved by the steering committee."),
            Step(Stage.IN_DELIVERY, 75, "Kick-off with the delivery team."),
        ),
    ),
    InitiativeSpec(
        "Dynamic route optimisation",
        "Plan and re-plan routes on live traffic, order changes and driver hours instead of "
        "yesterday's fixed plan.",
        "More deliveries arrive in the promised window while trucks drive fewer kilometres.",
        "On-time rate at 95% and fuel cost per 100 km below EUR 35 within two quarters of roll-out.",
        business_co_lead="owner",
        it_co_lead="it_admin",
        sponsor="owner",
        created_by="owner",
        created_days_ago=50,
        budget=680_000,
        start=10,
        target=180,
        departments=("Operations", "IT"),
        end_users=(
            "Planners at the Rotterdam and Venlo hubs and 12 drivers",
            40,
            "Planners re-plan by hand for an hour every morning; drivers want fewer changes once "
            "they have left the depot.",
        ),
        measures=(
            MeasureSpec("On-time delivery rate", 88, 95, "%", 180, "otd"),
            MeasureSpec("Fuel cost per 100 km", 38.5, 35, "EUR", 180, "fuel"),
        ),
        links=(
            ("otd", "Better stop sequencing and live re-planning around traffic."),
            ("fuel", "Fewer empty and detour kilometres."),
        ),
        steps=(
            Step(Stage.PROPOSED, 30),
            Step(Stage.APPROVED, 6, "Business case accepted; vendor shortlist of three."),
        ),
    ),
    InitiativeSpec(
        "Self-service onboarding for new shippers",
        "A portal where a web shop signs the contract, gets its API keys and tests its labels "
        "without waiting for a sales engineer.",
        "Web shops can start shipping with us in days instead of weeks.",
        "A new shipper is live within five working days; most onboard without help.",
        business_co_lead="business_lead",
        it_co_lead="it_member",
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=180,
        budget=240_000,
        start=-150,
        target=-10,
        departments=("Sales", "IT"),
        end_users=(
            "Six web shops onboarded last year and two sales engineers",
            170,
            "The paperwork was fine; waiting for API keys and label tests took two weeks.",
        ),
        measures=(
            MeasureSpec("Days to onboard a new shipper", 21, 5, "days", 30, "onboarding"),
            MeasureSpec("Shippers onboarded without a sales engineer", 0, 80, "%", 90),
        ),
        links=(
            ("onboarding", "Removes the manual set-up steps."),
            ("new_shippers", "Lowers the barrier for small web shops."),
        ),
        steps=(
            Step(Stage.PROPOSED, 165),
            Step(Stage.APPROVED, 155, "Approved; funded from the e-commerce budget."),
            Step(Stage.IN_DELIVERY, 150),
            Step(Stage.DELIVERED, 8, "Live for all new shippers; accepted by Sales."),
        ),
    ),
    InitiativeSpec(
        "Returns labels for web-shop customers",
        "Printable and QR-code return labels that web shops offer their customers, with "
        "drop-off at partner parcel points.",
        "Web shops can offer easy returns through us: the most common reason shops gave for "
        "choosing a competitor.",
        "Ten new web shops won with returns as a deciding factor this quarter.",
        business_co_lead="business_lead",
        it_co_lead="it_member",
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=25,
        budget=65_000,
        start=20,
        target=110,
        departments=("Sales", "Customer Service", "IT"),
        end_users=(
            "Four web shops we lost to competitors and a survey of 310 consumers",
            20,
            "Shops want QR-code labels without a printer; consumers want a drop-off point within 2 km.",
        ),
        measures=(MeasureSpec("New web shops won on returns", 0, 10, "shippers", 100, "new_shippers"),),
        links=(("new_shippers", "Removes the most common reason for losing a deal."),),
        steps=(Step(Stage.PROPOSED, 5),),
    ),
    InitiativeSpec(
        "Dock appointment scheduling",
        "Carriers book a dock slot online; the gate sees who is coming and when.",
        "Trucks arrive when a dock is free: shorter waits at the gate and a faster dock-to-dispatch time.",
        "Waiting time at the gate under 20 minutes; dock-to-dispatch under 5 hours.",
        business_co_lead="owner",
        it_co_lead="it_lead",
        sponsor="owner",
        created_by="owner",
        created_days_ago=300,
        budget=95_000,
        start=-260,
        target=-120,
        departments=("Operations", "IT"),
        end_users=(
            "Dispatchers of five carriers and the Venlo gate staff",
            290,
            "Carriers would book online if slots were guaranteed; gate staff want one screen "
            "instead of three.",
        ),
        measures=(
            MeasureSpec("Average waiting time at the gate", 55, 20, "minutes", -120),
            MeasureSpec("Average dock-to-dispatch time", 6.5, 5, "hours", -60, "dock"),
        ),
        links=(("dock", "Trucks are loaded as soon as they arrive."),),
        steps=(
            Step(Stage.PROPOSED, 280),
            Step(Stage.APPROVED, 270),
            Step(Stage.IN_DELIVERY, 260),
            Step(Stage.DELIVERED, 125, "Live at both hubs."),
            Step(
                Stage.CLOSED,
                60,
                "Targets met for two months running.",
                outcome=Outcome.YES,
                lessons="Piloting at one hub first paid off: the carriers' feedback from Venlo "
                "shaped the booking rules before the roll-out. Involve the carriers' dispatchers "
                "from the first workshop next time.",
            ),
        ),
    ),
    # --- Closed with mixed results -----------------------------------------------------------
    InitiativeSpec(
        "Customer service chatbot",
        "A chatbot on the website and in the customer portal for routine questions.",
        "Routine questions are answered around the clock, so agents have time for complex cases.",
        "The bot resolves 30% of contacts without an agent.",
        business_co_lead="business_member",
        it_co_lead="it_member",
        sponsor="owner",
        created_by="business_member",
        created_days_ago=245,
        budget=120_000,
        start=-220,
        target=-90,
        departments=("Customer Service", "IT"),
        end_users=(
            "Call-centre agents and 150 customers through a website poll",
            240,
            "Customers accept a bot for tracking questions, not for damage claims.",
        ),
        measures=(MeasureSpec("Contacts resolved by the bot", 0, 30, "%", -60),),
        links=(("wismo", "The bot answers tracking questions."),),
        steps=(
            Step(Stage.PROPOSED, 235),
            Step(Stage.APPROVED, 228),
            Step(Stage.IN_DELIVERY, 220),
            Step(Stage.DELIVERED, 95),
            Step(
                Stage.CLOSED,
                45,
                "Evaluated after three months in use.",
                outcome=Outcome.PARTLY,
                lessons="The bot resolved 18% of contacts, not 30%: it could not see live shipment "
                "data until the tracking project exposes it. Get the data right before adding "
                "channels.",
            ),
        ),
    ),
    InitiativeSpec(
        "Paperless proof of delivery",
        "Drivers capture the recipient's signature on their handheld; the signed note reaches "
        "billing the same day.",
        "We invoice the day a delivery is made instead of waiting a week for paper notes.",
        "Invoices go out within one day of delivery.",
        business_co_lead="finance_lead",
        it_co_lead="it_lead",
        sponsor="finance_lead",
        created_by="finance_lead",
        created_days_ago=350,
        budget=180_000,
        start=-330,
        target=-150,
        departments=("Finance", "Operations", "IT"),
        end_users=(
            "15 drivers and the billing team",
            345,
            "Billing wants the signed note the same day; drivers worry about signing on a phone in the rain.",
        ),
        measures=(MeasureSpec("Days from delivery to invoice", 7, 1, "days", -150, "dso"),),
        links=(("dso", "Earlier invoices, earlier payments."),),
        steps=(
            Step(Stage.PROPOSED, 340),
            Step(Stage.APPROVED, 335),
            Step(Stage.IN_DELIVERY, 330),
            Step(Stage.DELIVERED, 160),
            Step(
                Stage.CLOSED,
                100,
                "Stopped after the winter evaluation.",
                outcome=Outcome.NO,
                lessons="Signature capture failed in the cold and on older handhelds, so drivers "
                "kept paper notes as a back-up and billing waited for them anyway. The drivers "
                "told us at the start; test on their real devices, in winter, before building.",
            ),
        ),
    ),
    # --- Paused and cancelled ----------------------------------------------------------------
    InitiativeSpec(
        "Picking robots pilot at Venlo",
        "Autonomous mobile robots bring totes to the pickers on the long aisles.",
        "Pick more order lines per hour during the peak without hiring temporary staff.",
        "140 order lines per picker-hour in the pilot zone.",
        business_co_lead="owner",
        it_co_lead="it_lead",
        sponsor="finance_lead",
        created_by="owner",
        created_days_ago=80,
        budget=850_000,
        start=30,
        target=240,
        departments=("Operations", "IT"),
        end_users=(
            "Pickers and shift leaders at Venlo",
            70,
            "Shift leaders want robots on the long walking routes; pickers worry about safety zones.",
        ),
        measures=(MeasureSpec("Order lines picked per hour", 95, 140, "lines/h", 240),),
        links=(("dock", "Faster picking shortens dock-to-dispatch."),),
        steps=(
            Step(Stage.PROPOSED, 60),
            Step(Stage.APPROVED, 45),
            Step(
                Stage.PAUSED,
                12,
                "Budget frozen until the January review: warehouse volume fell 12% after a major "
                "retail client left.",
            ),
        ),
    ),
    InitiativeSpec(
        "In-house fleet telematics platform",
        "Build our own platform for truck positions, driving style and fuel use.",
        "Know where every truck is and how it is driven, to cut fuel use.",
        "Fuel cost per 100 km down by EUR 3.",
        business_co_lead="owner",
        it_co_lead="it_admin",
        sponsor="it_admin",
        created_by="it_admin",
        created_days_ago=120,
        budget=300_000,
        start=-60,
        target=120,
        departments=("Operations", "IT"),
        waiver="Infrastructure choice; the drivers' view is covered by the route-optimisation interviews.",
        measures=(MeasureSpec("Fuel cost per 100 km", 38.5, 35.5, "EUR", 180, "fuel"),),
        links=(("fuel", "Driving-style coaching from the data."),),
        steps=(
            Step(Stage.PROPOSED, 100),
            Step(
                Stage.CANCELLED,
                85,
                "Cloudline's fleet service covers 90% of the need for a monthly fee; building our "
                "own is not worth it.",
            ),
        ),
    ),
    # --- Late IT involvement (approved before the gate existed) -------------------------------
    InitiativeSpec(
        "E-invoicing for all customers",
        "Structured e-invoices (UBL over Peppol) with the shipment reference on every line.",
        "Customers process our invoices automatically, so they pay faster and dispute less.",
        "Days sales outstanding down to 45; disputed invoices halved.",
        business_co_lead="finance_lead",
        it_co_lead="it_member",
        sponsor="finance_lead",
        created_by="finance_lead",
        created_days_ago=130,
        budget=140_000,
        start=-100,
        target=45,
        departments=("Finance", "IT"),
        end_users=(
            "Accounts-payable teams of eight large customers",
            125,
            "They want Peppol invoices with the shipment reference on every line.",
        ),
        measures=(MeasureSpec("Days sales outstanding", 52, 45, "days", 90, "dso"),),
        links=(("dso", "Invoices that are processed without manual checks get paid sooner."),),
        steps=(
            Step(Stage.PROPOSED, 120),
            Step(Stage.APPROVED, 110),
            Step(
                Stage.IN_DELIVERY,
                100,
                "Finance started with the ERP vendor; IT joined when the Peppol connection had to be built.",
            ),
        ),
        it_joined_late=Stage.IN_DELIVERY,
    ),
    InitiativeSpec(
        "Weekly commission statements for sales reps",
        "A dashboard that shows each rep the commission earned on signed contracts, weekly.",
        "Sales reps steer on margin instead of volume because they see what each deal earns them.",
        "Average margin on new contracts from 8% to 11%.",
        business_co_lead="business_lead",
        it_co_lead="it_lead",
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=60,
        budget=35_000,
        start=14,
        target=75,
        departments=("Sales", "Finance", "IT"),
        end_users=(
            "Twelve sales reps",
            55,
            "They learn their commission only at the end of the quarter and do not trust the spreadsheet.",
        ),
        measures=(MeasureSpec("Average margin on new contracts", 8, 11, "%", 180),),
        links=(("new_shippers", "Rewards bringing in profitable web shops."),),
        steps=(
            Step(Stage.PROPOSED, 40),
            Step(Stage.APPROVED, 20, "Approved by the sales board; IT asked to build it afterwards."),
        ),
        it_joined_late=Stage.APPROVED,
    ),
    # --- Waiting at the gate, each missing something else --------------------------------------
    InitiativeSpec(
        "Key-account CRM",
        "Replace the account spreadsheets and shared Outlook folders with a CRM.",
        "",  # no business outcome: "we need a CRM" is a solution, not a why
        "",
        business_co_lead="business_lead",
        it_co_lead="it_admin",
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=15,
        budget=150_000,
        start=45,
        target=200,
        departments=("Sales",),
        end_users=(
            "Five key-account managers",
            12,
            "They lose track of who talked to whom at large customers.",
        ),
    ),
    InitiativeSpec(
        "Driver app refresh",
        "A faster driver app with bigger buttons and offline scanning.",
        "Drivers spend less time on the app and more time delivering, and scans are no longer "
        "lost in dead zones.",
        "Drivers like the new app.",
        business_co_lead="owner",
        it_co_lead="it_member",
        sponsor="owner",
        created_by="it_member",
        created_days_ago=35,
        budget=110_000,
        start=30,
        target=150,
        departments=("Operations", "IT"),
        end_users=(
            "The drivers' council (nine drivers)",
            30,
            "The app is slow to start and the scan button is too small to hit with gloves on.",
        ),
        measures=(MeasureSpec("Drivers satisfied with the app", None, None, ""),),  # no target
        links=(("otd", "Drivers see route changes sooner."),),
        steps=(Step(Stage.PROPOSED, 10),),
    ),
    InitiativeSpec(
        "Spot-freight pricing tool",
        "Sales is trialling a pricing service for urgent one-off loads; IT has not been asked.",
        "Quote spot-freight prices in minutes instead of hours, to win more of the urgent loads "
        "customers ask for.",
        "80% of spot requests quoted within 15 minutes.",
        business_co_lead="business_lead",
        it_co_lead=None,
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=28,
        budget=80_000,
        start=15,
        target=90,
        departments=("Sales",),
        end_users=(
            "The spot-freight desk and three regular spot customers",
            25,
            "Customers give the load to whoever answers first.",
        ),
        measures=(MeasureSpec("Spot requests quoted within 15 minutes", 20, 80, "%", 90),),
        links=(("new_shippers", "Web shops need extra capacity fast during the peak."),),
        steps=(Step(Stage.PROPOSED, 14),),
    ),
    InitiativeSpec(
        "Automated customs declarations",
        "File customs declarations for UK-bound shipments automatically from the order data.",
        "UK-bound trucks clear customs without waiting for manual declarations, and we stop "
        "paying agents per declaration.",
        "90% of declarations filed automatically; agent fees down by EUR 150,000 a year.",
        business_co_lead="finance_lead",
        it_co_lead="it_lead",
        sponsor="finance_lead",
        created_by="finance_lead",
        created_days_ago=45,
        budget=210_000,
        start=30,
        target=160,
        departments=("Finance", "Operations", "IT"),
        measures=(
            MeasureSpec("Declarations filed automatically", 0, 90, "%", 180),
            MeasureSpec("Customs agent fees", 210_000, 60_000, "EUR/year", 365),
        ),
        links=(("otd", "Fewer trucks held at the border."),),
        steps=(Step(Stage.PROPOSED, 20),),
    ),
    InitiativeSpec(
        "Containerise the warehouse management system",
        "Package the warehouse management system in containers so it can run on Cloudline.",
        "The warehouse system can leave the old data centre before its contract ends in June.",
        "Migrated with at most four hours of planned downtime.",
        business_co_lead="owner",
        it_co_lead="it_admin",
        sponsor="it_admin",
        created_by="it_admin",
        created_days_ago=20,
        budget=260_000,
        start=40,
        target=190,
        departments=("Operations", "IT"),
        waiver="A back-end change: warehouse staff will see no difference.",
        measures=(MeasureSpec("Planned downtime during the move", None, 4, "hours", 190),),
        links=(("migrated", "The largest workload still in the data centre."),),
    ),
    InitiativeSpec(
        "Wi-Fi upgrade in the Venlo warehouse",
        "New access points for the high-rack aisles 30 to 48.",
        "Scanners stop dropping the connection in the high racks, which costs pickers several "
        "minutes per shift.",
        "At most one scanner disconnection per shift.",
        business_co_lead=None,
        it_co_lead="it_admin",
        sponsor="it_admin",
        created_by="it_admin",
        created_days_ago=10,
        budget=45_000,
        start=21,
        target=60,
        departments=("Operations", "IT"),
        end_users=(
            "Pickers and the Venlo shift leaders",
            8,
            "Dead spots in the high racks; scanning again after a drop is the daily annoyance.",
        ),
        measures=(MeasureSpec("Scanner disconnections per shift", 14, 1, "drops", 60),),
    ),
)


def _at(today: date, days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware moment ``days_ago`` days before ``today`` at the given local time."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour, minute)))


def _check_ins(people: dict[str, Membership], kr: KeyResult, spec: KeyResultSpec, owners: list[str]) -> None:
    """A weekly reading for a quarter, trending toward ``spec.reached`` with some noise."""
    today = timezone.localdate()
    span = abs(spec.target - spec.baseline)
    last = WEEKS - 1
    for week in range(WEEKS - spec.silent_weeks):
        share = spec.reached * (week / last) ** 0.9
        if week:
            share += spec.wobble * math.sin(1.7 * week + len(spec.key))
        value = spec.baseline + (spec.target - spec.baseline) * share
        if not span:
            value = spec.baseline
        confidence = spec.confidence[0] + (spec.confidence[1] - spec.confidence[0]) * week / last
        confidence += 0.6 * math.sin(0.9 * week + len(spec.metric))
        services.check_in_create(
            actor=people[owners[week % len(owners)]],
            key_result=kr,
            value=round(value, spec.digits),
            confidence=max(0, min(10, round(confidence))),
            note=spec.notes.get(week, ""),
            at=_at(today, 1 + 7 * (last - week), 9, 30),
        )


def _objective(
    org: Organization,
    people: dict[str, Membership],
    spec: ObjectiveSpec,
    *,
    period: tuple[date, date],
    status: str,
    key_results: dict[str, KeyResult],
    created_days_ago: int,
) -> Objective:
    today = timezone.localdate()
    owners = [key for key in (spec.business_owner, spec.it_owner) if key]
    objective = services.objective_create(
        actor=people[owners[0]],
        title=spec.title,
        description=spec.description,
        period_start=period[0],
        period_end=period[1],
        business_owner=people[spec.business_owner] if spec.business_owner else None,
        it_owner=people[spec.it_owner],
        status=status,
    )
    Objective.objects.for_org(org).filter(pk=objective.pk).update(
        created_at=_at(today, created_days_ago, 9), updated_at=_at(today, created_days_ago, 9)
    )
    for kr_spec in spec.key_results:
        band = kr_spec.band or (None, None)
        kr = services.key_result_create(
            actor=people[owners[-1]],
            objective=objective,
            metric=kr_spec.metric,
            unit=kr_spec.unit,
            direction=kr_spec.direction,
            baseline=kr_spec.baseline,
            target=kr_spec.target,
            band_min=band[0],
            band_max=band[1],
            due_date=period[1],
        )
        KeyResult.objects.for_org(org).filter(pk=kr.pk).update(created_at=_at(today, created_days_ago, 9, 15))
        kr.refresh_from_db()
        key_results[kr_spec.key] = kr
    return objective


def _initiative(
    org: Organization,
    people: dict[str, Membership],
    departments: dict[str, Department],
    key_results: dict[str, KeyResult],
    spec: InitiativeSpec,
) -> Initiative:
    today = timezone.localdate()
    creator = people[spec.created_by]
    end_users = spec.end_users or ("", None, "")
    initiative = services.initiative_create(
        actor=creator,
        title=spec.title,
        summary=spec.summary,
        business_outcome=spec.outcome,
        definition_of_success=spec.success,
        business_co_lead=people[spec.business_co_lead] if spec.business_co_lead else None,
        it_co_lead=people[spec.it_co_lead] if spec.it_co_lead else None,
        sponsor=people[spec.sponsor],
        budget_amount=Decimal(spec.budget) if spec.budget is not None else None,
        budget_currency="EUR",
        start_date=today + timedelta(days=spec.start),
        target_date=today + timedelta(days=spec.target),
        departments=[departments[name] for name in spec.departments],
        end_user_input_who=end_users[0],
        end_user_input_when=today - timedelta(days=end_users[1]) if end_users[1] is not None else None,
        end_user_input_summary=end_users[2],
        end_user_input_waiver=spec.waiver,
    )
    for measure in spec.measures:
        services.success_measure_add(
            actor=creator,
            initiative=initiative,
            name=measure.name,
            baseline=measure.baseline,
            target=measure.target,
            unit=measure.unit,
            by_date=today + timedelta(days=measure.by_days) if measure.by_days is not None else None,
            key_result=key_results[measure.key_result] if measure.key_result else None,
        )
    for key, contribution in spec.links:
        services.key_result_link_add(
            actor=creator, initiative=initiative, key_result=key_results[key], contribution=contribution
        )
    mover = spec.business_co_lead or spec.created_by
    for step in spec.steps:
        decides = step.stage in (Stage.APPROVED, Stage.PAUSED, Stage.CANCELLED, Stage.CLOSED)
        actor = people[step.actor or (spec.sponsor if decides else mover)]
        services.initiative_transition(
            actor=actor,
            initiative=initiative,
            to=step.stage,
            reason=step.reason,
            outcome_achieved=step.outcome,
            lessons_learned=step.lessons,
        )
    # Spread the timeline over the weeks it took, in the order it happened.
    moments = [_at(today, spec.created_days_ago, 9, 0)] + [
        _at(today, step.days_ago, 11, 0) for step in spec.steps
    ]
    transitions = list(Transition.objects.for_org(org).filter(initiative=initiative).order_by("id"))
    for transition, moment in zip(transitions, moments, strict=True):
        transition.created_at = moment
    Transition.objects.for_org(org).bulk_update(transitions, ["created_at"])
    changes: dict[str, object] = {"created_at": moments[0], "updated_at": moments[-1]}
    if spec.it_joined_late:
        changes["it_involved_stage"] = spec.it_joined_late
    Initiative.objects.for_org(org).filter(pk=initiative.pk).update(**changes)
    return initiative


def seed(*, org: Organization, people: dict[str, Membership], language: str = "en") -> None:
    """Give the demo organisation its objectives, key results, check-ins and initiatives, in
    ``language`` (the Dutch content is in ``demo_nl``)."""
    content = demo_content(__name__, language)
    today = timezone.localdate()
    quarter = quarter_bounds(today.year, (today.month - 1) // 3 + 1)
    departments = {d.name: d for d in Department.objects.for_org(org)}
    key_results: dict[str, KeyResult] = {}
    for spec in content.OBJECTIVES:
        _objective(
            org,
            people,
            spec,
            period=quarter,
            status=ObjectiveStatus.ACTIVE,
            key_results=key_results,
            created_days_ago=7 * WEEKS,
        )
        for kr_spec in spec.key_results:
            owners = [spec.it_owner, spec.business_owner]
            _check_ins(people, key_results[kr_spec.key], kr_spec, owners)
    # The siloed objective: IT's own plan, still a draft, with a business owner nobody named.
    _objective(
        org,
        people,
        content.SILOED,
        period=(quarter[0], date(quarter[0].year + 1, 6, 30)),
        status=ObjectiveStatus.DRAFT,
        key_results=key_results,
        created_days_ago=30,
    )
    migrated = key_results["migrated"]
    for weeks_ago, value, note in content.MIGRATED_NOTES:
        services.check_in_create(
            actor=people["it_admin"],
            key_result=migrated,
            value=value,
            confidence=7,
            note=note,
            at=_at(today, 2 + 7 * weeks_ago, 16, 0),
        )
    for initiative_spec in content.INITIATIVES:
        _initiative(org, people, departments, key_results, initiative_spec)
