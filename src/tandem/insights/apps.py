from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "insights.weights_changed": _("Alignment index weights changed"),
    "insights.snapshot_taken": _("Alignment index snapshot taken"),
    "insights.report_requested": _("Board report requested"),
    "insights.report_settings_changed": _("Monthly board report settings changed"),
}


class InsightsConfig(AppConfig):
    name = "tandem.insights"
    label = "insights"
    verbose_name = (
        "Insights: the alignment index, its trend and drill-down, the home page and the board report"
    )
    tandem_audit_actions = "tandem.insights.apps.AUDIT_ACTIONS"
    tandem_home_panel = "tandem.insights.home.home_panel"
    tandem_initiative_sections: ClassVar[list[str]] = ["insights/_initiative_link.html"]
    # The weekly snapshot and the monthly report: daily rounds, each planning its next run.
    tandem_worker_start = "tandem.insights.tasks.worker_started"
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("insights:index", _("Alignment"), "internal", 12, ("alignment/", "reports/")),
    ]
