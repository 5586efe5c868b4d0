"""Delivery in the demo organisation: what three of Northwind's initiatives promised, when, what
came and whether the business accepted it.

*Self-service onboarding for new shippers* (delivered) slipped but kept its scope: two approved
change requests (one from IT, one from the business) explain its re-plans; the label test was
rejected as "not what we expected", reworked and accepted at its second offer; the contract page
came early; the welcome journey was accepted with remarks and nobody has asked its end users since.
*Live shipment tracking for customers* (in delivery) delivers on time but grows: the business's
change requests push its approved extra budget past the threshold, Cloudline's delay and a
RouteWise slip were re-planned without an approved change request, one deliverable waits for the
business co-lead's decision now, and recipients rated the tracking page and the notifications.
*Dynamic route optimisation* (just approved) has two deliverables ahead, a deferred change
request and a budget raised after its approval without one: an unexplained change.

Each initiative's baseline is the one its approval took (the strategy app's hook); for the first two
it is the plan before their approved change requests, which then move budget and target date to
the figures of the strategy demo, so the portfolio reads the same with or without delivery.
Everything is written through ``tandem.delivery.services`` (and ``strategy.services`` for the
unexplained move); afterwards each row's moments are moved to the working day it happened, as the
strategy demo does, so the story spans half a year. The words are in ``demo_nl`` for the Dutch demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from tandem.core.demo import demo_content
from tandem.core.models import Membership, Organization
from tandem.core.services import UNCHANGED
from tandem.delivery import selectors, services
from tandem.delivery.models import (
    Baseline,
    ChangeRequest,
    ChangeStatus,
    Decision,
    Deliverable,
    Feedback,
    FeedbackLink,
    Offer,
    PlanChange,
    RejectionReason,
    Replan,
)
from tandem.governance import demo as governance_demo
from tandem.governance import selectors as governance_selectors
from tandem.governance.calendar import WorkCalendar
from tandem.governance.models import Party
from tandem.strategy import services as strategy_services
from tandem.strategy.models import Initiative, Stage, Transition

# The initiatives, by their index in tandem.strategy.demo.INITIATIVES.
TRACKING = 0  # Live shipment tracking for customers: in delivery
ROUTES = 1  # Dynamic route optimisation: approved
ONBOARDING = 2  # Self-service onboarding for new shippers: delivered


@dataclass(frozen=True)
class ReplanSpec:
    days: int  # when it was recorded, days from today
    to: int  # the new due date, days from today
    reason: str
    asked_by: str  # a demo person's key
    change: str = ""  # the approved change request behind it (its key); none: unexplained
    criteria: tuple[str, ...] = ()  # acceptance criteria the change added


@dataclass(frozen=True)
class OfferSpec:
    day: int  # offered on, days from today
    by: str
    note: str
    decision: str = ""  # a Decision; none: awaiting the business co-lead's decision now
    after: int = 1  # the decision this many days after the offer
    remarks: str = ""
    reason: str = ""  # a RejectionReason
    failed: tuple[int, ...] = ()  # the criteria not met, by position


@dataclass(frozen=True)
class FeedbackSpec:
    day: int  # submitted on, days from today
    rating: int
    comment: str = ""
    name: str = ""


@dataclass(frozen=True)
class DeliverableSpec:
    key: str
    initiative: int
    title: str
    description: str
    owner: str  # a party's key, or "@" and a demo person's key
    created: int  # days from today
    committed: int  # the first committed date, days from today
    criteria: tuple[str, ...]
    replans: tuple[ReplanSpec, ...] = ()
    offers: tuple[OfferSpec, ...] = ()
    recipients: tuple[str, ...] = ()  # end users the feedback link went to
    feedback: tuple[FeedbackSpec, ...] = ()


@dataclass(frozen=True)
class ChangeSpec:
    key: str
    initiative: int
    title: str
    reason: str
    scope: str
    asked_by: str
    created: int  # days from today
    budget: int
    days: int
    deliverable: str = ""  # a deliverable's key
    decision: str = ""  # a ChangeStatus; none: awaiting a decision
    decided_by: str = ""
    decided: int = 0  # days from today
    decision_reason: str = ""


@dataclass(frozen=True)
class PlanMove:
    """A budget or target-date move made straight on the initiative, without a change request."""

    initiative: int
    actor: str
    day: int  # days from today
    budget: int = 0
    days: int = 0


PLAN_MOVES = (
    # The licence quote came in higher after the approval; the budget was raised on the spot.
    PlanMove(ROUTES, "it_admin", -2, budget=48_000),
)

A, B, C = ONBOARDING, TRACKING, ROUTES

DELIVERABLES = (
    # --- Self-service onboarding for new shippers ------------------------------------------------
    DeliverableSpec(
        "contract",
        A,
        "Contract signing in the portal",
        "Web shops choose a rate card, sign the standard contract online and receive the "
        "countersigned copy by e-mail.",
        "platform",
        created=-148,
        committed=-120,
        criteria=(
            "A web shop can choose a rate card and sign the contract without help from Sales",
            "The countersigned contract arrives by e-mail within five minutes",
            "Sales sees every signed contract in its overview the same day",
            "Signing works on a phone as well as on a laptop",
        ),
        offers=(
            OfferSpec(
                -124,
                "it_member",
                "Ready early: the e-signing service needed no custom work.",
                Decision.ACCEPTED,
            ),
        ),
        feedback=(
            FeedbackSpec(
                -119, 5, "Signed on my phone between two customers. Two minutes, done.", "Mila Verhoef"
            ),
            FeedbackSpec(
                -112, 4, "Easy, but it took me a while to find the rate card for parcels under 2 kg."
            ),
            FeedbackSpec(-103, 5),
        ),
    ),
    DeliverableSpec(
        "api_keys",
        A,
        "API keys for the test and live environments",
        "A shop that has signed gets a test key at once and a live key after its first good test label.",
        "@it_member",
        created=-146,
        committed=-95,
        criteria=(
            "A test key is issued within a minute of signing",
            "The live key is issued automatically after the first accepted test label",
            "Shops can rotate their keys in the portal without calling us",
            "Every key issued or revoked is logged",
        ),
        replans=(
            ReplanSpec(
                -99,
                -86,
                "Keys now expire and rotate every 90 days (approved change request); the key store "
                "needs a week and a half more.",
                "it_member",
                change="rotation",
            ),
        ),
        offers=(
            OfferSpec(
                -86, "it_member", "Including the 90-day rotation and the reminder e-mail.", Decision.ACCEPTED
            ),
        ),
    ),
    DeliverableSpec(
        "labels",
        A,
        "Label test in the portal",
        "Shops make test labels and see at once whether our sorting scanners can read them.",
        "platform",
        created=-140,
        committed=-60,
        criteria=(
            "A shop can make a test label for parcels and for pallets",
            "The portal shows within a minute whether the label passes the scanner check",
            "A label that fails comes with the reason and how to fix it",
        ),
        replans=(
            ReplanSpec(
                -57,
                -40,
                "Rework after the rejection: plug-ins for Shopify and WooCommerce, as the approved "
                "change request agreed.",
                "business_lead",
                change="labels",
                criteria=("Shops on Shopify or WooCommerce make a test label from their own shop system",),
            ),
        ),
        offers=(
            OfferSpec(
                -62,
                "it_member",
                "Upload a label as a PDF or make one in the portal.",
                Decision.REJECTED,
                remarks="We expected shops to test their labels in their own shop system, where they "
                "will print them later: an uploaded PDF tests a different label. The result also came "
                "by e-mail after ten minutes, and the rejected labels did not say why.",
                reason=RejectionReason.NOT_WHAT_WE_EXPECTED,
                failed=(1, 2),
            ),
            OfferSpec(
                -41,
                "it_member",
                "Reworked: plug-ins for Shopify and WooCommerce, the check answers on screen and a "
                "rejected label says why.",
                Decision.ACCEPTED,
            ),
        ),
        recipients=(
            "studio.kraft@example.nl",
            "orders@example.nl",
            "webshop@example.com",
            "noor@example.nl",
            "logistiek@example.nl",
            "d.dewit@example.com",
            "shipping@example.com",
            "info@example.nl",
        ),
        feedback=(
            FeedbackSpec(
                -38,
                5,
                "Tested our labels straight from Shopify in ten minutes. Before, this took two weeks of e-mails.",
                "Daan de Wit",
            ),
            FeedbackSpec(
                -36, 4, "Works with WooCommerce. When the address format is wrong, say which field."
            ),
            FeedbackSpec(-30, 5),
            FeedbackSpec(-24, 3, "We run on Lightspeed, which has no plug-in yet, so we still upload PDFs."),
            FeedbackSpec(-15, 4, "Much faster than sending test labels to a sales engineer.", "Noor Bakker"),
        ),
    ),
    DeliverableSpec(
        "welcome",
        A,
        "Welcome journey for new shippers",
        "The e-mails and short videos that take a new shop from signing to its first pick-up, "
        "written with Sales.",
        "northpoint",
        created=-45,
        committed=-16,
        criteria=(
            "Five welcome e-mails, each with one clear next step",
            "Three how-to videos of two minutes at most: API keys, label test, booking a pick-up",
            "A shop that stalls for three days gets a reminder, and Sales is told",
        ),
        offers=(
            OfferSpec(
                -16,
                "it_member",
                "Texts reviewed by Sales and Legal.",
                Decision.ACCEPTED_WITH_REMARKS,
                after=2,
                remarks="Accepted. The videos still show the old portal colours; Northpoint re-records "
                "them with the next portal release.",
            ),
        ),
    ),
    # --- Live shipment tracking for customers ----------------------------------------------------
    DeliverableSpec(
        "tracking_page",
        B,
        "Tracking page with a live arrival time",
        "A page per shipment, without logging in, showing where the parcel or pallet is and when "
        "it will arrive.",
        "platform",
        created=-74,
        committed=-40,
        criteria=(
            "Opens from the tracking link without logging in",
            "Shows the expected arrival within a 30-minute window once the van has left the depot",
            "The arrival time is updated at least every five minutes",
            "Works on a phone and meets WCAG 2.1 AA",
            "Loads within two seconds at the morning peak",
        ),
        offers=(
            OfferSpec(
                -40,
                "it_lead",
                "Live for every shipment from the Rotterdam and Venlo hubs.",
                Decision.ACCEPTED,
            ),
        ),
        feedback=(
            FeedbackSpec(
                -37,
                5,
                "Saw the van was three stops away and could finish my meeting first. Exactly what I needed.",
            ),
            FeedbackSpec(-35, 4, "Handy. The map is a bit small on my phone."),
            FeedbackSpec(-33, 5, "The arrival time was right to the minute.", "Sandra Koster"),
            FeedbackSpec(
                -30, 2, "The page said 'delivered' while the parcel stayed in the van for another hour."
            ),
            FeedbackSpec(-26, 5),
            FeedbackSpec(-21, 4, "Good, though the window jumped around a bit in the morning."),
            FeedbackSpec(-16, 5, "Our reception finally knows when the pallets arrive.", "Jeroen Smits"),
            FeedbackSpec(-9, 4, "Works well. I would like the link in the text message itself."),
            FeedbackSpec(-3, 5, "Clear and quick. No need to call any more."),
        ),
    ),
    DeliverableSpec(
        "notifications",
        B,
        "E-mail and text notifications",
        "Recipients get an e-mail or a text when their shipment is on its way, with the arrival "
        "window and the tracking link.",
        "@it_member",
        created=-72,
        committed=-24,
        criteria=(
            "A message goes out when the shipment leaves the depot, with the arrival window",
            "Recipients choose e-mail, text or both, and stop the messages with one click",
            "Messages are in the recipient's language: Dutch, French, German or English",
            "At most two messages per shipment unless the arrival window changes",
        ),
        offers=(
            OfferSpec(
                -24,
                "it_member",
                "Tested with the recipients' panel for a week.",
                Decision.ACCEPTED_WITH_REMARKS,
                remarks="Accepted for the launch. Texts to Belgian numbers still arrive in English: "
                "fix it in the next release.",
            ),
        ),
        recipients=(
            "l.peeters@example.com",
            "m.dubois@example.com",
            "annemiek.smit@example.nl",
            "receptie@example.nl",
            "k.yilmaz@example.nl",
            "j.hendriks@example.nl",
            "facilities@example.com",
            "s.koster@example.nl",
            "p.wouters@example.com",
            "inkoop@example.nl",
        ),
        feedback=(
            FeedbackSpec(-21, 5, "The 'on its way' e-mail with the time window is great."),
            FeedbackSpec(-19, 2, "The text came in English. I live in Antwerp and expected Dutch."),
            FeedbackSpec(-17, 4, "Useful, but I got the same e-mail twice."),
            FeedbackSpec(-12, 5),
            FeedbackSpec(-8, 3, "Four messages for one parcel is too many."),
            FeedbackSpec(-4, 4, "Good that I can stop the texts with one click.", "K. Yilmaz"),
        ),
    ),
    DeliverableSpec(
        "driver_text",
        B,
        "'Driver 30 minutes away' text",
        "A text to the recipient when the driver is about 30 minutes away, so someone is at the "
        "door or the dock.",
        "cloudline",
        created=-70,
        committed=-12,
        criteria=(
            "The text arrives 25 to 35 minutes before the driver does",
            "Sent under the sender name Northwind in the Netherlands and in Belgium",
            "At most one such text per delivery",
        ),
        replans=(
            ReplanSpec(
                -14,
                -3,
                "Registering the sender name for Belgian numbers with the mobile operators took two "
                "weeks longer than Cloudline planned.",
                "partner",
            ),
        ),
        offers=(
            OfferSpec(
                -1, "partner", "Sender name registered in both countries; tested on 40 deliveries in Venlo."
            ),
        ),
    ),
    DeliverableSpec(
        "window",
        B,
        "Two-hour delivery window the evening before",
        "The evening before delivery, recipients get a two-hour window worked out from the planned route.",
        "routewise",
        created=-68,
        committed=-10,
        criteria=(
            "The window is sent before 20:00 the evening before delivery",
            "At least 90% of deliveries arrive inside their window",
            "Drivers see the same window on their handheld",
        ),
        replans=(
            ReplanSpec(
                -43,
                4,
                "Recipients can move their delivery to another window (approved change request): the "
                "route is re-planned overnight with their choice.",
                "business_member",
                change="move_window",
                criteria=("Recipients can pick one of three other windows from the evening message",),
            ),
            ReplanSpec(
                -6,
                18,
                "RouteWise's release with the new window model slipped three weeks; the current model "
                "hits the window only 78% of the time.",
                "it_lead",
            ),
        ),
    ),
    DeliverableSpec(
        "agents",
        B,
        "Tracking timeline for call-centre agents",
        "Agents see the same arrival time and every message the recipient got, so they give the "
        "same answer as the tracking page.",
        "@business_member",
        created=-30,
        committed=30,
        criteria=(
            "Agents see the arrival time and the messages sent in the customer-service screen",
            "Call scripts updated for 'where is my parcel' calls",
            "All 40 agents trained before the peak season",
        ),
    ),
    # --- Dynamic route optimisation --------------------------------------------------------------
    DeliverableSpec(
        "engine",
        C,
        "Route-planning engine connected to orders and planning",
        "RouteWise's engine receives orders, vehicles and driver hours from our systems every "
        "morning and returns the routes.",
        "routewise",
        created=-4,
        committed=55,
        criteria=(
            "Orders, vehicles and driver hours reach the engine by 05:00 every working day",
            "The planned routes are back in the planning system by 06:00",
            "Planners can still change a route by hand",
            "A failed import alerts the planners and RouteWise's support desk",
        ),
    ),
    DeliverableSpec(
        "pilot",
        C,
        "Live re-planning pilot at the Venlo hub",
        "For six weeks the Venlo planners re-plan routes during the day on live traffic and order changes.",
        "@owner",
        created=-4,
        committed=110,
        criteria=(
            "Every Venlo route re-planned on live traffic for six weeks",
            "Drivers get at most two route changes after leaving the depot",
            "On-time rate and fuel per 100 km compared with Rotterdam every week",
        ),
    ),
)

CHANGES = (
    ChangeSpec(
        "rotation",
        A,
        "Rotate API keys every 90 days",
        "The security review of the portal found that keys never expire: a leaked key would let "
        "anyone book shipments in a shop's name.",
        "Adds key expiry, rotation in the portal and a reminder e-mail 14 days before a key expires.",
        "it_member",
        created=-104,
        budget=9_500,
        days=7,
        deliverable="api_keys",
        decision=ChangeStatus.APPROVED,
        decided_by="business_lead",
        decided=-100,
        decision_reason="Agreed: a leaked key would cost us far more than a week and a half.",
    ),
    ChangeSpec(
        "labels",
        A,
        "Label test through the web-shop platform plug-ins",
        "Shops rejected the upload test: they print their labels from Shopify or WooCommerce, so "
        "that is where the test has to happen. Two shops in the pipeline made it a condition.",
        "Adds plug-ins for Shopify and WooCommerce (70% of the shops in the pipeline); other "
        "platforms keep the upload.",
        "business_lead",
        created=-60,
        budget=28_000,
        days=14,
        deliverable="labels",
        decision=ChangeStatus.APPROVED,
        decided_by="owner",
        decided=-57,
        decision_reason="Approved: shops must be able to go live without a sales engineer, and this "
        "is what stops them.",
    ),
    ChangeSpec(
        "branded",
        B,
        "Tracking page in the colours of key accounts",
        "Three key accounts want the tracking page in their own colours and logo, as part of their web shop.",
        "A theme per key account: logo, colours and their own web address.",
        "business_lead",
        created=-35,
        budget=60_000,
        days=30,
        decision=ChangeStatus.REJECTED,
        decided_by="owner",
        decided=-31,
        decision_reason="Rejected: none of the accounts will pay for it and every theme has to be "
        "tested with every release. Their logo on the standard page is enough.",
    ),
    ChangeSpec(
        "move_window",
        B,
        "Let recipients move their delivery to another window",
        "In the pilot one recipient in eight was not at home in the window they were given and "
        "asked for another. Every missed delivery means a second trip.",
        "The evening message offers three other windows; the route is re-planned overnight with the choice.",
        "business_member",
        created=-50,
        budget=65_000,
        days=14,
        deliverable="window",
        decision=ChangeStatus.APPROVED,
        decided_by="owner",
        decided=-44,
        decision_reason="Approved: a missed delivery costs EUR 11 and a second trip; this pays for "
        "itself within the year.",
    ),
    ChangeSpec(
        "load_test",
        B,
        "Load test at three times the peak before the launch",
        "The outage last quarter showed the tracking page falls over at the morning peak, and "
        "Black Friday brings three times the normal volume.",
        "A week of load tests on Cloudline's staging cluster, and fixing what breaks.",
        "it_lead",
        created=-26,
        budget=12_000,
        days=5,
        decision=ChangeStatus.APPROVED,
        decided_by="owner",
        decided=-22,
        decision_reason="Approved: we do not launch into the peak untested.",
    ),
    ChangeSpec(
        "ingress",
        B,
        "Dedicated ingress nodes for the tracking page",
        "Cloudline advises dedicated nodes after the outage, so that an upgrade of the shared "
        "cluster cannot take the tracking page down during the peak.",
        "Two dedicated ingress nodes in each region, EUR 18,000 for the first year.",
        "it_lead",
        created=-5,
        budget=18_000,
        days=0,
    ),
    ChangeSpec(
        "antwerp",
        C,
        "Include the Antwerp depot in the first roll-out",
        "Two large web shops ship from Antwerp and will ask why Venlo gets better delivery windows.",
        "Adds Antwerp's routes, vehicles and drivers to the engine and to the pilot.",
        "business_lead",
        created=-3,
        budget=85_000,
        days=30,
        decision=ChangeStatus.DEFERRED,
        decided_by="owner",
        decided=-1,
        decision_reason="Deferred until the Venlo pilot shows results: we decide on Antwerp at the pilot review.",
    ),
)


def seed(*, org: Organization, people: dict[str, Membership], language: str = "en") -> None:
    """Give three of the demo organisation's initiatives their deliverables, change requests and
    end-user feedback, in ``language``; an organisation that has deliverables already is left as
    it is."""
    if Deliverable.objects.for_org(org).exists():
        return
    content = demo_content(__name__, language)
    strategy = demo_content("tandem.strategy.demo", language)
    titles = {i.title: i for i in Initiative.objects.for_org(org)}
    initiatives = {index: titles[strategy.INITIATIVES[index].title] for index in (A, B, C)}
    names = {spec.key: spec.name for spec in governance_demo.PARTIES}
    parties = {p.name: p for p in Party.objects.for_org(org)}
    story = _Story(org, people, {key: parties[name] for key, name in names.items()}, initiatives)
    story.baselines(content.CHANGES)
    made = {spec.key: story.deliverable(spec) for spec in content.DELIVERABLES}
    changes = {
        spec.key: story.change(spec, made)
        for spec in sorted(content.CHANGES, key=lambda c: (c.decided or c.created, c.created))
    }
    for spec in content.DELIVERABLES:
        story.lifecycle(spec, made[spec.key], changes)
    for move in PLAN_MOVES:
        story.move(move)
    story.settle()


class _Story:
    """The delivery story, written through the services, each row then moved to its moment."""

    def __init__(
        self,
        org: Organization,
        people: dict[str, Membership],
        parties: dict[str, Party],
        initiatives: dict[int, Initiative],
    ) -> None:
        self.org, self.people, self.parties, self.initiatives = org, people, parties, initiatives
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.calendar: WorkCalendar = governance_selectors.work_calendar(org)
        self.touched: dict[int, datetime] = {}  # initiative id -> its last plan move

    # --- Days and moments -------------------------------------------------------------------

    def working(self, day: date, *, later: bool = False) -> date:
        """``day`` or the nearest working day before it (after it when ``later``)."""
        step = timedelta(days=1 if later else -1)
        for _ in range(14):
            if self.calendar.is_working_day(day):
                return day
            day += step
        return day

    def day(self, days: int, *, later: bool = True) -> date:
        """The working day nearest ``days`` from today on the side asked, never today or later
        for something that happened already."""
        day = self.working(self.today + timedelta(days=days), later=later)
        if days < 0 and day >= self.today:
            day = self.working(self.today - timedelta(days=1))
        return day

    def at(self, day: date, clock: str) -> datetime:
        hour, minute = (int(part) for part in clock.split(":"))
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        return min(moment, self.now - timedelta(minutes=5))

    # --- The plans --------------------------------------------------------------------------

    def baselines(self, changes: tuple[ChangeSpec, ...]) -> None:
        """Every baseline dated to its initiative's approval; the plan the three initiatives were
        approved with is their current plan without the moves that follow, so those moves end on
        the strategy demo's figures."""
        approvals = dict(
            Transition.objects.for_org(self.org)
            .filter(to_stage=Stage.APPROVED)
            .values("initiative_id")
            .annotate(at=Max("created_at"))
            .values_list("initiative_id", "at")
        )
        for baseline in Baseline.objects.for_org(self.org):
            if baseline.initiative_id in approvals:
                Baseline.objects.for_org(self.org).filter(pk=baseline.pk).update(
                    taken_at=approvals[baseline.initiative_id]
                )
        for index, initiative in self.initiatives.items():
            budget = Decimal(sum(c.budget for c in changes if c.initiative == index and _approved(c)))
            budget += sum(m.budget for m in PLAN_MOVES if m.initiative == index)
            days = sum(c.days for c in changes if c.initiative == index and _approved(c))
            days += sum(m.days for m in PLAN_MOVES if m.initiative == index)
            committed = {
                "budget_amount": (initiative.budget_amount or Decimal(0)) - budget,
                "target_date": initiative.target_date - timedelta(days=days)
                if initiative.target_date
                else None,
            }
            Initiative.objects.for_org(self.org).filter(pk=initiative.pk).update(**committed)
            initiative.refresh_from_db()
            baseline = services.baseline_take(initiative)
            Baseline.objects.for_org(self.org).filter(pk=baseline.pk).update(
                taken_at=approvals.get(initiative.pk, baseline.taken_at), **committed
            )
            self.touched[initiative.pk] = initiative.updated_at

    def change(self, spec: ChangeSpec, made: dict[str, Deliverable]) -> ChangeRequest:
        initiative = self.initiatives[spec.initiative]
        change = services.change_request_create(
            actor=self.people[spec.asked_by],
            initiative=initiative,
            title=spec.title,
            reason=spec.reason,
            budget_impact=spec.budget,
            schedule_impact_days=spec.days,
            scope_impact=spec.scope,
            deliverable=made[spec.deliverable] if spec.deliverable else None,
        )
        rows = ChangeRequest.objects.for_org(self.org).filter(pk=change.pk)
        rows.update(created_at=self.at(self.day(spec.created), "10:00"))
        if spec.decision:
            services.change_request_decide(
                actor=self.people[spec.decided_by],
                change=change,
                decision=spec.decision,
                reason=spec.decision_reason,
            )
            decided = self.at(self.day(spec.decided), "16:00")
            rows.update(decided_at=decided)
            moved = PlanChange.objects.for_org(self.org).filter(change_request=change)
            if moved.update(created_at=decided):
                self.touched[initiative.pk] = max(self.touched[initiative.pk], decided)
            initiative.refresh_from_db()
        change.refresh_from_db()
        return change

    def move(self, spec: PlanMove) -> None:
        """The unexplained move: straight on the initiative, no change request behind it."""
        initiative = self.initiatives[spec.initiative]
        initiative.refresh_from_db()
        before = set(PlanChange.objects.for_org(self.org).values_list("pk", flat=True))
        budget = (initiative.budget_amount or Decimal(0)) + spec.budget
        target = initiative.target_date + timedelta(days=spec.days) if initiative.target_date else None
        strategy_services.initiative_update(
            actor=self.people[spec.actor],
            initiative=initiative,
            budget_amount=budget if spec.budget else UNCHANGED,
            target_date=target if spec.days else UNCHANGED,
        )
        moment = self.at(self.day(spec.day), "14:00")
        PlanChange.objects.for_org(self.org).filter(initiative=initiative).exclude(pk__in=before).update(
            created_at=moment
        )
        self.touched[initiative.pk] = max(self.touched[initiative.pk], moment)

    def settle(self) -> None:
        """An initiative whose plan moved reads as last changed then, not at seeding time."""
        for pk, moment in self.touched.items():
            Initiative.objects.for_org(self.org).filter(pk=pk).update(updated_at=moment)

    # --- Deliverables -----------------------------------------------------------------------

    def deliverable(self, spec: DeliverableSpec) -> Deliverable:
        owner = spec.owner
        created = services.deliverable_create(
            actor=self.people[
                self.key(self.initiatives[spec.initiative].it_co_lead_id)
            ],  # plans with the owners
            initiative=self.initiatives[spec.initiative],
            title=spec.title,
            description=spec.description,
            committed_date=self.day(spec.committed, later=False),
            owner_member=self.people[owner[1:]] if owner.startswith("@") else None,
            owner_party=None if owner.startswith("@") else self.parties[owner],
            criteria=spec.criteria,
            feedback_recipients=spec.recipients,
        )
        # The instance too: a later full save (a change of its criteria) must not undo it.
        created.created_at = self.at(self.day(spec.created), "09:30")
        Deliverable.objects.for_org(self.org).filter(pk=created.pk).update(created_at=created.created_at)
        return created

    def key(self, membership_id: int | None) -> str:
        """The demo person's key of a membership (a co-lead of an initiative)."""
        return next(key for key, m in self.people.items() if m.pk == membership_id)

    def lifecycle(
        self, spec: DeliverableSpec, deliverable: Deliverable, changes: dict[str, ChangeRequest]
    ) -> None:
        """Its re-plans and offers in the order they happened, then its end users' feedback."""
        steps: list[tuple[int, ReplanSpec | OfferSpec]] = [(r.days, r) for r in spec.replans]
        steps += [(o.day, o) for o in spec.offers]
        decided: datetime | None = None
        for _day, step in sorted(steps, key=lambda s: s[0]):
            if isinstance(step, ReplanSpec):
                self._replan(deliverable, step, changes)
            else:
                decided = self._offer(spec, deliverable, step) or decided
        if decided is not None and (spec.feedback or spec.recipients):
            self._feedback(spec, deliverable, decided)

    def _replan(self, deliverable: Deliverable, spec: ReplanSpec, changes: dict[str, ChangeRequest]) -> None:
        to = self.day(spec.to, later=False)
        if to == deliverable.due_date:
            to = self.working(to + timedelta(days=1), later=True)
        replan = services.deliverable_replan(
            actor=self.people[
                spec.asked_by
                if spec.asked_by == "partner"
                else self.key(deliverable.initiative.it_co_lead_id)
            ],
            deliverable=deliverable,
            to_date=to,
            reason=spec.reason,
            asked_by=self.people[spec.asked_by],
            change_request=changes[spec.change] if spec.change else None,
        )
        Replan.objects.for_org(self.org).filter(pk=replan.pk).update(
            created_at=self.at(self.day(spec.days), "11:00")
        )
        if spec.criteria:
            services.deliverable_update(
                actor=self.people[self.key(deliverable.initiative.it_co_lead_id)],
                deliverable=deliverable,
                criteria=[c.text for c in deliverable.criteria.all()] + list(spec.criteria),
            )

    def _offer(self, spec: DeliverableSpec, deliverable: Deliverable, offer: OfferSpec) -> datetime | None:
        """Offered ``offer.day - spec.committed`` days after the first committed date (before it,
        when negative): early, on time or late whatever working days fall where."""
        committed = deliverable.first_committed_date
        slip = offer.day - spec.committed
        day = self.working(committed + timedelta(days=slip), later=slip > 0)
        if day >= self.today:
            day = self.working(self.today - timedelta(days=1))
        services.deliverable_offer(
            actor=self.people[offer.by], deliverable=deliverable, offered_on=day, note=offer.note
        )
        if not offer.decision:
            return None  # awaiting the business co-lead's decision
        criteria = list(deliverable.criteria.all())
        made = services.deliverable_decide(
            actor=self.people[self.key(deliverable.initiative.business_co_lead_id)],
            deliverable=deliverable,
            decision=offer.decision,
            remarks=offer.remarks,
            rejection_reason=offer.reason,
            failed_criteria=[criteria[i].pk for i in offer.failed],
        )
        decided_on = self.working(day + timedelta(days=offer.after), later=True)
        if decided_on >= self.today:
            decided_on = day
        moment = self.at(decided_on, "15:30")
        Offer.objects.for_org(self.org).filter(pk=made.pk).update(decided_at=moment)
        return moment

    def _feedback(self, spec: DeliverableSpec, deliverable: Deliverable, accepted: datetime) -> None:
        """The feedback link, sent to the end users chosen (the count the sending task records)
        or shared, and the ratings that came back, each on its day."""
        link = services.feedback_link_open(
            actor=self.people[self.key(deliverable.initiative.it_co_lead_id)],
            initiative=deliverable.initiative,
            deliverable=deliverable,
        )
        FeedbackLink.objects.for_org(self.org).filter(pk=link.pk).update(
            created_at=accepted + timedelta(minutes=10)
        )
        if spec.recipients:
            services.feedback_requests_sent(deliverable=deliverable, count=len(spec.recipients))
            Deliverable.objects.for_org(self.org).filter(pk=deliverable.pk).update(
                feedback_requested_at=accepted + timedelta(minutes=5)
            )
        token = selectors.link_token(link)
        first = timezone.localtime(accepted).date()
        for answer in spec.feedback:
            given = services.feedback_submit(
                token=token, rating=answer.rating, comment=answer.comment, name=answer.name
            )
            on = max(self.today + timedelta(days=answer.day), first)
            Feedback.objects.for_org(self.org).filter(pk=given.pk).update(submitted_on=min(on, self.today))


def _approved(change: ChangeSpec) -> bool:
    return change.decision == ChangeStatus.APPROVED
