"""The base of Tandem's own commands: they speak the terminal's language."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.functional import Promise

from tandem.core.language import terminal_language


class TandemCommand(BaseCommand):
    """A command whose help and messages are in the terminal's language (``terminal_language``:
    ``LANG=nl_NL.UTF-8 tandem demo`` answers in Dutch).

    A long-running command (``serve``, ``worker``) sets ``long_running``: its work runs in the
    installation's language, as work nobody asked in a language does, and it writes its own lines
    inside ``speaking()``.
    """

    # What ``--help`` says the command does: a lazy translation, read in the terminal's language.
    help: str | Promise = ""  # type: ignore[assignment]
    long_running = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # The help is written while the arguments are parsed, before ``execute``.
        translation.activate(terminal_language())
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help) if self.help else None  # argparse reflows only a str
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        if self.long_running:
            translation.deactivate()
            return super().execute(*args, **options)
        with self.speaking():
            return super().execute(*args, **options)

    @staticmethod
    def speaking() -> translation.override:
        """The terminal's language for the lines a command writes."""
        return translation.override(terminal_language())
