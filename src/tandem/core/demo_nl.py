"""The demo's people and departments in Dutch: the same people as ``demo``, with Dutch job titles
and department names (docs/glossary-nl.md)."""

from __future__ import annotations

from tandem.core.demo import OWNER_EMAIL, DemoPerson
from tandem.core.models import Role, Side

PEOPLE = [
    DemoPerson(
        "owner", OWNER_EMAIL, "Olivia Brandt", Role.OWNER, Side.BUSINESS, "Operatie", "Directeur operatie"
    ),
    DemoPerson("it_admin", "cio@example.com", "Ahmed Haddad", Role.ADMIN, Side.IT, "IT", "CIO"),
    DemoPerson(
        "business_lead",
        "sales.lead@example.com",
        "Bea de Vries",
        Role.LEAD,
        Side.BUSINESS,
        "Verkoop",
        "Hoofd verkoop",
    ),
    DemoPerson(
        "it_lead", "architect@example.com", "Ivan Petrov", Role.LEAD, Side.IT, "IT", "Enterprise-architect"
    ),
    DemoPerson(
        "finance_lead",
        "finance.lead@example.com",
        "Femke Visser",
        Role.LEAD,
        Side.BUSINESS,
        "Financiën",
        "Financieel directeur",
    ),
    DemoPerson(
        "business_member",
        "analyst@example.com",
        "Mia Jansen",
        Role.MEMBER,
        Side.BUSINESS,
        "Klantenservice",
        "Analist klantenservice",
    ),
    DemoPerson(
        "it_member", "developer@example.com", "Tom Bakker", Role.MEMBER, Side.IT, "IT", "Softwareontwikkelaar"
    ),
    DemoPerson(
        "partner",
        "partner@cloudline.example",
        "Pat Quinn",
        Role.PARTNER,
        Side.PARTNER,
        "",
        "Accountmanager, Cloudline",
    ),
    DemoPerson(
        "viewer",
        "board@example.com",
        "Vera Smit",
        Role.VIEWER,
        Side.BUSINESS,
        "",
        "Lid raad van commissarissen",
    ),
]
DEPARTMENTS = ["Verkoop", "Operatie", "Financiën", "Klantenservice", "IT"]
