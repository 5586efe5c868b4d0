"""The demo's strategy content in Dutch: the same objectives, key results and initiatives as ``demo``,
in the words a Dutch logistics company writes.
"""

from __future__ import annotations

from tandem.strategy.demo import InitiativeSpec, KeyResultSpec, MeasureSpec, ObjectiveSpec, Step
from tandem.strategy.models import Outcome, Stage
from tandem.strategy.progress import Direction

OBJECTIVES = (
    ObjectiveSpec(
        "Altijd op tijd leveren",
        "Klanten beoordelen ons in de eerste plaats op levering binnen het beloofde tijdvak. Planning, "
        "de magazijnen en IT werken er samen aan en meten het op hetzelfde dashboard.",
        business_owner="owner",
        it_owner="it_lead",
        key_results=(
            KeyResultSpec(
                "otd",
                "Percentage op tijd geleverd",
                "%",
                Direction.INCREASE,
                88,
                95,
                reached=0.55,
                confidence=(7, 6),
                digits=1,
                wobble=0.12,
                notes={
                    0: "Beginwaarde uit de planningsrapportage van september.",
                    4: "Twee hubs met te weinig chauffeurs in de herfstvakantie.",
                    8: "Beter sinds het herplanmoment naar 06:00 uur is verschoven.",
                    12: "Het piekseizoen begint: we houden het vast, maar er is geen speling meer.",
                },
            ),
            KeyResultSpec(
                "dock",
                "Gemiddelde doorlooptijd van dock tot vertrek",
                "uur",
                Direction.DECREASE,
                6.5,
                4.0,
                reached=0.7,
                confidence=(6, 8),
                digits=1,
                wobble=0.08,
                notes={
                    2: "Dockafspraken zijn nu verplicht voor alle vervoerders.",
                    7: "Venlo zit op 4,6 uur; Rotterdam blijft achter.",
                    12: "Ligt op koers.",
                },
            ),
            KeyResultSpec(
                "utilisation",
                "Bezettingsgraad magazijn Venlo",
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
                    0: "Boven capaciteit: de overloopvoorraad staat in gehuurde trailers.",
                    6: "Langzaamlopers verhuisd naar de overlooplocatie in Tilburg.",
                    12: "Al drie weken binnen de bandbreedte.",
                },
            ),
        ),
    ),
    ObjectiveSpec(
        "Dé vervoerder voor webwinkels worden",
        "In e-commerce groeit het volume. We winnen webwinkels met snelle onboarding en eenvoudig "
        "retourneren, niet met kortingen.",
        business_owner="business_lead",
        it_owner="it_admin",
        key_results=(
            KeyResultSpec(
                "new_shippers",
                "Nieuwe e-commerceverladers live",
                "verladers",
                Direction.INCREASE,
                0,
                25,
                reached=0.6,
                confidence=(6, 7),
                notes={
                    3: "De eerste drie webwinkels zijn live via het selfserviceportaal.",
                    9: "Black Friday-drukte: webwinkels willen vóór de piek overstappen.",
                    12: "14 webwinkels in de pijplijn draaien een proefperiode.",
                },
            ),
            KeyResultSpec(
                "onboarding",
                "Doorlooptijd onboarding nieuwe verlader",
                "dagen",
                Direction.DECREASE,
                21,
                5,
                reached=0.75,
                confidence=(5, 8),
                wobble=0.05,
                notes={
                    0: "Gemeten over de laatste tien onboardings.",
                    5: "Selfserviceportaal opgeleverd; API-sleutels worden automatisch uitgegeven.",
                    12: "De labeltests zijn nu de langzaamste stap.",
                },
            ),
        ),
    ),
    ObjectiveSpec(
        "Klanten krijgen antwoord zonder ons te bellen",
        "De meeste telefoontjes naar de klantenservice gaan over de vraag waar een zending is. Geef "
        "klanten dat antwoord voordat ze ernaar hoeven te vragen, zodat medewerkers tijd overhouden "
        "voor de gevallen waarvoor echt een mens nodig is.",
        business_owner="business_member",
        it_owner="it_member",
        key_results=(
            KeyResultSpec(
                "wismo",
                "Telefoontjes 'waar is mijn pakket?' per 1.000 zendingen",
                "telefoontjes",
                Direction.DECREASE,
                42,
                20,
                reached=0.45,
                confidence=(6, 7),
                digits=1,
                wobble=0.1,
                notes={
                    1: "Geteld aan de hand van de gesprekstags in het callcenter, alle hubs.",
                    6: "Track-and-trace-mails live voor palletklanten.",
                    12: "De trackingpagina voor pakketten gaat de volgende sprint live.",
                },
            ),
            KeyResultSpec(
                "csat",
                "Klanttevredenheid (CSAT)",
                "/5",
                Direction.INCREASE,
                3.9,
                4.4,
                reached=0.4,
                confidence=(6, 5),
                digits=2,
                wobble=0.2,
                notes={
                    4: "Dip na de storing aan de sorteerlijn in Rotterdam.",
                    12: "Herstelt zich; de respons op de enquête is laag (6%).",
                },
            ),
            KeyResultSpec(
                "fcr",
                "Contacten afgehandeld bij het eerste contact",
                "%",
                Direction.INCREASE,
                64,
                80,
                reached=0.5,
                confidence=(7, 7),
                wobble=0.1,
                notes={
                    3: "Medewerkers zien nu de scanhistorie van de chauffeur.",
                    12: "Halverwege.",
                },
            ),
        ),
    ),
    ObjectiveSpec(
        "Lagere kosten per klant",
        "De marges in het wegvervoer zijn dun. Minder brandstof, sneller betaald krijgen en "
        "voorspelbare IT-beheerkosten, zonder in te leveren op service.",
        business_owner="finance_lead",
        it_owner="it_admin",
        key_results=(
            KeyResultSpec(
                "fuel",
                "Brandstofkosten per 100 km",
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
                    0: "Uit de overzichten van de tankpassen, hele wagenpark.",
                    5: "Dieselprijs deze maand 4% gestegen.",
                    9: "De telematica-export werkt niet meer sinds de update van het wagenparksysteem; "
                    "metingen liggen stil.",
                },
            ),
            KeyResultSpec(
                "dso",
                "Debiteurendagen (DSO)",
                "dagen",
                Direction.DECREASE,
                52,
                45,
                reached=0.35,
                confidence=(7, 6),
                wobble=0.1,
                notes={
                    2: "Drie grote klanten krijgen nog een papieren factuur.",
                    10: "Pilot e-facturatie met twee klanten.",
                },
            ),
            KeyResultSpec(
                "it_cost",
                "IT-beheerkosten als percentage van de omzet",
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
                    0: "Dubbele beheerkosten zolang we het datacenter nog niet uit zijn.",
                    8: "Oud opslagcontract afgelopen.",
                    12: "Binnen de bandbreedte.",
                },
            ),
        ),
    ),
)

