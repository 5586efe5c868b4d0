"""The demo organisation: realistic people on both sides, every role represented.

Apps add their own demo data by offering ``tandem.<app>.demo.seed(org=..., people=..., language=...)``;
``demo_seed`` calls them in app order after the people exist. The demo speaks English or Dutch: an
app keeps its Dutch content in ``demo_nl`` beside ``demo`` (``demo_content`` picks the module).
"""

from __future__ import annotations

import importlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record
from tandem.core.models import Department, Membership, Organization, Role, Side, User
from tandem.core.services import organization_create, user_create

DEMO_SLUG = "demo"
OWNER_EMAIL = "owner@example.com"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    email: str
    name: str
    role: str
    side: str
    department: str
    title: str


PEOPLE = [
    DemoPerson(
        "owner",
        OWNER_EMAIL,
        "Olivia Brandt",
        Role.OWNER,
        Side.BUSINESS,
        "Operations",
        "Chief Operating Officer",
    ),
    DemoPerson(
        "it_admin", "cio@example.com", "Ahmed Haddad", Role.ADMIN, Side.IT, "IT", "Chief Information Officer"
    ),
    DemoPerson(
        "business_lead",
        "sales.lead@example.com",
        "Bea de Vries",
        Role.LEAD,
        Side.BUSINESS,
        "Sales",
        "Head of Sales",
    ),
    DemoPerson(
        "it_lead", "architect@example.com", "Ivan Petrov", Role.LEAD, Side.IT, "IT", "Enterprise Architect"
    ),
    DemoPerson(
        "finance_lead",
        "finance.lead@example.com",
        "Femke Visser",
        Role.LEAD,
        Side.BUSINESS,
        "Finance",
        "Finance Director",
    ),
    DemoPerson(
        "business_member",
        "analyst@example.com",
        "Mia Jansen",
        Role.MEMBER,
        Side.BUSINESS,
        "Customer Service",
        "Service Analyst",
    ),
    DemoPerson(
        "it_member", "developer@example.com", "Tom Bakker", Role.MEMBER, Side.IT, "IT", "Software Developer"
    ),
    DemoPerson(
        "partner",
        "partner@cloudline.example",
        "Pat Quinn",
        Role.PARTNER,
        Side.PARTNER,
        "",
        "Account Manager, Cloudline",
    ),
    DemoPerson(
        "viewer", "board@example.com", "Vera Smit", Role.VIEWER, Side.BUSINESS, "", "Supervisory Board Member"
    ),
]
DEPARTMENTS = ["Sales", "Operations", "Finance", "Customer Service", "IT"]
# The languages the demo can be created in (``tandem demo --language``), English first.
DEMO_LANGUAGES = ("en", "nl")


def demo_password() -> str:
    """TANDEM_DEMO_PASSWORD when set, otherwise a generated one kept under the data directory."""
    if settings.DEMO_PASSWORD:
        return str(settings.DEMO_PASSWORD)
    path = Path(settings.DATA_DIR) / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


LOCAL_MARKER_TEXT = """\
# Written by `tandem demo` for the local demo kept in this directory (docs/configuration.md,
# "The local demo marker"). The `tandem` command started in the folder that holds this directory
# reads it when neither TANDEM_DEMO nor TANDEM_DEBUG nor another TANDEM_DATA_DIR is set, and then
# runs in demo mode. Delete this file to stop that.
TANDEM_DEMO=true
"""


def local_marker_write() -> Path | None:
    """Leave the marker (``tandem.cli.LOCAL_MARKER``) that lets a new shell find this demo.

    Written only for a data directory that Tandem set up for the demo itself: demo mode is on, the
    database is the default SQLite file in it and the secret key is the one generated there. Any
    other set-up (a key or a database of the operator's choosing) could not be found again from the
    marker alone, so none is written. Returns the marker's path, or None.
    """
    from tandem.cli import LOCAL_MARKER  # the reader; imports nothing of Django

    data_dir = Path(settings.DATA_DIR)
    database = settings.DATABASES["default"]
    key_file = data_dir / "secret_key"
    if not (
        settings.DEMO
        and database["ENGINE"] == "django.db.backends.sqlite3"
        and Path(str(database["NAME"])) == data_dir / "tandem.sqlite3"
        and key_file.is_file()
        and key_file.read_text(encoding="utf-8").strip() == settings.SECRET_KEY
    ):
        return None
    path = data_dir / LOCAL_MARKER
    if path.is_symlink():  # not Tandem's own: left alone, and the reader ignores it
        return None
    path.write_text(LOCAL_MARKER_TEXT, encoding="utf-8")
    path.chmod(0o600)  # the reader trusts only a marker no other account can change
    return path


def demo_content(module: str, language: str) -> ModuleType:
    """The demo content of ``module`` (e.g. ``tandem.strategy.demo``) in ``language``: the module
    itself in English, its ``<module>_<language>`` sibling in another language."""
    if language == DEMO_LANGUAGES[0]:
        return importlib.import_module(module)
    return importlib.import_module(f"{module}_{language}")


def demo_language(language: str | None = None) -> str:
    """The language to create the demo in: ``language``, else ``TANDEM_DEMO_LANGUAGE``, else English."""
    chosen = (language or os.environ.get("TANDEM_DEMO_LANGUAGE") or DEMO_LANGUAGES[0]).strip().lower()
    if chosen not in DEMO_LANGUAGES:
        raise ValueError(
            _("the demo speaks %(languages)s, not %(language)s")
            % {"languages": ", ".join(DEMO_LANGUAGES), "language": repr(chosen)}
        )
    return chosen


def demo_seed(*, password: str, language: str = "en") -> tuple[Organization, bool]:
    """Create the demo organisation once, in ``language`` (its people, objectives, initiatives,
    why-check answers and survey free text, and the organisation's default language); returns it
    and whether it was created now. An existing demo is kept as it is, whatever its language."""
    existing = Organization.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    content = demo_content(__name__, language)
    started = timezone.now()
    with transaction.atomic(), translation.override(language):
        users: dict[str, User] = {}
        for person in content.PEOPLE:
            user = User.objects.filter(email__iexact=person.email).first()
            if user is None:
                user = user_create(email=person.email, name=person.name, password=password)
            users[person.key] = user
        org = organization_create(name="Northwind Logistics", slug=DEMO_SLUG, owner=users["owner"])
        if language != settings.LANGUAGE_CODE:
            org.language = language
            org.save(update_fields=["language"])
        departments = {
            name: Department.objects.create(organization=org, name=name) for name in content.DEPARTMENTS
        }
        people: dict[str, Membership] = {}
        for person in content.PEOPLE:
            membership = Membership.objects.for_org(org).filter(user=users[person.key]).first()
            if membership is None:
                membership = Membership(organization=org, user=users[person.key])
            membership.role = person.role
            membership.side = person.side
            membership.department = departments.get(person.department)
            membership.title = person.title
            membership.save()
            people[person.key] = membership
        audit_record(action="demo.seeded", actor=users["owner"], organization=org, summary="")
        for config in apps.get_app_configs():
            if not config.name.startswith("tandem.") or config.name == "tandem.core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(org=org, people=people, language=language)
    # The demo's history is backdated: the e-mails its seeding queued (why-check rounds "started"
    # weeks ago) would reach the demo people as news, so the queue it filled is emptied.
    from django_tasks_db.models import DBTaskResult  # app registry

    DBTaskResult.objects.filter(enqueued_at__gte=started, status="READY").delete()
    return org, True
