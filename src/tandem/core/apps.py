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
