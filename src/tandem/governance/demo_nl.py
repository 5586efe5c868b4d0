"""The words of the governance demo in Dutch (the structure is ``demo``'s)."""

from __future__ import annotations

from decimal import Decimal

from tandem.core.demo import DemoPerson
from tandem.core.models import Role, Side
from tandem.governance.demo import NEW_INITIATIVE, IncidentText, MetricSpec, ServiceSpec
from tandem.governance.models import Channel, Priority
from tandem.strategy.demo import InitiativeSpec, MeasureSpec, Step
from tandem.strategy.models import Stage

DESCRIPTIONS = {
    "cloudline": "Host onze tracking, planning en klantportal op beheerde Kubernetes in twee regio's.",
    "routewise": "Levert de routeplanningsengine achter de dynamische routeoptimalisatie.",
    "bridgework": "Koppelde in 2025–2026 het planningssysteem aan de magazijn- en transportsystemen.",
    "northpoint": "Adviseert de directie over de e-commercestrategie en het aanbod voor webwinkels.",
    "platform": "Ons eigen team dat de platforms voor klanten bouwt en beheert.",
}
CONTRACT_TITLES = {
    "cloudline": "Cloudhosting en beheerde Kubernetes",
    "routewise": "Licentie routeplanningsengine",
    "bridgework": "Integratie van de planningssystemen",
}
CONTRIBUTIONS = (
    (
        "cloudline",
        3,
        "Draait onze platforms voor een vaste maandprijs, zodat de hostingkosten dalen als het volume groeit.",
    ),
    (
        "routewise",
        0,
        "Plant routes opnieuw op basis van live verkeer, zodat meer leveringen binnen het beloofde tijdvak aankomen.",
    ),
    ("northpoint", 1, "Vormt samen met Verkoop het aanbod voor webwinkels en de onboarding."),
    ("platform", 2, "Bouwt de trackingpagina en de meldingen die klanten gebruiken in plaats van te bellen."),
)

