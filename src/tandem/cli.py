"""The ``tandem`` command: Django's management commands with Tandem's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A configuration mistake is the operator's to fix: the message, not a traceback.
        sys.stderr.write(f"Tandem cannot start: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
