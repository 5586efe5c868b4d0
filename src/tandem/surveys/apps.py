from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "surveys.settings_updated": _("Survey settings changed"),
    "surveys.template_created": _("Survey template created"),
    "surveys.template_copied": _("Survey template copied"),
    "surveys.template_updated": _("Survey template changed"),
    "surveys.template_deleted": _("Survey template deleted"),
    "surveys.campaign_created": _("Survey created"),
    "surveys.campaign_updated": _("Survey changed"),
    "surveys.campaign_closed": _("Survey closed"),
    "surveys.invitations_created": _("Survey links created"),
}


class SurveysConfig(AppConfig):
    name = "tandem.surveys"
    # What each of its audit actions means, for the audit log (``tandem.core.audit.action_label``).
    tandem_audit_actions = "tandem.surveys.apps.AUDIT_ACTIONS"
    # Its components of the alignment index, what waits for a person, its getting-started steps
    # (tandem.core.insights) and its section of the board report (tandem.core.report).
    tandem_index_source = "tandem.surveys.insights.index_components"
    tandem_needs_me = "tandem.surveys.insights.needs_me"
    tandem_getting_started = "tandem.surveys.insights.setup_steps"
    tandem_report_section = "tandem.surveys.report.report_section"
    tandem_agenda_source = "tandem.surveys.agenda.agenda_signals"
    label = "surveys"
    verbose_name = "Temperature checks: anonymous surveys"
    tandem_home_panel = "tandem.surveys.selectors.home_panel"
    # What a new organisation gets from this app, in the transaction that creates it: its copy of
    # the shipped templates (a page that lists them never writes).
    tandem_org_created = "tandem.surveys.services.templates_install"
    # What changes beside the organisation's data version: answers, which do not bump it
    # (``selectors.answers_version``). Figures cached per data version are keyed on this too.
    tandem_data_version = "tandem.surveys.selectors.answers_version"
    tandem_nav: ClassVar[list[tuple[object, ...]]] = [
        ("surveys:list", _("Surveys"), "internal", 30, ("surveys/",))
    ]
