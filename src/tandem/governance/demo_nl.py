"""The words of the governance demo in Dutch (the structure is ``demo``'s)."""

from __future__ import annotations

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
