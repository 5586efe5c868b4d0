import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core import services
from tandem.core.errors import TandemError
from tandem.core.models import Side, User


class Command(BaseCommand):
    help = "Create an organisation with its first owner."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create an organisation.")
        create.add_argument("--name", required=True)
        create.add_argument("--slug", default="", help="Short name in URLs (default: from the name).")
        create.add_argument("--owner", required=True, help="E-mail address of the first owner.")
        create.add_argument("--side", default=Side.BUSINESS, choices=Side.values)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            owner = User.objects.filter(email__iexact=options["owner"].strip()).first()
            password = None
            if owner is None:
                password = secrets.token_urlsafe(12)
                owner = services.user_create(email=options["owner"], password=password)
            org = services.organization_create(
                name=options["name"], slug=options["slug"], owner=owner, owner_side=options["side"]
            )
        except TandemError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created {org.name} at /o/{org.slug}/ with owner {owner.email}.")
        )
        if password:
            self.stdout.write(
                f"Temporary password for {owner.email}: {password} (change it after signing in)."
            )
