import secrets
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import services
from tandem.core.errors import TandemError
from tandem.core.management.base import TandemCommand
from tandem.core.models import Side, User


class Command(TandemCommand):
    help = gettext_lazy("Create an organisation with its first owner.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("Create an organisation."))
        create.add_argument("--name", required=True)
        create.add_argument("--slug", default="", help=_("Short name in URLs (default: from the name)."))
        create.add_argument("--owner", required=True, help=_("E-mail address of the first owner."))
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
            self.style.SUCCESS(
                _("Created %(name)s at /o/%(slug)s/ with owner %(email)s.")
                % {"name": org.name, "slug": org.slug, "email": owner.email}
            )
        )
        if password:
            self.stdout.write(
                _("Temporary password for %(email)s: %(password)s (change it after signing in).")
                % {"email": owner.email, "password": password}
            )
