from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "governance.party_created": _("Party added"),
    "governance.party_updated": _("Party changed"),
    "governance.contact_added": _("Party contact added"),
    "governance.contact_removed": _("Party contact removed"),
    "governance.contract_added": _("Contract added"),
    "governance.contract_updated": _("Contract changed"),
    "governance.contract_removed": _("Contract removed"),
    "governance.contribution_set": _("Party's contribution to an objective recorded"),
    "governance.contribution_removed": _("Party's contribution to an objective removed"),
    "governance.raci_changed": _("RACI matrix changed"),
    "governance.raci_template_changed": _("RACI template changed"),
    "governance.calendar_changed": _("Working hours changed"),
    "governance.closing_day_added": _("Closing day added"),
    "governance.closing_day_removed": _("Closing day removed"),
}


class GovernanceConfig(AppConfig):
    name = "tandem.governance"
    label = "governance"
    verbose_name = "Governance: parties, RACI, services and incidents"
    # What each of its audit actions means, for the audit log (``tandem.core.audit.action_label``).
    tandem_audit_actions = "tandem.governance.apps.AUDIT_ACTIONS"
    tandem_initiative_sections: ClassVar[list[str]] = ["governance/_initiative_link.html"]
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("governance:parties", _("Parties"), "all", 30, ("parties/", "raci/")),
    ]
