from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tandem.core"
    label = "core"
    verbose_name = "Tandem core"
    # Links in the organisation navigation: (url name, label, admins only).
    tandem_nav = [
        ("core:org_home", _("Home"), False),
        ("core:members", _("Members"), False),
        ("core:departments", _("Departments"), False),
        ("core:audit_log", _("Audit log"), True),
        ("core:org_settings", _("Settings"), True),
    ]
