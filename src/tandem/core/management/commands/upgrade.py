from typing import Any

from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.management.base import TandemCommand


class Command(TandemCommand):
    help = gettext_lazy("Bring the installation up to date: migrations, the cache table and static files.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("createcachetable", verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=0)
        if connection.vendor == "sqlite":
            # Fresh planner statistics: without them SQLite may choose poor indexes on big tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(_("Tandem is up to date.")))
