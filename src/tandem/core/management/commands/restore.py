from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.backup import BackupError, database_restore
from tandem.core.management.base import TandemCommand


class Command(TandemCommand):
    help = gettext_lazy(
        "Load a backup made by `tandem backup` into an empty database, then migrate it to this version. "
        "Refuses a database that holds any rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("The backup to load."))

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["file"].expanduser().absolute()
        try:
            tables = database_restore(connection=connections[DEFAULT_DB_ALIAS], source=source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Restored %(tables)s tables from %(path)s; bringing them up to date.")
            % {"tables": tables, "path": source}
        )
        # A backup from an older version gets this version's migrations and the cache table.
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("createcachetable", verbosity=verbosity)
        self.stdout.write(
            self.style.SUCCESS(_("Restored %(path)s; Tandem is up to date.") % {"path": source})
        )
