from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "org.created": _("Organisation created"),
    "org.updated": _("Organisation settings changed"),
    "department.created": _("Department added"),
    "membership.created": _("Member added"),
    "membership.updated": _("Member changed"),
    "membership.role_changed": _("Member's role changed"),
    "membership.deactivated": _("Member deactivated"),
    "membership.reactivated": _("Member reactivated"),
    "invitation.created": _("Invitation sent"),
    "invitation.revoked": _("Invitation withdrawn"),
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "signin.succeeded": _("Signed in"),
    "signin.failed": _("Sign-in failed"),
    "signin.throttled": _("Sign-in blocked after too many attempts"),
    "signout": _("Signed out"),
    "access.denied": _("Access refused"),
    "demo.seeded": _("Demo data created"),
}


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"
    # What each of its audit actions means, for the audit log (``tandem.core.audit.action_label``).
    tandem_audit_actions = "tandem.core.apps.AUDIT_ACTIONS"
    # Links in the organisation navigation: (url name, label, audience, position).
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("core:org_home", _("Home"), "all", 0),
        # Departments are reached from the members page, which they belong to: the top bar keeps
        # to one line at 1024px.
        ("core:members", _("Members"), "internal", 80, ("departments/",)),
        # The audit log is reached from the settings page, for the same reason.
        ("core:org_settings", _("Settings"), "admin", 95, ("audit/",)),
    ]

    def ready(self) -> None:
        from allauth.account import signals as account_signals
        from django.db.backends.signals import connection_created

        from tandem.core import checks, receivers

        # Production stops here, in every process, when nobody said where e-mail goes.
        checks.refuse_unchosen_mail_backend()
        connection_created.connect(receivers.sqlite_files_private, dispatch_uid="tandem.sqlite_files_private")
        for signal in (
            account_signals.password_reset,
            account_signals.password_changed,
            account_signals.password_set,
        ):
            signal.connect(
                receivers.api_tokens_revoked_on_password_change,
                dispatch_uid="tandem.api_tokens_revoked",
            )
