from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core import access, selectors, services
from tandem.core.errors import NotFound, TandemError
from tandem.core.management.base import TandemCommand
from tandem.core.models import User


class Command(TandemCommand):
    help = gettext_lazy("Create, list or revoke API tokens.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("Create a token and print it (shown once)."))
        create.add_argument("--email", required=True)
        create.add_argument("--org", required=True, help=_("Organisation short name (slug)."))
        create.add_argument("--name", default="CLI token")
        listing = sub.add_parser("list", help=_("List a person's tokens."))
        listing.add_argument("--email", required=True)
        revoke = sub.add_parser("revoke", help=_("Revoke a token by its id."))
        revoke.add_argument("--email", required=True)
        revoke.add_argument("--id", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(
                _("No account with the e-mail address %(email)s.") % {"email": options["email"]}
            )
        try:
            getattr(self, f"_{options['action']}")(user, options)
        except TandemError as error:
            raise CommandError(error.message) from None
        except NotFound:
            raise CommandError(_("Not found (or the person is not an active member there).")) from None

    def _create(self, user: User, options: dict[str, Any]) -> None:
        membership = access.membership_get_for_user(user=user, org_slug=options["org"], check_mfa=False)
        _token, raw = services.api_token_create(membership=membership, name=options["name"])
        self.stdout.write(raw)

    def _list(self, user: User, options: dict[str, Any]) -> None:
        # Tab-separated columns for scripts: the same words in every language.
        for token in selectors.api_token_list_for_user(user):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.pk}\t{token.organization.slug}\t{token.prefix}…\t{state}\t{token.name}"
            )

    def _revoke(self, user: User, options: dict[str, Any]) -> None:
        token = access.api_token_get_for_user(user=user, token_id=options["id"])
        services.api_token_revoke(user=user, token=token)
        self.stdout.write(_("Revoked token %(id)s.") % {"id": token.pk})
