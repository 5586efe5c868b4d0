from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.backup import BackupError, database_backup
from tandem.core.management.base import TandemCommand


class Command(TandemCommand):
    # A backup must be possible even while a check fails, e.g. in the middle of an incident.
    requires_system_checks = ()

    help = gettext_lazy(
        "Write a consistent copy of the database to FILE while Tandem keeps running: a SQLite file, "
        "or a pg_dump custom-format archive for PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("Where to write the backup."))
        parser.add_argument("--force", action="store_true", help=_("Overwrite FILE when it exists."))

    def handle(self, *args: Any, **options: Any) -> None:
        settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict
        try:
            result = database_backup(
                settings_dict=settings_dict, dest=options["file"], force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(path)s (%(size)s bytes, %(tables)s tables) in %(seconds)s s.")
                % {
                    "path": result.path,
                    "size": formats.number_format(result.size, force_grouping=True),
                    "tables": result.tables,
                    "seconds": formats.number_format(result.seconds, 2),
                }
            )
        )
