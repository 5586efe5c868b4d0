from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.demo import (
    DEMO_LANGUAGES,
    DEMO_SLUG,
    OWNER_EMAIL,
    demo_language,
    demo_password,
    demo_seed,
    local_marker_write,
)
from tandem.core.management.base import TandemCommand

# Other demo people worth signing in as (their addresses are the same in the Dutch demo).
OTHER_PEOPLE = (
    "cio@example.com",
    "sales.lead@example.com",
    "architect@example.com",
    "developer@example.com",
    "partner@cloudline.example",
)


class Command(TandemCommand):
    help = gettext_lazy("Create the demo organisation (once) and print its sign-in.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            help=_(
                "The demo's language: %(languages)s (TANDEM_DEMO_LANGUAGE, else en). "
                "An existing demo is kept as it is."
            )
            % {"languages": ", ".join(DEMO_LANGUAGES)},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            language = demo_language(options["language"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        password = demo_password()
        org, created = demo_seed(password=password, language=language)
        where = {"name": org.name, "slug": DEMO_SLUG}
        if created:
            self.stdout.write(_("Created the demo organisation “%(name)s” (/o/%(slug)s/).") % where)
        else:
            self.stdout.write(_("Kept the demo organisation “%(name)s” (/o/%(slug)s/).") % where)
        self.stdout.write(
            self.style.SUCCESS(
                _("Sign in as %(email)s with password: %(password)s")
                % {"email": OWNER_EMAIL, "password": password}
            )
        )
        self.stdout.write(
            _("Other demo people (same password): %(emails)s.") % {"emails": ", ".join(OTHER_PEOPLE)}
        )
        marker = local_marker_write()
        if marker is not None and marker.parent.name == "var":
            self.stdout.write(
                _(
                    "The tandem command started in %(folder)s uses this demo "
                    "(e.g. tandem token create --email %(email)s --org %(slug)s); see %(marker)s."
                )
                % {"folder": marker.parent.parent, "email": OWNER_EMAIL, "slug": DEMO_SLUG, "marker": marker}
            )
