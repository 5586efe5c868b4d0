"""The words of the weekly-review demo in Dutch (the structure is ``demo``'s)."""

from __future__ import annotations

from tandem.reviews.demo import (
    CHATBOT,
    DOCKS,
    ONBOARDING,
    RETURNS,
    ROUTES,
    TRACKING,
    ActionSpec,
    DecisionSpec,
    ItemSpec,
    ReviewSpec,
    WinSpec,
)

SERIES_NAME = "Wekelijks overleg business en IT"

REVIEWS = (
    ReviewSpec(
        12,
        notes="Eerste weekoverleg in Tandem: we houden het op een uur en beginnen bij de agenda.",
        items=(
            ItemSpec(
                "why_misaligned",
                "Chatbot voor de klantenservice",
                15,
                "De twee trekkers vertellen een ander verhaal.",
                CHATBOT,
            ),
            ItemSpec("stage_changed", "Live zendingen volgen voor klanten", 5, "", TRACKING),
            ItemSpec("", "Hoe we dit overleg voortaan houden", 10),
        ),
        decisions=(
            DecisionSpec(
                "Business en IT overleggen elke week, niet elk kwartaal",
                "In de kwartaalstuurgroep horen we problemen maanden te laat; een wekelijks uur houdt ze klein.",
                "Kwartaalstuurgroep zoals eerst; overleg om de week; elke week.",
            ),
        ),
        actions=(
            ActionSpec(
                "Het bedrijfsresultaat van de chatbot samen met beide trekkers opschrijven",
                "business_lead",
                7,
                6,
                CHATBOT,
            ),
            ActionSpec("Financiën uitnodigen voor het weekoverleg", "owner", 7, 2),
        ),
    ),
    ReviewSpec(
        11,
        items=(
            ItemSpec(
                "slipped",
                "Koppeling met de vervoerders-API",
                10,
                "Cloudline heeft twee weken extra nodig.",
                TRACKING,
            ),
            ItemSpec("awaiting_decision", "Een chatvenster toevoegen", 10, "", TRACKING),
            ItemSpec(
                "sla_breach", "Hosting door Cloudline", 10, "Reactietijd deze maand twee keer niet gehaald."
            ),
        ),
        decisions=(
            DecisionSpec(
                "De extra vervoerdersfeed voor live volgen goedkeuren",
                "Zonder de tweede vervoerder toont de helft van de pakketten geen verwachte aankomsttijd.",
                "Wachten op de volgende release; nu goedkeuren met het budget uit het wijzigingsverzoek.",
                TRACKING,
                revisit_weeks=8,
            ),
        ),
        actions=(
            ActionSpec("Een herstelplan afspreken met Cloudline", "it_lead", 7, 5),
            ActionSpec(
                "Het budget van live volgen nalopen na het wijzigingsverzoek",
                "finance_lead",
                14,
                10,
                TRACKING,
            ),
        ),
        wins=(
            WinSpec(
                "Contract tekenen staat live in het onboardingportaal",
                "Webwinkels tekenen online; de eerste drie deden dat op de eerste dag.",
                ("it_member", "business_member"),
                ONBOARDING,
            ),
        ),
    ),
    ReviewSpec(
        10,
        items=(
            ItemSpec("action", "Een herstelplan afspreken met Cloudline", 5),
            ItemSpec(
                "rejected",
                "Labeltest met echte printers",
                15,
                "Niet wat we verwachtten: de labels hebben geen retouradres.",
                ONBOARDING,
            ),
            ItemSpec("no_check_in", "Percentage op tijd geleverd", 5),
        ),
        actions=(
            ActionSpec("De labeltest samen met het magazijn opnieuw doen", "it_member", 14, 12, ONBOARDING),
        ),
    ),
    ReviewSpec(
        9,
        items=(
            ItemSpec("why_needs_discussion", "Afsprakenplanning voor de docks", 15, "", DOCKS),
            ItemSpec("survey_published", "Temperatuurmeting business en IT, voorjaar", 15),
            ItemSpec(
                "",
                "Vakantievervanging op de IT-servicedesk",
                5,
                dropped="Komt in het eigen overleg van de servicedesk.",
            ),
        ),
        decisions=(
            DecisionSpec(
                "De chatbot stilzetten tot beide trekkers het eens zijn over het doel",
                "De waaromcheck laat twee verhalen zien; nu bouwen dient de KPI van één kant.",
                "Doorgaan en later bijsturen; eerst stilzetten en opnieuw afstemmen.",
                CHATBOT,
                sides=("it",),
            ),
        ),
        actions=(
            ActionSpec("De grootste verschillen uit de meting delen met het managementteam", "owner", 7, 7),
        ),
    ),
    ReviewSpec(
        8,
        items=(
            ItemSpec(
                "accepted",
                "Labeltest met echte printers",
                5,
                "Bij de tweede aanbieding geaccepteerd.",
                ONBOARDING,
            ),
            ItemSpec(
                "escalation",
                "Datafeed voor de routeplanning",
                15,
                "RouteWise reageerde niet binnen de afgesproken tijd.",
            ),
        ),
        actions=(
            ActionSpec(
                "Een gezamenlijke sessie met RouteWise over de datafeed plannen", "it_lead", 7, 11, ROUTES
            ),
        ),
        wins=(
            WinSpec(
                "Labeltest geaccepteerd",
                "Het magazijn deed hem in twee weken opnieuw: de labels hebben nu een retouradres.",
                ("it_member",),
                ONBOARDING,
            ),
        ),
    ),
    ReviewSpec(7, cancelled="Kwartaalafsluiting: niemand van Financiën of de business kon.", held=False),
    ReviewSpec(
        6,
        absent_side="it",
        notes="IT kon niet (releaseweekend); we hebben alleen de open acties doorgenomen.",
        items=(ItemSpec("action", "Een gezamenlijke sessie met RouteWise over de datafeed plannen", 10),),
        decisions=(
            DecisionSpec(
                "De lancering van de retourlabels na het piekseizoen",
                "De magazijnen kunnen in november geen nieuw proces aan.",
                "Nu lanceren; in januari lanceren.",
                RETURNS,
                sides=("business",),
                revisit_weeks=6,
            ),
        ),
        actions=(
            ActionSpec(
                "De webwinkels de nieuwe lanceerdatum van de retourlabels laten weten",
                "business_member",
                7,
                12,
                RETURNS,
            ),
        ),
    ),
    ReviewSpec(5, held=False),
    ReviewSpec(
        4,
        notes="Weer op koers: het weekoverleg staat bij beide kanten als eerste in de agenda, niet als eerste om te verschuiven.",
        items=(
            ItemSpec("", "Waarom hebben we drie weken overgeslagen?", 15),
            ItemSpec(
                "unexplained",
                "Dynamische routeoptimalisatie",
                10,
                "Budget na goedkeuring verhoogd zonder wijzigingsverzoek.",
                ROUTES,
            ),
            ItemSpec("action", "De webwinkels de nieuwe lanceerdatum van de retourlabels laten weten", 5),
        ),
        decisions=(
            DecisionSpec(
                "Een weekoverleg schuiven we, we schrappen het nooit: past de dag niet, dan de volgende werkdag",
                "Drie weken zonder overleg lieten het routebudget stijgen zonder dat iemand erover besliste.",
                "De vaste dag houden; naar de volgende werkdag schuiven mag; een korter overleg.",
            ),
            DecisionSpec(
                "Elke budgetwijziging loopt via een wijzigingsverzoek",
                "De onverklaarde verhoging van het routebudget verraste Financiën.",
                "",
                ROUTES,
            ),
        ),
        actions=(
            ActionSpec(
                "Het wijzigingsverzoek achter de verhoging van het routebudget indienen",
                "it_lead",
                7,
                6,
                ROUTES,
            ),
            ActionSpec("Het weekoverleg via de agendafeed in ieders agenda zetten", "it_admin", 3, 1),
        ),
    ),
    ReviewSpec(
        3,
        items=(
            ItemSpec(
                "realigned",
                "Chatbot voor de klantenservice",
                5,
                "Beide trekkers vertellen nu hetzelfde waarom.",
                CHATBOT,
            ),
            ItemSpec("incident_open", "Volgpagina een uur onbereikbaar", 10, "", TRACKING),
        ),
        actions=(
            ActionSpec(
                "De evaluatie van de storing van de volgpagina schrijven", "it_lead", 10, None, TRACKING
            ),
            ActionSpec(
                "Het klantenpanel vragen naar de meldingen bij live volgen", "business_lead", 14, 9, TRACKING
            ),
        ),
        wins=(
            WinSpec(
                "De trekkers van de chatbot zijn weer op één lijn",
                "Eén waarom, één maatstaf: minder routinevragen aan de telefoon, op hetzelfde dashboard gemeten.",
                ("business_lead", "it_lead"),
                CHATBOT,
            ),
        ),
    ),
    ReviewSpec(
        2,
        items=(
            ItemSpec("action", "De evaluatie van de storing van de volgpagina schrijven", 5),
            ItemSpec("confidence_falling", "Pakketten bezorgd binnen het beloofde tijdvak", 10),
            ItemSpec(
                "good_feedback",
                "Live zendingen volgen voor klanten",
                5,
                "Ontvangers geven de volgpagina een 4,5 van 5.",
                TRACKING,
            ),
        ),
        decisions=(
            DecisionSpec(
                "Eerst een tweede vervoerdersfeed, dan live volgen uitbreiden naar België",
                "Belgische pakketten gaan vooral via de tweede vervoerder.",
                "Nu uitbreiden en de feed later toevoegen; eerst de feed.",
                TRACKING,
                revisit_weeks=10,
            ),
        ),
        actions=(ActionSpec("De Belgische vervoerdersfeed begroten", "it_member", 10, None, TRACKING),),
        wins=(
            WinSpec(
                "Ontvangers zijn blij met de volgpagina",
                "Een 4,5 van 5 van 40 ontvangers.",
                ("it_member", "it_lead"),
                TRACKING,
            ),
        ),
    ),
    ReviewSpec(
        1,
        items=(
            ItemSpec("action", "De Belgische vervoerdersfeed begroten", 5),
            ItemSpec("awaiting_decision", "Pilot routeplanning in Venlo", 15, "", ROUTES),
        ),
        actions=(
            ActionSpec(
                "Het go/no-go-besluit voor de pilot routeplanning voorbereiden",
                "business_lead",
                12,
                None,
                ROUTES,
            ),
        ),
    ),
)
