"""Start-up checks of the configuration that Django's own checks do not know about.

E-mail carries secrets (password-reset, invitation and personal survey links). Production refuses
to start when nobody said where it goes, and ``tandem check --deploy`` warns when it goes to the log
or to files under the data directory.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

# Backends that keep every message, links included, where others than the recipient can read it.
MAIL_KEEPING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "log",
    "django.core.mail.backends.filebased.EmailBackend": "file",
}


def _mail_kept_in() -> str | None:
    """Where the default mailer keeps e-mail ("log" or "file"), or None when it sends or drops it."""
    mailer: dict[str, Any] = settings.MAILERS.get("default", {})
    return MAIL_KEEPING_BACKENDS.get(str(mailer.get("BACKEND", "")))


def refuse_unchosen_mail_backend() -> None:
    """Raise ImproperlyConfigured in production when e-mail would go to the log by default.

    Runs when the apps are ready (every process: ``tandem``, gunicorn, the worker), after every
    settings module has had its say, so a settings file that picks another mailer is respected.
    """
    if settings.DEBUG or settings.DEMO or settings.EMAIL_BACKEND_CHOSEN or _mail_kept_in() is None:
        return
    raise ImproperlyConfigured(
        _(
            "TANDEM_EMAIL_BACKEND is not set. In production, Tandem does not write e-mail (password "
            "resets, invitations, personal survey links) to the log unless told to. Set "
            "TANDEM_EMAIL_BACKEND=smtp with TANDEM_EMAIL_HOST (see docs/configuration.md) to send it, "
            "or set TANDEM_EMAIL_BACKEND=console (or file) explicitly to accept that these links are "
            "written to the log (or to files in the data directory), where whoever reads them can use them."
        )
    )


@checks.register(checks.Tags.security, checks.Tags.mail, deploy=True)
def check_mail_is_sent(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """tandem.W001: e-mail is written to the log or to files instead of being sent."""
    kept_in = _mail_kept_in()
    if kept_in is None:
        return []
    where = _("the server log") if kept_in == "log" else _("files in the data directory")
    return [
        checks.Warning(
            _(
                "E-mail is not sent but written to %(where)s: password-reset, invitation and personal "
                "survey links can be used by whoever reads them."
            )
            % {"where": where},
            hint=_("Set TANDEM_EMAIL_BACKEND=smtp and TANDEM_EMAIL_HOST (see docs/configuration.md)."),
            id="tandem.W001",
        )
    ]
