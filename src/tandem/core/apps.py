from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"
    # Links in the organisation navigation: (url name, label, audience, position).
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("core:org_home", _("Home"), "all", 0),
        ("core:members", _("Members"), "internal", 80),
        ("core:departments", _("Departments"), "internal", 85),
        ("core:audit_log", _("Audit log"), "admin", 90),
        ("core:org_settings", _("Settings"), "admin", 95),
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
