from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "why_check.settings": _("Why-check setting changed"),
    "why_check.started": _("Why check started"),
    "why_check.answered": _("Why-check answer given"),
    "why_check.revised": _("Why-check answer revised"),
    "why_check.closed": _("Why check closed"),
    "why_check.voided": _("Why check voided"),
    "why_check.scored": _("Why check scored"),
    "why_check.decision": _("Why-check decision recorded"),
    "why_check.overridden": _("Why-check verdict overridden"),
}


class WhyCheckConfig(AppConfig):
    name = "tandem.whycheck"
    label = "whycheck"
    verbose_name = "The why check"
    # What each of its audit actions means, for the audit log (``tandem.core.audit.action_label``).
    tandem_audit_actions = "tandem.whycheck.apps.AUDIT_ACTIONS"
    # Its components of the alignment index, what waits for a person, its getting-started steps
    # (tandem.core.insights) and its section of the board report (tandem.core.report).
    tandem_index_source = "tandem.whycheck.insights.index_components"
    tandem_needs_me = "tandem.whycheck.insights.needs_me"
    tandem_getting_started = "tandem.whycheck.insights.setup_steps"
    tandem_report_section = "tandem.whycheck.report.report_section"
    tandem_agenda_source = "tandem.whycheck.agenda.agenda_signals"
    tandem_initiative_sections: ClassVar[list[str]] = ["whycheck/_initiative_link.html"]
    # Called by strategy's ``initiative_update`` when an initiative's co-leads change: an open
    # round is voided, so that a new co-lead never reads or overwrites an answer given before.
    tandem_co_leads_changed = "tandem.whycheck.services.whycheck_void_for_co_leads"
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("whycheck:list", _("Why checks"), "internal", 15, ("why-checks/",))
    ]

    def ready(self) -> None:
        # The approval gate of the strategy app learns the `why_check` element from here, so
        # strategy does not depend on this app.
        from tandem.whycheck.gate import register

        register()
