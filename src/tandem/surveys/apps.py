from typing import ClassVar

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "tandem.surveys"
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