SERVICES = (
    ServiceSpec(
        "hosting",
        "cloudline",
        "Hosting van tracking en klantportal",
        "Beheerde Kubernetes in twee regio's voor de trackingpagina, de klantportal en de "
        "koppeling voor e-facturen.",
        Decimal("99.9"),
        (
            (Priority.CRITICAL, Decimal("0.5"), Decimal(4)),
            (Priority.HIGH, Decimal(1), Decimal(8)),
            (Priority.MEDIUM, Decimal(4), Decimal(24)),
        ),
        MetricSpec("Geslaagde nachtelijke back-ups", "%", Decimal(100)),
        (0, 2, 9, 15, NEW_INITIATIVE),
        "wismo",
        (
            (Decimal("99.97"), Decimal(100), ""),
            (
                Decimal("99.62"),
                Decimal(100),
                "De trackingpagina lag zeven uur plat na een upgrade van het cluster (zie het incident).",
            ),
            (Decimal("99.95"), Decimal("96.8"), "Twee back-ups mislukten tijdens de migratie van de opslag."),
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
        "Routeplanningsengine",
        "De gehoste engine die elke ochtend de bezorgroutes plant en ze op basis van live verkeer "
        "opnieuw plant.",
        Decimal("99.5"),
        (
            (Priority.CRITICAL, Decimal(1), Decimal(8)),
            (Priority.HIGH, Decimal(2), Decimal(16)),
            (Priority.MEDIUM, Decimal(4), Decimal(40)),
        ),
        MetricSpec(
            "Tijd voor een herplanning (95e percentiel)", "minuten", Decimal(5), higher_is_better=False
        ),
        (1,),
        "otd",
        (
            (Decimal("99.81"), Decimal("4.2"), ""),
            (Decimal("99.74"), Decimal("6.1"), "Trage herplanningen zolang de zondagvensters niet klopten."),
            (Decimal("99.88"), Decimal("3.9"), ""),
        ),
        (
            ("routewise", Channel.EMAIL, Decimal(2)),
            ("@it_admin", Channel.PHONE, Decimal(4)),
        ),
    ),
)
INCIDENTS = {
    "outage": IncidentText(
        "Trackingpagina geeft bij alle klanten een time-out",
        "Sinds 09.30 uur geven de trackingpagina en de trackinglinks in onze e-mails een time-out. "
        "De klantenservice krijgt de telefoontjes.",
        "De limiet voor verbindingen van de ingress teruggezet op 5.000 en vastgelegd in de "
        "configuratie van het cluster, zodat een upgrade hem niet opnieuw kan terugzetten.",
        (
            "De klantenservice heeft sinds 09.30 uur 140 telefoontjes over tracking gehad.",
            "Het cluster en de loadbalancers zijn gezond; de trackingdienst zelf faalt op zijn "
            "healthchecks. Over naar het platformteam.",
            "De trackingdienst is in orde: sinds de upgrade van het cluster vannacht laat de ingress "
            "500 verbindingen toe in plaats van 5.000. Die instelling is van Cloudline.",
        ),
    ),
    "replan": IncidentText(
        "Herplande routes negeren wegafsluitingen rond Venlo",
        "Sinds vanochtend stuurt de engine vrachtwagens naar de afgesloten afrit bij Venlo; "
        "chauffeurs rijden met de hand om.",
        "RouteWise heeft het inlezen van de wegafsluitingen hersteld; routes rond Venlo vermijden "
        "afsluitingen weer.",
        (
            "Wachten op de export van wegafsluitingen van onze leverancier van verkeersdata, die RouteWise nodig heeft.",
        ),
    ),
    "sunday": IncidentText(
        "Bezorgvensters op zondag staan op gesloten",
        "Het planningsscherm toont elk bezorgvenster op zondag als gesloten, zodat planners geen "
        "zondagleveringen voor webwinkels kunnen boeken.",
        "RouteWise heeft de kalender van de depots die op zondag bezorgen gecorrigeerd.",
    ),
    "labels": IncidentText(
        "Labels downloaden gaat traag in de klantportal",
        "Een reeks verzendlabels downloaden duurt voor de grotere webwinkels meer dan een minuut.",
        "Het maken van labels verplaatst naar een grotere node pool: 200 labels duren nu 8 seconden.",
    ),
    "open": IncidentText(
        "Labels downloaden geeft een foutmelding in de klantportal",
        "Webwinkels krijgen „Er ging iets mis” als ze een reeks labels downloaden; losse labels "
        "werken nog wel.",
    ),
}
REVIEW = {
    "summary": "Een routine-upgrade van het cluster door Cloudline zette de limiet voor verbindingen "
    "van de ingress terug op de standaardwaarde. In de ochtendpiek had de trackingpagina geen "
    "verbindingen meer over en gaf ze zeven uur lang een time-out. Cloudline droeg het incident over "
    "aan ons platformteam, dat de oorzaak vond en het teruggaf; het escaleerde twee keer voordat "
    "Cloudline het weer oppakte.",
    "lessons": "Niemand nam tijdens de upgrade de P1-lijn van Cloudline op, dus het eerste uur ging "
    "verloren. Overdragen zonder bewijs kostte nog twee uur: draag over met wat gecontroleerd is en wat "
    "er gevonden is. Een upgrade kan instellingen waar we op rekenen veranderen zonder dat iemand het merkt.",
    "actions": "Cloudline kondigt elke upgrade van het cluster vijf werkdagen vooraf aan en vergelijkt "
    "de instellingen van de ingress voor en na. Het platformteam krijgt een alarm op het aantal "
    "verbindingen. Cloudline bemant zijn P1-lijn zolang een upgrade loopt.",
}
SERVICE_LEAD = DemoPerson(
    "service_lead",
    "service.lead@example.com",
    "Sanne Mulder",
    Role.LEAD,
    Side.BUSINESS,
    "Klantenservice",
    "Hoofd klantenservice",
)
SERVICE_INITIATIVE = InitiativeSpec(
    "Tweede Cloudline-regio voor de klantportal",
    "De trackingpagina en de klantportal ook in een tweede regio van Cloudline draaien, met "
    "automatische failover.",
    "Klanten kunnen zendingen volgen en labels printen, ook als een datacenter uitvalt, zodat een "
    "storing de klantenservice niet meer overspoelt met telefoontjes.",
    "Geen storing van de trackingpagina of de portal langer dan 15 minuten in het piekseizoen.",
    business_co_lead="service_lead",
    it_co_lead="it_lead",
    sponsor="owner",
    created_by="service_lead",
    created_days_ago=120,
    budget=180_000,
    start=-90,
    target=60,
    departments=("Klantenservice", "IT"),
    end_users=(
        "Callcentermedewerkers en twaalf webwinkels",
        115,
        "Tijdens de laatste storing zagen medewerkers de zendingen ook niet; winkels willen dat labels blijven werken.",
    ),
    measures=(MeasureSpec("Langste storing van de trackingpagina", 420, 15, "minuten", 60, "wismo"),),
    links=(("wismo", "Klanten vinden hun zending terug, ook als een datacenter uitvalt."),),
    steps=(Step(Stage.PROPOSED, 105), Step(Stage.APPROVED, 98), Step(Stage.IN_DELIVERY, 90)),
)
