"""The demo's why-check rounds in Dutch: the same rounds as ``demo``, as Dutch co-leads write them."""

from __future__ import annotations

from tandem.whycheck.demo import AnswerSpec, MeasureSpec, RoundSpec
from tandem.whycheck.models import Verdict

# --- Live zendingen volgen: de geschiedenis ------------------------------------------------------

TRACKING = "Live zendingen volgen voor klanten"

TRACKING_KICK_OFF = RoundSpec(
    TRACKING,
    started_by="it_lead",
    started_days_ago=72,
    deadline_days=7,
    business=AnswerSpec(
        "Een derde van de telefoontjes naar onze klantenservice gaat over de vraag waar een zending "
        "is. Als ontvangers zelf een betrouwbare aankomsttijd zien, hoeven ze niet meer te bellen en "
        "hebben onze agenten tijd voor echte problemen, zoals schades en klachten.",
        (  # the first two copied from the initiative's plan
            MeasureSpec("Waar-is-mijn-pakket-telefoontjes per 1.000 zendingen", 20, "telefoontjes", 20),
            MeasureSpec("Ontvangers die de track-and-trace-link openen", 70, "%", 20),
            MeasureSpec("Klanttevredenheid (CSAT)", 4.4, "/5", 60),
        ),
        days_ago=71,
    ),
    it=AnswerSpec(
        "Klanten bellen ons omdat ze niet kunnen zien waar hun pakket is. Een live aankomsttijd op "
        "een trackingpagina en een sms voordat de chauffeur aankomt, beantwoorden die vraag al "
        "voordat ze de telefoon pakken. Dan houden de servicemedewerkers tijd over voor echte "
        "problemen.",
        (
            MeasureSpec("Waar-is-mijn-pakket-telefoontjes per 1.000 zendingen", 30, "telefoontjes", 290),
            MeasureSpec("Ontvangers die de track-and-trace-link openen", 40, "%", 290),
            MeasureSpec("Beschikbaarheid trackingpagina", 99.5, "%", 120),
        ),
        days_ago=69,
        hour=15,
    ),
    expect=Verdict.PARTIAL,
    business_decision=(
        66,
        "We houden 20 telefoontjes per 1.000 zendingen als doel, maar meten de volledige daling pas "
        "als ook de palletklanten live zijn. Voor de link mikken we op 60%.",
    ),
    it_decision=(
        65,
        "Akkoord: 20 telefoontjes per 1.000 zendingen blijft het doel, gemeten na de palletrelease. "
        "60% van de ontvangers die de link openen is een redelijk midden.",
    ),
)

TRACKING_DRIFT = RoundSpec(
    TRACKING,
    started_by="it_lead",
    started_days_ago=38,
    deadline_days=7,
    business=AnswerSpec(
        "Klanten bellen nog steeds om te vragen waar hun pakket blijft. We willen dat ze het "
        "antwoord zelf zien, met een aankomstvenster van twee uur en een sms als de chauffeur "
        "eraan komt, zodat er minder gebeld wordt en klanten tevredener zijn.",
        (
            MeasureSpec("Waar-is-mijn-pakket-telefoontjes per 1.000 zendingen", 20, "aantal", 30),
            MeasureSpec("Klanttevredenheid (CSAT)", 4.4, "/5", 60),
        ),
        days_ago=37,
    ),
    it=AnswerSpec(
        "De oude message broker die de scanevents van de handhelds doorgeeft, is end-of-life en laat "
        "onder piekbelasting events vallen. We bouwen het eventplatform opnieuw op Cloudline, zodat "
        "elke scan precies één keer wordt opgeslagen en elk systeem zich erop kan abonneren.",
        (
            MeasureSpec("Scanevents verwerkt binnen 5 seconden", 99.5, "%", 45),
            MeasureSpec("Queues op de legacy broker uitgezet", 100, "%", 90),
        ),
        days_ago=35,
        hour=16,
    ),
    expect=Verdict.MISALIGNED,
)

