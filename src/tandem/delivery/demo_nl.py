"""The words of the delivery demo in Dutch (the structure is ``demo``'s)."""

from __future__ import annotations

from tandem.delivery.demo import (
    ONBOARDING,
    ROUTES,
    TRACKING,
    ChangeSpec,
    DeliverableSpec,
    FeedbackSpec,
    OfferSpec,
    ReplanSpec,
)
from tandem.delivery.models import ChangeStatus, Decision, RejectionReason

A, B, C = ONBOARDING, TRACKING, ROUTES

DELIVERABLES = (
    # --- Selfservice-onboarding voor nieuwe verladers --------------------------------------------
    DeliverableSpec(
        "contract",
        A,
        "Contract tekenen in het portaal",
        "Webwinkels kiezen een tarievenkaart, tekenen het standaardcontract online en krijgen het "
        "door ons getekende exemplaar per e-mail.",
        "platform",
        created=-148,
        committed=-120,
        criteria=(
            "Een webwinkel kiest een tarievenkaart en tekent het contract zonder hulp van Verkoop",
            "Het door ons getekende contract staat binnen vijf minuten in de mailbox",
            "Verkoop ziet elk getekend contract dezelfde dag in zijn overzicht",
            "Tekenen werkt op een telefoon net zo goed als op een laptop",
        ),
        offers=(
            OfferSpec(
                -124,
                "it_member",
                "Eerder klaar: de dienst voor digitaal ondertekenen hoefde niet aangepast te worden.",
                Decision.ACCEPTED,
            ),
        ),
        feedback=(
            FeedbackSpec(
                -119,
                5,
                "Getekend op mijn telefoon tussen twee klanten door. Twee minuten, klaar.",
                "Mila Verhoef",
            ),
            FeedbackSpec(
                -112,
                4,
                "Makkelijk, maar ik moest even zoeken naar de tarievenkaart voor pakketten onder de 2 kg.",
            ),
            FeedbackSpec(-103, 5),
        ),
    ),
    DeliverableSpec(
        "api_keys",
        A,
        "API-sleutels voor de test- en productieomgeving",
        "Een webwinkel die getekend heeft, krijgt meteen een testsleutel, en een productiesleutel na "
        "zijn eerste goedgekeurde testlabel.",
        "@it_member",
        created=-146,
        committed=-95,
        criteria=(
            "Een testsleutel binnen een minuut na het tekenen",
            "De productiesleutel komt automatisch na het eerste goedgekeurde testlabel",
            "Webwinkels vervangen hun sleutels zelf in het portaal, zonder ons te bellen",
            "Elke uitgegeven of ingetrokken sleutel wordt vastgelegd",
        ),
        replans=(
            ReplanSpec(
                -99,
                -86,
                "Sleutels verlopen nu en worden elke 90 dagen vervangen (goedgekeurd wijzigingsverzoek); "
                "de sleutelopslag heeft anderhalve week meer nodig.",
                "it_member",
                change="rotation",
            ),
        ),
        offers=(
            OfferSpec(
                -86,
                "it_member",
                "Inclusief het vervangen na 90 dagen en de herinneringsmail.",
                Decision.ACCEPTED,
            ),
        ),
    ),
    DeliverableSpec(
        "labels",
        A,
        "Labeltest in het portaal",
        "Webwinkels maken testlabels en zien meteen of onze sorteerscanners ze kunnen lezen.",
        "platform",
        created=-140,
        committed=-60,
        criteria=(
            "Een webwinkel kan een testlabel maken voor pakketten en voor pallets",
            "Het portaal laat binnen een minuut zien of het label door de scannercontrole komt",
            "Een afgekeurd label komt met de reden en met hoe je het oplost",
        ),
        replans=(
            ReplanSpec(
                -57,
                -40,
                "Herstel na de afwijzing: plug-ins voor Shopify en WooCommerce, zoals afgesproken in het "
                "goedgekeurde wijzigingsverzoek.",
                "business_lead",
                change="labels",
                criteria=(
                    "Webwinkels op Shopify of WooCommerce maken een testlabel vanuit hun eigen winkelsysteem",
                ),
            ),
        ),
        offers=(
            OfferSpec(
                -62,
                "it_member",
                "Upload een label als pdf of maak er een in het portaal.",
                Decision.REJECTED,
                remarks="We verwachtten dat webwinkels hun labels testen in hun eigen winkelsysteem, waar "
                "ze ze straks ook printen: een geüploade pdf test een ander label. De uitslag kwam "
                "bovendien pas na tien minuten per e-mail, en bij de afgekeurde labels stond niet waarom.",
                reason=RejectionReason.NOT_WHAT_WE_EXPECTED,
                failed=(1, 2),
            ),
            OfferSpec(
                -41,
                "it_member",
                "Herwerkt: plug-ins voor Shopify en WooCommerce, de uitslag staat direct op het scherm en "
                "een afgekeurd label zegt waarom.",
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
                "Onze labels in tien minuten rechtstreeks vanuit Shopify getest. Vroeger kostte dat twee weken mailen.",
                "Daan de Wit",
            ),
            FeedbackSpec(
                -36, 4, "Werkt met WooCommerce. Zeg bij een verkeerd adresformaat wel om welk veld het gaat."
            ),
            FeedbackSpec(-30, 5),
            FeedbackSpec(
                -24, 3, "Wij werken met Lightspeed, daar is nog geen plug-in voor, dus we uploaden nog pdf's."
            ),
            FeedbackSpec(
                -15, 4, "Veel sneller dan testlabels naar een sales engineer sturen.", "Noor Bakker"
            ),
        ),
    ),
    DeliverableSpec(
        "welcome",
        A,
        "Welkomstprogramma voor nieuwe verladers",
        "De e-mails en korte video's die een nieuwe webwinkel van het tekenen naar de eerste "
        "ophaalafspraak leiden, samen met Verkoop geschreven.",
        "northpoint",
        created=-45,
        committed=-16,
        criteria=(
            "Vijf welkomstmails, elk met één duidelijke volgende stap",
            "Drie instructievideo's van hooguit twee minuten: API-sleutels, labeltest, ophaalafspraak boeken",
            "Een webwinkel die drie dagen stilstaat, krijgt een herinnering en Verkoop krijgt een seintje",
        ),
        offers=(
            OfferSpec(
                -16,
                "it_member",
                "Teksten nagekeken door Verkoop en Juridische Zaken.",
                Decision.ACCEPTED_WITH_REMARKS,
                after=2,
                remarks="Geaccepteerd. De video's tonen nog de oude kleuren van het portaal; Northpoint "
                "neemt ze opnieuw op bij de volgende release van het portaal.",
            ),
        ),
    ),
    # --- Live zendingen volgen voor klanten ------------------------------------------------------
    DeliverableSpec(
        "tracking_page",
        B,
        "Trackingpagina met live aankomsttijd",
        "Een pagina per zending, zonder inloggen, die laat zien waar het pakket of de pallet is en "
        "wanneer die aankomt.",
        "platform",
        created=-74,
        committed=-40,
        criteria=(
            "Opent vanuit de trackinglink zonder in te loggen",
            "Toont de verwachte aankomst binnen een tijdvak van 30 minuten zodra de bus van het depot vertrokken is",
            "De aankomsttijd wordt minstens elke vijf minuten bijgewerkt",
            "Werkt op een telefoon en voldoet aan WCAG 2.1 AA",
            "Laadt binnen twee seconden tijdens de ochtendpiek",
        ),
        offers=(
            OfferSpec(
                -40,
                "it_lead",
                "Live voor elke zending vanuit de hubs in Rotterdam en Venlo.",
                Decision.ACCEPTED,
            ),
        ),
        feedback=(
            FeedbackSpec(
                -37,
                5,
                "Zag dat de bus nog drie stops weg was en kon mijn overleg eerst afmaken. Precies wat ik nodig had.",
            ),
            FeedbackSpec(-35, 4, "Handig. De kaart is wel wat klein op mijn telefoon."),
            FeedbackSpec(-33, 5, "De aankomsttijd klopte tot op de minuut.", "Sandra Koster"),
            FeedbackSpec(-30, 2, "De pagina zei 'bezorgd' terwijl het pakket nog een uur in de bus lag."),
            FeedbackSpec(-26, 5),
            FeedbackSpec(-21, 4, "Goed, al versprong het tijdvak 's ochtends een beetje."),
            FeedbackSpec(-16, 5, "Onze receptie weet eindelijk wanneer de pallets komen.", "Jeroen Smits"),
            FeedbackSpec(-9, 4, "Werkt prima. Ik zou de link graag in de sms zelf hebben."),
            FeedbackSpec(-3, 5, "Duidelijk en snel. Bellen is niet meer nodig."),
        ),
    ),
    DeliverableSpec(
        "notifications",
        B,
        "Meldingen per e-mail en sms",
        "Ontvangers krijgen een e-mail of sms zodra hun zending onderweg is, met het tijdvak en de trackinglink.",
        "@it_member",
        created=-72,
        committed=-24,
        criteria=(
            "Er gaat een bericht uit zodra de zending het depot verlaat, met het tijdvak",
            "Ontvangers kiezen e-mail, sms of allebei, en zetten de berichten met één klik uit",
            "Berichten zijn in de taal van de ontvanger: Nederlands, Frans, Duits of Engels",
            "Hooguit twee berichten per zending, tenzij het tijdvak verandert",
        ),
        offers=(
            OfferSpec(
                -24,
                "it_member",
                "Een week getest met het ontvangerspanel.",
                Decision.ACCEPTED_WITH_REMARKS,
                remarks="Geaccepteerd voor de livegang. Sms'jes naar Belgische nummers komen nog in het "
                "Engels binnen: los dat op in de volgende release.",
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
            FeedbackSpec(-21, 5, "De mail 'je zending is onderweg' met het tijdvak is top."),
            FeedbackSpec(-19, 2, "De sms was in het Engels. Ik woon in Antwerpen en verwachtte Nederlands."),
            FeedbackSpec(-17, 4, "Handig, maar ik kreeg dezelfde mail twee keer."),
            FeedbackSpec(-12, 5),
            FeedbackSpec(-8, 3, "Vier berichten voor één pakket is te veel."),
            FeedbackSpec(-4, 4, "Fijn dat ik de sms'jes met één klik kan uitzetten.", "K. Yilmaz"),
        ),
    ),
    DeliverableSpec(
        "driver_text",
        B,
        "Sms 'chauffeur over 30 minuten bij je'",
        "Een sms aan de ontvanger als de chauffeur ongeveer 30 minuten weg is, zodat er iemand aan de "
        "deur of bij het dock staat.",
        "cloudline",
        created=-70,
        committed=-12,
        criteria=(
            "De sms komt 25 tot 35 minuten voordat de chauffeur er is",
            "Verstuurd onder de afzendernaam Northwind, in Nederland en in België",
            "Hooguit één zo'n sms per levering",
        ),
        replans=(
            ReplanSpec(
                -14,
                -3,
                "Het registreren van de afzendernaam voor Belgische nummers bij de mobiele providers "
                "duurde twee weken langer dan Cloudline had gepland.",
                "partner",
            ),
        ),
        offers=(
            OfferSpec(
                -1, "partner", "Afzendernaam in beide landen geregistreerd; getest op 40 leveringen in Venlo."
            ),
        ),
    ),
    DeliverableSpec(
        "window",
        B,
        "Levertijdvak van twee uur de avond ervoor",
        "De avond voor de levering krijgen ontvangers een tijdvak van twee uur, berekend op basis van "
        "de geplande route.",
        "routewise",
        created=-68,
        committed=-10,
        criteria=(
            "Het tijdvak gaat de avond voor de levering vóór 20.00 uur de deur uit",
            "Minstens 90% van de leveringen komt binnen het tijdvak aan",
            "Chauffeurs zien hetzelfde tijdvak op hun handheld",
        ),
        replans=(
            ReplanSpec(
                -43,
                4,
                "Ontvangers kunnen hun levering naar een ander tijdvak verplaatsen (goedgekeurd "
                "wijzigingsverzoek): de route wordt 's nachts met hun keuze opnieuw gepland.",
                "business_member",
                change="move_window",
                criteria=("Ontvangers kiezen in het avondbericht een van drie andere tijdvakken",),
            ),
            ReplanSpec(
                -6,
                18,
                "De release van RouteWise met het nieuwe tijdvakmodel schoof drie weken op; het huidige "
                "model haalt het tijdvak maar in 78% van de gevallen.",
                "it_lead",
            ),
        ),
    ),
    DeliverableSpec(
        "agents",
        B,
        "Trackingtijdlijn voor callcentermedewerkers",
        "Medewerkers zien dezelfde aankomsttijd en elk bericht dat de ontvanger kreeg, zodat ze "
        "hetzelfde antwoord geven als de trackingpagina.",
        "@business_member",
        created=-30,
        committed=30,
        criteria=(
            "Medewerkers zien de aankomsttijd en de verstuurde berichten in het klantenservicescherm",
            "Belscripts bijgewerkt voor telefoontjes 'waar is mijn pakket?'",
            "Alle 40 medewerkers getraind vóór het piekseizoen",
        ),
    ),
    # --- Dynamische routeoptimalisatie ----------------------------------------------------------
    DeliverableSpec(
        "engine",
        C,
        "Routeplanningsengine gekoppeld aan orders en planning",
        "De engine van RouteWise krijgt elke ochtend de orders, voertuigen en rijtijden uit onze "
        "systemen en geeft de routes terug.",
        "routewise",
        created=-4,
        committed=55,
        criteria=(
            "Orders, voertuigen en rijtijden staan elke werkdag om 05.00 uur in de engine",
            "De geplande routes staan om 06.00 uur terug in het planningssysteem",
            "Planners kunnen een route nog altijd met de hand aanpassen",
            "Een mislukte import waarschuwt de planners en de supportdesk van RouteWise",
        ),
    ),
    DeliverableSpec(
        "pilot",
        C,
        "Pilot live herplannen op de hub in Venlo",
        "Zes weken lang plannen de planners in Venlo routes overdag opnieuw op basis van live verkeer "
        "en orderwijzigingen.",
        "@owner",
        created=-4,
        committed=110,
        criteria=(
            "Elke route in Venlo zes weken lang live herpland op het verkeer",
            "Chauffeurs krijgen hooguit twee routewijzigingen nadat ze van het depot vertrokken zijn",
            "Percentage op tijd en brandstof per 100 km elke week vergeleken met Rotterdam",
        ),
    ),
)

CHANGES = (
    ChangeSpec(
        "rotation",
        A,
        "API-sleutels elke 90 dagen vervangen",
        "De securityreview van het portaal liet zien dat sleutels nooit verlopen: met een uitgelekte "
        "sleutel kan iedereen zendingen boeken op naam van een webwinkel.",
        "Voegt het verlopen van sleutels toe, vervangen in het portaal en een herinneringsmail 14 dagen "
        "voordat een sleutel verloopt.",
        "it_member",
        created=-104,
        budget=9_500,
        days=7,
        deliverable="api_keys",
        decision=ChangeStatus.APPROVED,
        decided_by="business_lead",
        decided=-100,
        decision_reason="Akkoord: een uitgelekte sleutel kost ons veel meer dan anderhalve week.",
    ),
    ChangeSpec(
        "labels",
        A,
        "Labeltest via de plug-ins van webwinkelplatforms",
        "Webwinkels keurden de uploadtest af: ze printen hun labels vanuit Shopify of WooCommerce, dus "
        "daar moet de test ook gebeuren. Twee webwinkels in de pijplijn stellen het als voorwaarde.",
        "Voegt plug-ins toe voor Shopify en WooCommerce (70% van de webwinkels in de pijplijn); andere "
        "platforms houden de upload.",
        "business_lead",
        created=-60,
        budget=28_000,
        days=14,
        deliverable="labels",
        decision=ChangeStatus.APPROVED,
        decided_by="owner",
        decided=-57,
        decision_reason="Goedgekeurd: webwinkels moeten live kunnen zonder sales engineer, en dit is "
        "wat ze tegenhoudt.",
    ),
    ChangeSpec(
        "branded",
        B,
        "Trackingpagina in de huisstijl van key accounts",
        "Drie key accounts willen de trackingpagina in hun eigen kleuren en met hun logo, als onderdeel "
        "van hun webwinkel.",
        "Een thema per key account: logo, kleuren en een eigen webadres.",
        "business_lead",
        created=-35,
        budget=60_000,
        days=30,
        decision=ChangeStatus.REJECTED,
        decided_by="owner",
        decided=-31,
        decision_reason="Afgewezen: geen van de accounts wil ervoor betalen en elk thema moet bij elke "
        "release getest worden. Hun logo op de standaardpagina is genoeg.",
    ),
    ChangeSpec(
        "move_window",
        B,
        "Ontvangers hun levering laten verplaatsen naar een ander tijdvak",
        "In de pilot was een op de acht ontvangers niet thuis in het tijdvak dat ze kregen en vroeg om "
        "een ander. Elke gemiste levering betekent een tweede rit.",
        "Het avondbericht biedt drie andere tijdvakken aan; de route wordt 's nachts met de keuze "
        "opnieuw gepland.",
        "business_member",
        created=-50,
        budget=65_000,
        days=14,
        deliverable="window",
        decision=ChangeStatus.APPROVED,
        decided_by="owner",
        decided=-44,
        decision_reason="Goedgekeurd: een gemiste levering kost EUR 11 en een tweede rit; dit verdient "
        "zich binnen een jaar terug.",
    ),
    ChangeSpec(
        "load_test",
        B,
        "Loadtest op drie keer de piek vóór de livegang",
        "De storing van vorig kwartaal liet zien dat de trackingpagina omvalt in de ochtendpiek, en "
        "Black Friday brengt drie keer het normale volume.",
        "Een week loadtests op het stagingcluster van Cloudline, en oplossen wat er stukgaat.",
        "it_lead",
        created=-26,
        budget=12_000,
        days=5,
        decision=ChangeStatus.APPROVED,
        decided_by="owner",
        decided=-22,
        decision_reason="Goedgekeurd: we gaan niet ongetest de piek in.",
    ),
    ChangeSpec(
        "ingress",
        B,
        "Eigen ingress-nodes voor de trackingpagina",
        "Cloudline raadt na de storing eigen nodes aan, zodat een upgrade van het gedeelde cluster de "
        "trackingpagina in de piek niet plat kan leggen.",
        "Twee eigen ingress-nodes in elke regio, EUR 18.000 voor het eerste jaar.",
        "it_lead",
        created=-5,
        budget=18_000,
        days=0,
    ),
    ChangeSpec(
        "antwerp",
        C,
        "Het depot in Antwerpen meenemen in de eerste uitrol",
        "Twee grote webwinkels verzenden vanuit Antwerpen en gaan vragen waarom Venlo betere tijdvakken krijgt.",
        "Voegt de routes, voertuigen en chauffeurs van Antwerpen toe aan de engine en aan de pilot.",
        "business_lead",
        created=-3,
        budget=85_000,
        days=30,
        decision=ChangeStatus.DEFERRED,
        decided_by="owner",
        decided=-1,
        decision_reason="Uitgesteld tot de pilot in Venlo resultaten laat zien: we besluiten over "
        "Antwerpen bij de evaluatie van de pilot.",
    ),
)
