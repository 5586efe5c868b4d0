"""The words of the alignment index's demo story in Dutch (the structure is ``demo``'s)."""

from __future__ import annotations

NO_IT_CO_LEAD = "Alleen een co-lead vanuit de business: niemand van IT leidt het nog mee."
GATE_HALF_MISSING = (
    "De helft van de goedkeuringspoort ontbreekt: geen nulmeting en geen streefdatum voor de succesmaat."
)
SILOED = "Alleen van Finance: IT is niet gevraagd het samen te dragen."
ALIGNED = "Op één lijn: beide co-leads geven dezelfde reden waarom het ertoe doet."
MISALIGNED_ROUTES = (
    "Niet op één lijn: de business wil minder late leveringen, IT wil het planningssysteem vervangen."
)
REALIGNED = "Weer op één lijn nadat de co-leads eerst voor minder late leveringen kozen."
REALIGNED_LATE = "Na 35 dagen weer op één lijn gebracht (binnen 7 dagen telt volledig)."
REALIGNMENT_LABEL = "%(title)s: weer op één lijn"
NEEDS_DISCUSSION = "Bespreken: dezelfde reden, andere doelen en data."
MISALIGNED_TRACKING = (
    "Niet op één lijn: IT schoof op naar het herbouwen van het eventplatform; het initiatief is gepauzeerd."
)
HABIT_SLIPPED = "Het weekoverleg liet het afweten: afgezegd voor de kwartaalafsluiting, zonder IT gehouden, niet gehouden."
HABIT_LABEL = "Weekoverleg gehouden"
IT_CO_LEAD_LEFT = "Alleen een co-lead vanuit de business sinds de IT-co-lead naar een ander team ging."
NOT_YET_WHYCHECK = "Er was nog geen waaromcheck afgerond."
NOT_YET_PERCEPTION = "Er waren nog geen resultaten van een vragenlijst gepubliceerd."