TRACKING_REALIGNED = RoundSpec(
    TRACKING,
    started_by="it_lead",
    started_days_ago=24,
    deadline_days=7,
    business=AnswerSpec(
        "Ontvangers moeten zelf kunnen zien wanneer hun zending komt: een venster van twee uur en "
        "een sms als de chauffeur er over een half uur is. Dan bellen ze ons niet meer met de vraag "
        "waar hun pakket blijft, en kunnen onze agenten zich richten op schades en klachten.",
        (
            MeasureSpec("Waar-is-mijn-pakket-telefoontjes per 1.000 zendingen", 20, "aantal", 45),
            MeasureSpec("Ontvangers die de track-and-trace-link openen", 70, "%", 45),
        ),
        days_ago=22,
    ),
    it=AnswerSpec(
        "Ontvangers zien zelf wanneer hun zending aankomt: een tijdvenster van twee uur en een sms "
        "als de chauffeur nog een half uur weg is. Dan hoeven ze niet meer te bellen om te vragen "
        "waar hun pakket is, en houden de agenten tijd over voor schades en klachten.",
        (
            MeasureSpec("Waar-is-mijn-pakket-telefoontjes per 1.000 zendingen", 20, "telefoontjes", 45),
            MeasureSpec("Ontvangers die de track-and-trace-link openen", 70, "%", 45),
        ),
        days_ago=21,
        hour=11,
    ),
    expect=Verdict.ALIGNED,
)

# --- Eén ronde per initiatief ----------------------------------------------------------------------

E_INVOICING = RoundSpec(
    "E-facturatie voor alle klanten",
    started_by="finance_lead",
    started_days_ago=14,
    deadline_days=7,
    business=AnswerSpec(
        "Klanten betalen ons gemiddeld pas na 52 dagen, en bij grote klanten blijven facturen "
        "hangen omdat hun crediteurenadministratie ze met de hand controleert. Met e-facturen met "
        "de zendingsreferentie op elke regel verwerken ze onze facturen automatisch en betalen ze "
        "sneller.",
        (
            MeasureSpec("Debiteurendagen (DSO)", 45, "dagen", 90),
            MeasureSpec("Aandeel betwiste facturen", 2, "%", 90),
        ),
        days_ago=13,
    ),
    it=AnswerSpec(
        "De print- en verzendstraat voor facturen draait op een server die niet meer ondersteund "
        "wordt, en het contract met de drukkerij loopt in maart af. Als we elke factuur via Peppol "
        "versturen, kan die server uit en betalen we niet langer voor papier en porto.",
        (
            MeasureSpec("Facturen via Peppol", 100, "%", 60),
            MeasureSpec("Print- en portokosten", 0, "EUR/maand", 60),
        ),
        days_ago=10,
        hour=14,
    ),
    expect=Verdict.MISALIGNED,
)

COMMISSION = RoundSpec(
    "Wekelijks provisieoverzicht voor vertegenwoordigers",
    started_by="business_lead",
    started_days_ago=12,
    deadline_days=7,
    business=AnswerSpec(
        "Onze accountmanagers zien pas aan het eind van het kwartaal wat ze verdiend hebben en "
        "vertrouwen de spreadsheet niet. Als ze elke week hun commissie per getekend contract zien, "
        "sturen ze op marge in plaats van op volume.",
        (
            MeasureSpec("Gemiddelde marge op nieuwe contracten", 11, "%", 180),
            MeasureSpec("Accountmanagers die het weekoverzicht openen", 12, "aantal", 60),
        ),
        days_ago=11,
    ),
    it=AnswerSpec(
        "Vertegenwoordigers horen pas aan het eind van het kwartaal wat ze verdiend hebben, en de "
        "spreadsheet vertrouwen ze niet. Met een wekelijks overzicht van de provisie per getekend "
        "contract kunnen ze sturen op marge in plaats van op volume.",
        (
            MeasureSpec("Gemiddelde marge op nieuwe contracten", 11, "%", 180),
            MeasureSpec("Vertegenwoordigers die het weekoverzicht openen", 12, "vertegenwoordigers", 60),
        ),
        days_ago=9,
        hour=13,
    ),
    expect=Verdict.ALIGNED,
)

ROUTES = RoundSpec(
    "Dynamische routeoptimalisatie",
    started_by="owner",
    started_days_ago=5,
    deadline_days=7,
    business=AnswerSpec(
        "Meer leveringen moeten binnen het beloofde tijdvenster aankomen, terwijl onze "
        "vrachtwagens minder kilometers rijden. Nu ligt de planning de avond ervoor vast; het "
        "systeem moet opnieuw plannen op basis van het actuele verkeer en gewijzigde orders, zodat "
        "we onze belofte aan klanten nakomen en minder diesel verstoken.",
        (
            MeasureSpec("Leveringen buiten het beloofde tijdvenster", 5, "%", 180),
            MeasureSpec("Daling brandstofverbruik per 100 km", 10, "%", 180),
        ),
        days_ago=4,
    ),
    it=AnswerSpec(
        "Planners zijn elke ochtend een uur kwijt aan het handmatig herplannen van routes, en de "
        "vaste planning houdt geen rekening met verkeer en rijtijden. Een routeringsengine die "
        "automatisch herplant, geeft de planners hun ochtend terug en zorgt dat meer leveringen op "
        "tijd aankomen, met minder kilometers. Dat is pas te zien als beide hubs erop draaien, en "
        "dat duurt tot eind volgend jaar.",
        (
            MeasureSpec("Leveringen buiten het beloofde tijdvenster", 8, "%", 545),
            MeasureSpec("Daling brandstofverbruik per 100 km", 4, "%", 545),
            MeasureSpec("Planneruren per dag aan herplannen", 1, "uur", 240),
        ),
        days_ago=3,
        hour=16,
    ),
    expect=Verdict.PARTIAL,
    business_decision=(
        2,
        "Rotterdam gaat eerst: daar binnen zes maanden hooguit 5% te laat; Venlo volgt na de uitrol "
        "daar. Het brandstofdoel blijft 10% en bekijken we opnieuw na de eerste hub.",
    ),
)

