from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from tandem.core.backup import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to FILE while Tandem keeps running: a SQLite file, "
        "or a pg_dump custom-format archive for PostgreSQL."
    )
    # A backup must be possible even while a check fails, e.g. in the middle of an incident.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup.")
        parser.add_argument("--force", action="store_true", help="Overwrite FILE when it exists.")

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
                f"Wrote {result.path} ({result.size:,} bytes, {result.tables} tables) in {result.seconds:.2f} s."
            )
        )
