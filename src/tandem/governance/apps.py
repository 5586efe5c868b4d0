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
    "governance.service_created": _("Service added"),
    "governance.service_updated": _("Service changed"),
    "governance.service_level_set": _("Service level agreed"),
    "governance.service_level_removed": _("Service level removed"),
    "governance.metric_added": _("Service measure added"),
    "governance.metric_removed": _("Service measure removed"),
    "governance.measurement_recorded": _("Measurement recorded"),
    "governance.measurement_removed": _("Measurement removed"),
    "governance.measurements_imported": _("Measurements imported"),
    "governance.escalation_changed": _("Escalation path changed"),
    "governance.incident_raised": _("Incident raised"),
    "governance.incident_acknowledged": _("Incident acknowledged"),
    "governance.incident_handed_over": _("Incident handed over"),
    "governance.incident_paused": _("Incident paused"),
    "governance.incident_resumed": _("Incident resumed"),
    "governance.incident_resolved": _("Incident resolved"),
    "governance.incident_reopened": _("Incident reopened"),
    "governance.incident_escalated": _("Incident escalated"),
    "governance.incident_noted": _("Note added to an incident"),
    "governance.incident_reviewed": _("Post-incident review written"),
    "governance.party_rated": _("Party rated"),
}


class GovernanceConfig(AppConfig):
    name = "tandem.governance"
    label = "governance"
    verbose_name = "Governance: parties, RACI, services and incidents"
    # What each of its audit actions means, for the audit log (``tandem.core.audit.action_label``).
    tandem_audit_actions = "tandem.governance.apps.AUDIT_ACTIONS"
    # Its components of the alignment index, what waits for a person, its getting-started steps
    # (tandem.core.insights) and its section of the board report (tandem.core.report).
    tandem_index_source = "tandem.governance.insights.index_components"
    tandem_needs_me = "tandem.governance.insights.needs_me"
    tandem_getting_started = "tandem.governance.insights.setup_steps"
    tandem_report_section = "tandem.governance.report.report_section"
    tandem_agenda_source = "tandem.governance.agenda.agenda_signals"
    tandem_initiative_sections: ClassVar[list[str]] = ["governance/_initiative_link.html"]
    # Called when ``tandem worker`` starts (``core.management.commands.worker``).
    tandem_worker_start = "tandem.governance.tasks.worker_started"
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        (
            "governance:parties",
            _("Parties"),
            "all",
            30,
            ("parties/", "raci/", "services/", "incidents/", "scorecard/", "escalation/"),
        ),
    ]