CRM = RoundSpec(
    "CRM voor key accounts",
    started_by="it_admin",
    started_days_ago=12,
    deadline_days=7,
    business=AnswerSpec(
        "Onze key-accountmanagers raken bij onze grootste klanten het overzicht kwijt wie met wie "
        "gesproken heeft, en deals lopen mis als iemand op vakantie is. Eén gedeeld beeld van alle "
        "contacten, offertes en klachten per account moet ons helpen de omzet bij de twintig "
        "grootste verladers te laten groeien.",
        (
            MeasureSpec("Omzetgroei bij de 20 grootste accounts", 8, "%", 365),
            MeasureSpec("Offertes binnen 48 uur opgevolgd", 90, "%", 180),
        ),
        days_ago=11,
    ),
    it=AnswerSpec(
        "De accountspreadsheets en gedeelde Outlook-mappen bevatten persoonsgegevens van "
        "contactpersonen, zonder toegangsbeheer of bewaartermijnen. Voor de privacy-audit moeten "
        "die gegevens naar één systeem met rechten, logging en verwijderregels.",
        (
            MeasureSpec("Gedeelde mappen met klantgegevens uitgezet", 100, "%", 120),
            MeasureSpec("Contactpersonen met een bewaartermijn", 100, "%", 120),
        ),
        days_ago=9,
        hour=15,
    ),
    expect=Verdict.MISALIGNED,
    override=(
        "owner",
        7,
        "Beide redenen blijven staan en de een blokkeert de ander niet: de contactgegevens moeten "
        "hoe dan ook vóór de privacy-audit uit de spreadsheets. Verkoop en IT schrijven samen één "
        "bedrijfsresultaat voordat het voorstel er ligt.",
    ),
)

DRIVER_APP = RoundSpec(
    "Vernieuwde chauffeursapp",
    started_by="it_admin",
    started_days_ago=30,
    deadline_days=7,
    it=AnswerSpec(
        "Chauffeurs verliezen elke dag tijd met een trage app en een scanknop die met handschoenen "
        "niet te raken is. In laadzones zonder bereik gaan scans verloren, waardoor klanten een "
        "verkeerde status zien. Een snellere app die offline scant lost beide op.",
        (
            MeasureSpec("Opstarttijd van de app", 2, "seconden", 150),
            MeasureSpec("Verloren scans per week", 5, "aantal", 150),
        ),
        days_ago=28,
    ),
    closed=("it_admin", 21),
)

RETURNS = RoundSpec(
    "Retourlabels voor klanten van webwinkels",
    started_by="business_lead",
    started_days_ago=3,
    deadline_days=7,
    business=AnswerSpec(
        "Webshops kiezen voor een concurrent omdat retourneren bij ons omslachtig is. Met "
        "QR-retourlabels en inleverpunten binnen 2 km laten ze hun klanten zonder printer "
        "retourneren, en winnen wij die webshops.",
        (
            MeasureSpec("Nieuwe webshops gewonnen dankzij retouren", 10, "webshops", 100),
            MeasureSpec("Retouren met een QR-code in plaats van een geprint label", 60, "%", 100),
        ),
        days_ago=2,
    ),
)

CUSTOMS = RoundSpec(
    "Geautomatiseerde douaneaangiften",
    started_by="it_lead",
    started_days_ago=1,
    deadline_days=7,
)

# In the order they happened on each initiative (a new round needs the previous one revealed).
ROUNDS = (
    TRACKING_KICK_OFF,
    TRACKING_DRIFT,
    TRACKING_REALIGNED,
    E_INVOICING,
    COMMISSION,
    ROUTES,
    CRM,
    DRIVER_APP,
    RETURNS,
    CUSTOMS,
)
