"""The demo's survey content in Dutch: the same campaigns as ``demo``, with Dutch free-text answers and
department names."""

from __future__ import annotations

from dataclasses import replace

from tandem.core import demo as core_demo
from tandem.core import demo_nl as core_demo_nl
from tandem.core.models import Side
from tandem.surveys import demo
from tandem.surveys.demo import CampaignSpec

# The Dutch demo's department of each English one (``tandem.core.demo_nl``).
_DEPARTMENT = dict(zip(core_demo.DEPARTMENTS, core_demo_nl.DEPARTMENTS, strict=True))


def _dutch(spec: CampaignSpec) -> CampaignSpec:
    """The English campaign with its turnout keyed by the Dutch departments: the same numbers."""
    return replace(spec, turnout={_DEPARTMENT.get(group, group): n for group, n in spec.turnout.items()})


ROSTER_GROUPS: tuple[tuple[str, str, int], ...] = tuple(
    (side, _DEPARTMENT.get(department, department), size) for side, department, size in demo.ROSTER_GROUPS
)

# The free-text answers, by theme (the keys are identifiers and stay as in ``demo``).
THEMES: dict[str, tuple[str, ...]] = {
    "early": (
        "Betrek IT vóórdat de oplossing gekozen is, niet pas als het contract al getekend is.",
        "Neem bij een nieuw initiatief meteen een architect mee in het eerste gesprek.",
        "Vraag IT naar het probleem, niet alleen hoe we een tool bouwen die iemand al heeft uitgekozen.",
        "Laat IT aansluiten bij de verkenning, in plaats van ons een kant-en-klare lijst eisen te geven.",
        "IT uitnodigen bij de kick-off, dan zijn risico's nog goedkoop op te lossen.",
        "Praat met ons zolang het idee nog een idee is, niet pas na de demo van de leverancier.",
        "IT vanaf dag één meenemen in de businesscase.",
    ),
    "priorities": (
        "Eén gezamenlijke prioriteitenlijst voor business en IT, die we elk kwartaal samen vaststellen.",
        "Niet elke week andere prioriteiten! Spreek af wat het belangrijkst is en hou je daaraan.",
        "Duidelijke volgorde van projecten, dan weten we wat eraf kan als er iets met spoed binnenkomt.",
        "Laat de stuurgroep bepalen wat eerst gaat, niet degene die het hardst roept.",
        "Samen een top 5 van prioriteiten afspreken en die voor iedereen zichtbaar maken.",
        "Minder projecten tegelijk, en ze één voor één afmaken in de volgorde die we hebben afgesproken.",
        "Maak zichtbaar wat we tussen projecten tegen elkaar afwegen en beslis daar samen over.",
    ),
    "tools": (
        "Minder tools. We volgen dezelfde klantorder nu in drie verschillende systemen.",
        "Weg met die oude planningsexcel, zodat iedereen op één plek werkt.",
        "Minder applicaties waar we elke dag op moeten inloggen.",
        "Eén ticketsysteem in plaats van mail, chat en Excel-lijstjes door elkaar.",
        "Stop met nieuwe software kopen voordat de oude is uitgezet.",
    ),
    "communication": (
        "Laat uit jezelf weten hoe het met onze aanvragen staat, nu moeten we er steeds zelf achteraan.",
        "Regelmatig een korte update van IT, in gewone taal en zonder vakjargon.",
        "Een maandelijks overleg waarin business en IT bespreken wat er aankomt.",
        "Leg uit waarom iets zo lang duurt, in plaats van alleen 'staat op de backlog' te zeggen.",
        "Gewoon rechtstreeks met elkaar praten in plaats van via tickets.",
        "Deel de releaseplanning vooraf met de teams die ermee te maken krijgen.",
    ),
    "speed": (
        "Kleine verbeteringen sneller opleveren in plaats van wachten op de grote release.",
        "Kortere doorlooptijd voor simpele aanpassingen aan rapporten en schermen.",
        "Sneller reageren op verzoeken, sommige liggen weken zonder antwoord.",
        "Een snelle route voor kleine wijzigingen die minder dan een dag werk zijn.",
        "Vaker releasen graag, dan hebben we fixes ook eerder binnen.",
    ),
    "constraints": (
        "Besef dat het draaiende houden van de oude systemen de helft van onze capaciteit kost.",
        "Accepteer dat securityreviews tijd kosten en plan ze vanaf het begin in.",
        "Budget voor onderhoud, niet alleen voor nieuwe features.",
        "Kijk eerst wat een uitzondering op onze standaarden kost voordat je erom vraagt.",
        "Vergeet niet dat elk nieuw systeem jarenlang mensen nodig heeft om het te ondersteunen.",
    ),
    "trust": (
        "Vertrouw op ons technisch advies als we zeggen dat een quick fix later meer gaat kosten.",
        "Behandel IT als partner aan tafel, niet als bestelloket.",
        "Als het bedrijfsdoel helder is, laat de technische keuzes dan aan IT over.",
        "Geef IT een plek in het MT, daar wordt de strategie bepaald.",
        "Beoordeel IT op wat we samen bereiken, niet op het aantal gesloten tickets.",
    ),
}

# The strategy as people put it in their own words (the open "Strategy understanding" survey).
STRATEGY_ANSWERS: dict[str, tuple[tuple[str, str], ...]] = {
    Side.BUSINESS: (
        (
            "Webwinkels als klant winnen met makkelijk retourneren en betrouwbare levering de volgende dag.",
            "Levering de volgende dag\nMakkelijk retourneren\nMinder telefoontjes van klanten",
        ),
        (
            "Groeien met e-commerceklanten door de betrouwbaarste vervoerder van de Benelux te zijn.",
            "Betrouwbaar leveren\nGroei in e-commerce\nLagere kosten per pakket",
        ),
        (
            "Klanten op de hoogte houden zodat ze ons niet meer bellen, en sneller ons geld binnenkrijgen.",
            "Live track & trace\nFacturen sneller betaald\nTevredener klanten",
        ),
        (
            "De vervoerder waar webwinkels voor kiezen, want retourneren is simpel en je volgt alles live.",
            "Makkelijk retourneren\nZendingen live volgen\nMeer webwinkels",
        ),
    ),
    Side.IT: (
        (
            "Het eventplatform moderniseren en de kernsystemen naar de cloud brengen.",
            "Migratie naar de cloud\nEventplatform\nSecurity",
        ),
        (
            "Live volgen voor klanten en het papierwerk automatiseren, zoals facturen en douane.",
            "Live zendingen volgen\nE-facturatie\nDouane automatiseren",
        ),
        (
            "Betrouwbaar leveren voor webwinkels, met data waar iedereen op kan vertrouwen.",
            "Betrouwbaar leveren\nEén bron voor data\nMinder systemen",
        ),
        (
            "De legacysystemen vervangen zodat we sneller kunnen veranderen.",
            "Legacy uitfaseren\nStandaardtools\nSneller releasen",
        ),
    ),
}


CLOSED = tuple(_dutch(spec) for spec in demo.CLOSED)
STRATEGY_OPEN = _dutch(demo.STRATEGY_OPEN)
