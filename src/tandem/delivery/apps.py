from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "delivery.deliverable_created": _("Deliverable added"),
    "delivery.deliverable_updated": _("Deliverable changed"),
    "delivery.deliverable_replanned": _("Deliverable re-planned"),
    "delivery.deliverable_offered": _("Deliverable offered for acceptance"),
    "delivery.deliverable_accepted": _("Deliverable accepted"),
    "delivery.deliverable_rejected": _("Deliverable rejected"),
    "delivery.deliverable_cancelled": _("Deliverable cancelled"),
    "delivery.change_requested": _("Change requested"),
    "delivery.change_decided": _("Change request decided"),
    "delivery.feedback_link_opened": _("End-user feedback link opened"),
    "delivery.feedback_link_closed": _("End-user feedback link closed"),
    "delivery.settings_changed": _("Delivery thresholds changed"),
}


class DeliveryConfig(AppConfig):
    name = "tandem.delivery"
    label = "delivery"
    verbose_name = "Delivery: deliverables, acceptance, change requests and end-user feedback"
    tandem_audit_actions = "tandem.delivery.apps.AUDIT_ACTIONS"
    # Its components of the alignment index, what waits for a person, its getting-started steps
    # (tandem.core.insights) and its section of the board report (tandem.core.report).
    tandem_index_source = "tandem.delivery.insights.index_components"
    tandem_needs_me = "tandem.delivery.insights.needs_me"
    tandem_getting_started = "tandem.delivery.insights.setup_steps"
    tandem_report_section = "tandem.delivery.report.report_section"
    tandem_agenda_source = "tandem.delivery.agenda.agenda_signals"
    # Reached from the portfolio and the parties page, not the top bar, which keeps to one line at
    # 1024px; every initiative links to its delivery tab.
    tandem_initiative_sections: ClassVar[list[str]] = ["delivery/_initiative_link.html"]
    # Strategy's hooks (``strategy.services``): the baseline is taken on approval, and a move of a
    # committed plan is kept, explained or not.
    tandem_initiative_transitioned = "tandem.delivery.services.on_initiative_transitioned"
    tandem_initiative_changed = "tandem.delivery.services.on_initiative_changed"
