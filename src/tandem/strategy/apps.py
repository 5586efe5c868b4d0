from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "objective.created": _("Objective created"),
    "objective.updated": _("Objective changed"),
    "key_result.created": _("Key result added"),
    "key_result.updated": _("Key result changed"),
    "check_in.created": _("Check-in recorded"),
    "initiative.created": _("Initiative created"),
    "initiative.updated": _("Initiative changed"),
    "initiative.transition": _("Initiative moved to another stage"),
    "initiative.measure_added": _("Success measure added"),
    "initiative.measure_removed": _("Success measure removed"),
    "initiative.linked": _("Key result linked"),
    "initiative.unlinked": _("Key result unlinked"),
    "strategy.imported": _("Spreadsheet imported"),
}


class StrategyConfig(AppConfig):
    name = "tandem.strategy"
    # What each of its audit actions means, for the audit log (``tandem.core.audit.action_label``).
    tandem_audit_actions = "tandem.strategy.apps.AUDIT_ACTIONS"
    # Its components of the alignment index, what waits for a person, its getting-started steps
    # (tandem.core.insights) and its section of the board report (tandem.core.report).
    tandem_index_source = "tandem.strategy.insights.index_components"
    tandem_needs_me = "tandem.strategy.insights.needs_me"
    tandem_getting_started = "tandem.strategy.insights.setup_steps"
    tandem_report_section = "tandem.strategy.report.report_section"
    tandem_agenda_source = "tandem.strategy.agenda.agenda_signals"
    label = "strategy"
    verbose_name = "Strategy: objectives and initiatives"
    tandem_home_panel = "tandem.strategy.selectors.home_panel"
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("strategy:portfolio", _("Portfolio"), "internal", 10, ("initiatives/", "import/")),
        ("strategy:objectives", _("Objectives"), "internal", 20, ("key-results/",)),
    ]
