from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.management.base import TandemCommand


class Command(TandemCommand):
    # The tasks write e-mails and analyses for others: each in its reader's language, never the terminal's.
    long_running = True

    help = gettext_lazy("Run background tasks (invitation e-mails, reminders, analyses) until stopped.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help=_("Run what is queued, then exit."))
        parser.add_argument("--interval", type=float, default=1.0, help=_("Seconds between polls when idle."))

    def handle(self, *args: Any, **options: Any) -> None:
        # What the apps do when the worker starts (governance plans its next look at incidents).
        for config in apps.get_app_configs():
            if path := getattr(config, "tandem_worker_start", ""):
                import_string(path)()
        call_command(
            "db_worker",
            queue_name="*",
            batch=options["batch"],
            interval=options["interval"],
            reload=False,
            verbosity=options["verbosity"],
        )