SILOED = ObjectiveSpec(
    "Overstappen naar het nieuwe cloudplatform",
    "Alle workloads uit het datacenter in Eindhoven halen voordat het contract in juni afloopt.",
    business_owner="",
    it_owner="it_admin",
    key_results=(
        KeyResultSpec(
            "migrated",
            "Workloads die op Cloudline draaien",
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
    (3, 4, "Test- en stagingomgeving overgezet."),
    (1, 10, "Mail- en fileservers overgezet."),
)

INITIATIVES = (
    # --- Exemplary: every signal green ------------------------------------------------------
    InitiativeSpec(
        "Live zendingen volgen voor klanten",
        "Een trackingpagina en meldingen per e-mail of sms met een live verwachte aankomsttijd voor "
        "elk pakket en elke pallet.",
        "Klanten hoeven niet meer te bellen om te vragen waar hun zending is, zodat de medewerkers "
        "van de klantenservice hun tijd aan echte problemen kunnen besteden.",
        "Het aantal telefoontjes 'waar is mijn pakket?' is binnen twee maanden na de livegang "
        "gehalveerd en de meeste ontvangers gebruiken de trackinglink.",
        business_co_lead="business_member",
        it_co_lead="it_lead",
        sponsor="owner",
        created_by="business_member",
        created_days_ago=100,
        budget=420_000,
        start=-75,
        target=40,
        departments=("Klantenservice", "Operatie", "IT"),
        end_users=(
            "22 ontvangers en 8 callcentermedewerkers (interviews en meeluisteren met gesprekken)",
            95,
            "Ontvangers willen een levertijdvak van twee uur, niet van een hele dag, en een sms als de "
            "chauffeur over 30 minuten voor de deur staat. Medewerkers zijn een derde van hun dag kwijt "
            "aan statusvragen.",
        ),
        measures=(
            MeasureSpec(
                "Telefoontjes 'waar is mijn pakket?' per 1.000 zendingen", 42, 20, "telefoontjes", 60, "wismo"
            ),
            MeasureSpec("Ontvangers die de trackinglink openen", 0, 70, "%", 60),
        ),
        links=(
            (
                "wismo",
                "De belangrijkste hefboom: een betrouwbare aankomsttijd beantwoordt de vraag al "
                "voordat er gebeld wordt.",
            ),
            ("csat", "Minder verrassingen aan de deur."),
        ),
        steps=(
            Step(Stage.PROPOSED, 88),
            Step(Stage.APPROVED, 80, "Goedgekeurd door de stuurgroep."),
            Step(Stage.IN_DELIVERY, 75, "Aftrap met het projectteam."),
        ),
    ),
    InitiativeSpec(
        "Dynamische routeoptimalisatie",
        "Routes plannen en bijsturen op basis van actuele verkeersinformatie, orderwijzigingen en de "
        "rijtijden van chauffeurs, in plaats van met het vaste plan van gisteren.",
        "Meer leveringen komen binnen het beloofde tijdvak aan, terwijl de vrachtwagens minder "
        "kilometers rijden.",
        "Binnen twee kwartalen na de uitrol 95% op tijd geleverd en brandstofkosten onder EUR 35 per 100 km.",
        business_co_lead="owner",
        it_co_lead="it_admin",
        sponsor="owner",
        created_by="owner",
        created_days_ago=50,
        budget=680_000,
        start=10,
        target=180,
        departments=("Operatie", "IT"),
        end_users=(
            "Planners op de hubs in Rotterdam en Venlo en 12 chauffeurs",
            40,
            "Planners zijn elke ochtend een uur kwijt aan handmatig herplannen; chauffeurs willen minder "
            "wijzigingen zodra ze van het depot vertrokken zijn.",
        ),
        measures=(
            MeasureSpec("Percentage op tijd geleverd", 88, 95, "%", 180, "otd"),
            MeasureSpec("Brandstofkosten per 100 km", 38.5, 35, "EUR", 180, "fuel"),
        ),
        links=(
            ("otd", "Een betere volgorde van de stops en live herplannen rond files."),
            ("fuel", "Minder lege kilometers en minder omrijden."),
        ),
        steps=(
            Step(Stage.PROPOSED, 30),
            Step(Stage.APPROVED, 6, "Businesscase geaccepteerd; shortlist van drie leveranciers."),
        ),
    ),
    InitiativeSpec(
        "Selfservice-onboarding voor nieuwe verladers",
        "Een portaal waar een webwinkel het contract tekent, zijn API-sleutels ontvangt en zijn labels "
        "test zonder op een sales engineer te hoeven wachten.",
        "Webwinkels kunnen binnen enkele dagen in plaats van weken met ons gaan verzenden.",
        "Een nieuwe verlader is binnen vijf werkdagen live; de meeste sluiten zonder hulp aan.",
        business_co_lead="business_lead",
        it_co_lead="it_member",
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=180,
        budget=240_000,
        start=-150,
        target=-10,
        departments=("Verkoop", "IT"),
        end_users=(
            "Zes webwinkels die vorig jaar zijn aangesloten en twee sales engineers",
            170,
            "Het papierwerk was geen probleem; het wachten op API-sleutels en labeltests kostte twee weken.",
        ),
        measures=(
            MeasureSpec("Doorlooptijd onboarding nieuwe verlader", 21, 5, "dagen", 30, "onboarding"),
            MeasureSpec("Verladers aangesloten zonder sales engineer", 0, 80, "%", 90),
        ),
        links=(
            ("onboarding", "Schrapt de handmatige inrichtingsstappen."),
            ("new_shippers", "Verlaagt de drempel voor kleine webwinkels."),
        ),
        steps=(
            Step(Stage.PROPOSED, 165),
            Step(Stage.APPROVED, 155, "Goedgekeurd; gefinancierd uit het e-commercebudget."),
            Step(Stage.IN_DELIVERY, 150),
            Step(Stage.DELIVERED, 8, "Live voor alle nieuwe verladers; geaccepteerd door Verkoop."),
        ),
    ),
    InitiativeSpec(
        "Retourlabels voor klanten van webwinkels",
        "Retourlabels om te printen of met een QR-code, die webwinkels hun klanten kunnen aanbieden, "
        "met inleveren bij de pakketpunten van onze partners.",
        "Webwinkels kunnen via ons eenvoudig retourneren aanbieden: de reden die webwinkels het vaakst "
        "noemden om voor een concurrent te kiezen.",
        "Dit kwartaal tien nieuwe webwinkels binnengehaald waarbij retourneren de doorslag gaf.",
        business_co_lead="business_lead",
        it_co_lead="it_member",
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=25,
        budget=65_000,
        start=20,
        target=110,
        departments=("Verkoop", "Klantenservice", "IT"),
        end_users=(
            "Vier webwinkels die we aan concurrenten verloren en een enquête onder 310 consumenten",
            20,
            "Webwinkels willen labels met een QR-code, zonder printer; consumenten willen een "
            "inleverpunt binnen 2 km.",
        ),
        measures=(
            MeasureSpec(
                "Nieuwe webwinkels gewonnen dankzij retouren", 0, 10, "verladers", 100, "new_shippers"
            ),
        ),
        links=(("new_shippers", "Neemt de meest genoemde reden weg waarom we een deal verliezen."),),
        steps=(Step(Stage.PROPOSED, 5),),
    ),
    InitiativeSpec(
        "Afsprakenplanning voor de docks",
        "Vervoerders boeken online een dockslot; de poort ziet wie er komt en wanneer.",
        "Vrachtwagens komen aan als er een dock vrij is: kortere wachttijden bij de poort en een "
        "kortere doorlooptijd van dock tot vertrek.",
        "Wachttijd bij de poort onder de 20 minuten; van dock tot vertrek binnen 5 uur.",
        business_co_lead="owner",
        it_co_lead="it_lead",
        sponsor="owner",
        created_by="owner",
        created_days_ago=300,
        budget=95_000,
        start=-260,
        target=-120,
        departments=("Operatie", "IT"),
        end_users=(
            "Planners van vijf vervoerders en de poortmedewerkers in Venlo",
            290,
            "Vervoerders boeken online als de slots gegarandeerd zijn; de poortmedewerkers willen één "
            "scherm in plaats van drie.",
        ),
        measures=(
            MeasureSpec("Gemiddelde wachttijd bij de poort", 55, 20, "minuten", -120),
            MeasureSpec("Gemiddelde doorlooptijd van dock tot vertrek", 6.5, 5, "uur", -60, "dock"),
        ),
        links=(("dock", "Vrachtwagens worden geladen zodra ze aankomen."),),
        steps=(
            Step(Stage.PROPOSED, 280),
            Step(Stage.APPROVED, 270),
            Step(Stage.IN_DELIVERY, 260),
            Step(Stage.DELIVERED, 125, "Live op beide hubs."),
            Step(
                Stage.CLOSED,
                60,
                "Twee maanden op rij de doelen gehaald.",
                outcome=Outcome.YES,
                lessons="Beginnen met een pilot op één hub heeft zich terugbetaald: de feedback van de "
                "vervoerders in Venlo heeft de boekingsregels bepaald vóór de uitrol. Betrek de "
                "planners van de vervoerders de volgende keer vanaf de eerste workshop.",
            ),
        ),
    ),
    # --- Closed with mixed results -----------------------------------------------------------
    InitiativeSpec(
        "Chatbot voor de klantenservice",
        "Een chatbot op de website en in het klantportaal voor standaardvragen.",
        "Standaardvragen worden dag en nacht beantwoord, zodat medewerkers tijd hebben voor complexe "
        "gevallen.",
        "De bot handelt 30% van de contacten af zonder tussenkomst van een medewerker.",
        business_co_lead="business_member",
        it_co_lead="it_member",
        sponsor="owner",
        created_by="business_member",
        created_days_ago=245,
        budget=120_000,
        start=-220,
        target=-90,
        departments=("Klantenservice", "IT"),
        end_users=(
            "Callcentermedewerkers en 150 klanten via een peiling op de website",
            240,
            "Klanten accepteren een bot voor vragen over hun zending, niet voor schadeclaims.",
        ),
        measures=(MeasureSpec("Contacten afgehandeld door de bot", 0, 30, "%", -60),),
        links=(("wismo", "De bot beantwoordt vragen over de status van zendingen."),),
        steps=(
            Step(Stage.PROPOSED, 235),
            Step(Stage.APPROVED, 228),
            Step(Stage.IN_DELIVERY, 220),
            Step(Stage.DELIVERED, 95),
            Step(
                Stage.CLOSED,
                45,
                "Geëvalueerd na drie maanden in gebruik.",
                outcome=Outcome.PARTLY,
                lessons="De bot handelde 18% van de contacten af, geen 30%: hij kon de live "
                "zendingsgegevens niet zien zolang het trackingproject die niet beschikbaar stelt. "
                "Zorg eerst dat de data op orde is voordat je kanalen toevoegt.",
            ),
        ),
    ),
    InitiativeSpec(
        "Papierloos afleverbewijs",
        "Chauffeurs leggen de handtekening van de ontvanger vast op hun handheld; de getekende "
        "vrachtbrief ligt dezelfde dag bij de facturatie.",
        "We factureren op de dag van levering in plaats van een week te wachten op de papieren "
        "vrachtbrieven.",
        "Facturen gaan binnen één dag na levering de deur uit.",
        business_co_lead="finance_lead",
        it_co_lead="it_lead",
        sponsor="finance_lead",
        created_by="finance_lead",
        created_days_ago=350,
        budget=180_000,
        start=-330,
        target=-150,
        departments=("Financiën", "Operatie", "IT"),
        end_users=(
            "15 chauffeurs en het facturatieteam",
            345,
            "De facturatie wil de getekende vrachtbrief dezelfde dag hebben; chauffeurs zien op tegen "
            "tekenen op een telefoon in de regen.",
        ),
        measures=(MeasureSpec("Dagen van levering tot factuur", 7, 1, "dagen", -150, "dso"),),
        links=(("dso", "Eerder gefactureerd, eerder betaald."),),
        steps=(
            Step(Stage.PROPOSED, 340),
            Step(Stage.APPROVED, 335),
            Step(Stage.IN_DELIVERY, 330),
            Step(Stage.DELIVERED, 160),
            Step(
                Stage.CLOSED,
                100,
                "Gestopt na de evaluatie van de winter.",
                outcome=Outcome.NO,
                lessons="Het vastleggen van handtekeningen mislukte in de kou en op oudere handhelds, "
                "dus hielden chauffeurs papieren vrachtbrieven als back-up en wachtte de facturatie daar "
                "toch op. De chauffeurs hadden het ons bij de start al gezegd: test op hun eigen "
                "apparaten, in de winter, voordat je gaat bouwen.",
            ),
        ),
    ),
    # --- Paused and cancelled ----------------------------------------------------------------
    InitiativeSpec(
        "Pilot pickrobots in Venlo",
        "Autonome mobiele robots brengen de bakken naar de orderpickers in de lange gangpaden.",
        "In de piek meer orderregels per uur picken zonder uitzendkrachten in te huren.",
        "140 orderregels per pickuur in de pilotzone.",
        business_co_lead="owner",
        it_co_lead="it_lead",
        sponsor="finance_lead",
        created_by="owner",
        created_days_ago=80,
        budget=850_000,
        start=30,
        target=240,
        departments=("Operatie", "IT"),
        end_users=(
            "Orderpickers en ploegleiders in Venlo",
            70,
            "Ploegleiders willen robots op de lange looproutes; orderpickers maken zich zorgen over de "
            "veiligheidszones.",
        ),
        measures=(MeasureSpec("Gepickte orderregels per uur", 95, 140, "regels/uur", 240),),
        links=(("dock", "Sneller picken verkort de doorlooptijd van dock tot vertrek."),),
        steps=(
            Step(Stage.PROPOSED, 60),
            Step(Stage.APPROVED, 45),
            Step(
                Stage.PAUSED,
                12,
                "Budget bevroren tot de evaluatie in januari: het magazijnvolume daalde met 12% na het "
                "vertrek van een grote retailklant.",
            ),
        ),
    ),
    InitiativeSpec(
        "Eigen telematicaplatform voor het wagenpark",
        "Een eigen platform bouwen voor de posities van de vrachtwagens, de rijstijl en het "
        "brandstofverbruik.",
        "Weten waar elke vrachtwagen is en hoe ermee gereden wordt, om het brandstofverbruik omlaag "
        "te brengen.",
        "Brandstofkosten per 100 km EUR 3 lager.",
        business_co_lead="owner",
        it_co_lead="it_admin",
        sponsor="it_admin",
        created_by="it_admin",
        created_days_ago=120,
        budget=300_000,
        start=-60,
        target=120,
        departments=("Operatie", "IT"),
        waiver="Een infrastructuurkeuze; de kijk van de chauffeurs is al opgehaald in de interviews "
        "voor de routeoptimalisatie.",
        measures=(MeasureSpec("Brandstofkosten per 100 km", 38.5, 35.5, "EUR", 180, "fuel"),),
        links=(("fuel", "Coaching op rijstijl op basis van de data."),),
        steps=(
            Step(Stage.PROPOSED, 100),
            Step(
                Stage.CANCELLED,
                85,
                "De wagenparkdienst van Cloudline dekt 90% van de behoefte tegen een vast bedrag per "
                "maand; zelf bouwen loont niet.",
            ),
        ),
    ),
    # --- Late IT involvement (approved before the gate existed) -------------------------------
    InitiativeSpec(
        "E-facturatie voor alle klanten",
        "Gestructureerde e-facturen (UBL via Peppol) met de zendingsreferentie op elke regel.",
        "Klanten verwerken onze facturen automatisch, zodat ze sneller betalen en minder facturen betwisten.",
        "Debiteurendagen omlaag naar 45; het aantal betwiste facturen gehalveerd.",
        business_co_lead="finance_lead",
        it_co_lead="it_member",
        sponsor="finance_lead",
        created_by="finance_lead",
        created_days_ago=130,
        budget=140_000,
        start=-100,
        target=45,
        departments=("Financiën", "IT"),
        end_users=(
            "De crediteurenadministratie van acht grote klanten",
            125,
            "Ze willen Peppol-facturen met de zendingsreferentie op elke regel.",
        ),
        measures=(MeasureSpec("Debiteurendagen (DSO)", 52, 45, "dagen", 90, "dso"),),
        links=(("dso", "Facturen die zonder handmatige controle worden verwerkt, worden eerder betaald."),),
        steps=(
            Step(Stage.PROPOSED, 120),
            Step(Stage.APPROVED, 110),
            Step(
                Stage.IN_DELIVERY,
                100,
                "Financiën is met de ERP-leverancier begonnen; IT schoof aan toen de Peppol-koppeling "
                "gebouwd moest worden.",
            ),
        ),
        it_joined_late=Stage.IN_DELIVERY,
    ),
    InitiativeSpec(
        "Wekelijks provisieoverzicht voor vertegenwoordigers",
        "Een dashboard dat elke vertegenwoordiger wekelijks laat zien hoeveel provisie hij op "
        "getekende contracten heeft verdiend.",
        "Vertegenwoordigers sturen op marge in plaats van op volume, omdat ze zien wat elke deal hun "
        "oplevert.",
        "Gemiddelde marge op nieuwe contracten van 8% naar 11%.",
        business_co_lead="business_lead",
        it_co_lead="it_lead",
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=60,
        budget=35_000,
        start=14,
        target=75,
        departments=("Verkoop", "Financiën", "IT"),
        end_users=(
            "Twaalf vertegenwoordigers",
            55,
            "Ze horen pas aan het eind van het kwartaal wat hun provisie is en vertrouwen de spreadsheet niet.",
        ),
        measures=(MeasureSpec("Gemiddelde marge op nieuwe contracten", 8, 11, "%", 180),),
        links=(("new_shippers", "Beloont het binnenhalen van winstgevende webwinkels."),),
        steps=(
            Step(Stage.PROPOSED, 40),
            Step(
                Stage.APPROVED,
                20,
                "Goedgekeurd door de salesdirectie; IT is pas daarna gevraagd het te bouwen.",
            ),
        ),
        it_joined_late=Stage.APPROVED,
    ),
    # --- Waiting at the gate, each missing something else --------------------------------------
    InitiativeSpec(
        "CRM voor key accounts",
        "De accountspreadsheets en gedeelde Outlook-mappen vervangen door een CRM.",
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
        departments=("Verkoop",),
        end_users=(
            "Vijf key-accountmanagers",
            12,
            "Bij grote klanten raken ze het overzicht kwijt wie met wie heeft gesproken.",
        ),
    ),
    InitiativeSpec(
        "Vernieuwde chauffeursapp",
        "Een snellere chauffeursapp met grotere knoppen en offline scannen.",
        "Chauffeurs zijn minder tijd kwijt aan de app en hebben meer tijd om te leveren, en scans gaan "
        "niet meer verloren op plekken zonder bereik.",
        "Chauffeurs vinden de nieuwe app fijn.",
        business_co_lead="owner",
        it_co_lead="it_member",
        sponsor="owner",
        created_by="it_member",
        created_days_ago=35,
        budget=110_000,
        start=30,
        target=150,
        departments=("Operatie", "IT"),
        end_users=(
            "De chauffeursraad (negen chauffeurs)",
            30,
            "De app start traag op en de scanknop is te klein om met handschoenen aan te raken.",
        ),
        measures=(MeasureSpec("Chauffeurs die tevreden zijn over de app", None, None, ""),),  # no target
        links=(("otd", "Chauffeurs zien routewijzigingen eerder."),),
        steps=(Step(Stage.PROPOSED, 10),),
    ),
    InitiativeSpec(
        "Prijstool voor spotvracht",
        "Verkoop test een prijsdienst voor spoedeisende eenmalige ladingen; IT is er niet bij betrokken.",
        "Prijzen voor spotvracht binnen minuten in plaats van uren afgeven, om meer van de spoedladingen "
        "binnen te halen waar klanten om vragen.",
        "80% van de spotaanvragen binnen 15 minuten geoffreerd.",
        business_co_lead="business_lead",
        it_co_lead=None,
        sponsor="business_lead",
        created_by="business_lead",
        created_days_ago=28,
        budget=80_000,
        start=15,
        target=90,
        departments=("Verkoop",),
        end_users=(
            "De spotvrachtdesk en drie vaste spotklanten",
            25,
            "Klanten gunnen de lading aan wie het eerst reageert.",
        ),
        measures=(MeasureSpec("Spotaanvragen binnen 15 minuten geoffreerd", 20, 80, "%", 90),),
        links=(("new_shippers", "Webwinkels hebben in de piek snel extra capaciteit nodig."),),
        steps=(Step(Stage.PROPOSED, 14),),
    ),
    InitiativeSpec(
        "Geautomatiseerde douaneaangiften",
        "Douaneaangiften voor zendingen naar het Verenigd Koninkrijk automatisch indienen op basis van "
        "de ordergegevens.",
        "Vrachtwagens naar het Verenigd Koninkrijk komen door de douane zonder op handmatige aangiften "
        "te wachten, en we betalen douane-expediteurs niet langer per aangifte.",
        "90% van de aangiften automatisch ingediend; kosten voor douane-expediteurs EUR 150.000 per "
        "jaar lager.",
        business_co_lead="finance_lead",
        it_co_lead="it_lead",
        sponsor="finance_lead",
        created_by="finance_lead",
        created_days_ago=45,
        budget=210_000,
        start=30,
        target=160,
        departments=("Financiën", "Operatie", "IT"),
        measures=(
            MeasureSpec("Automatisch ingediende aangiften", 0, 90, "%", 180),
            MeasureSpec("Kosten voor douane-expediteurs", 210_000, 60_000, "EUR/jaar", 365),
        ),
        links=(("otd", "Minder vrachtwagens die aan de grens worden opgehouden."),),
        steps=(Step(Stage.PROPOSED, 20),),
    ),
    InitiativeSpec(
        "Het warehousemanagementsysteem in containers onderbrengen",
        "Het warehousemanagementsysteem in containers verpakken, zodat het op Cloudline kan draaien.",
        "Het magazijnsysteem kan het oude datacenter uit voordat het contract in juni afloopt.",
        "Gemigreerd met maximaal vier uur geplande downtime.",
        business_co_lead="owner",
        it_co_lead="it_admin",
        sponsor="it_admin",
        created_by="it_admin",
        created_days_ago=20,
        budget=260_000,
        start=40,
        target=190,
        departments=("Operatie", "IT"),
        waiver="Een wijziging aan de achterkant: magazijnmedewerkers merken er niets van.",
        measures=(MeasureSpec("Geplande downtime tijdens de verhuizing", None, 4, "uur", 190),),
        links=(("migrated", "De grootste workload die nog in het datacenter draait."),),
    ),
    InitiativeSpec(
        "Wifi-upgrade in het magazijn in Venlo",
        "Nieuwe accesspoints voor de gangpaden 30 tot en met 48 in de hoogbouw.",
        "Scanners verliezen in de hoogbouw niet meer de verbinding; dat kost orderpickers nu elke "
        "dienst meerdere minuten.",
        "Hooguit één verbroken scannerverbinding per dienst.",
        business_co_lead=None,
        it_co_lead="it_admin",
        sponsor="it_admin",
        created_by="it_admin",
        created_days_ago=10,
        budget=45_000,
        start=21,
        target=60,
        departments=("Operatie", "IT"),
        end_users=(
            "Orderpickers en de ploegleiders in Venlo",
            8,
            "Dode plekken in de hoogbouw; na een verbroken verbinding opnieuw moeten scannen is de "
            "dagelijkse ergernis.",
        ),
        measures=(MeasureSpec("Verbroken scannerverbindingen per dienst", 14, 1, "onderbrekingen", 60),),
    ),
)
