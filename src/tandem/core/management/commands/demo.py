from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.demo import (
    DEMO_LANGUAGES,
    DEMO_SLUG,
    OWNER_EMAIL,
    demo_language,
    demo_password,
    demo_seed,
    local_marker_write,
)


class Command(BaseCommand):
    help = "Create the demo organisation (once) and print its sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            help=f"The demo's language: {', '.join(DEMO_LANGUAGES)} (TANDEM_DEMO_LANGUAGE, else en). "
            "An existing demo is kept as it is.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            language = demo_language(options["language"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        password = demo_password()
        org, created = demo_seed(password=password, language=language)
        verb = "Created" if created else "Kept"
        self.stdout.write(f"{verb} the demo organisation “{org.name}” (/o/{DEMO_SLUG}/).")
        self.stdout.write(self.style.SUCCESS(f"Sign in as {OWNER_EMAIL} with password: {password}"))
        self.stdout.write(
            "Other demo people (same password): cio@example.com, sales.lead@example.com, "
            "architect@example.com, developer@example.com, partner@cloudline.example."
        )
        marker = local_marker_write()
        if marker is not None and marker.parent.name == "var":
            self.stdout.write(
                f"The tandem command started in {marker.parent.parent} uses this demo "
                f"(e.g. tandem token create --email {OWNER_EMAIL} --org {DEMO_SLUG}); see {marker}."
            )
