from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "tandem.surveys"
    label = "surveys"
    verbose_name = "Temperature checks: anonymous surveys"
    tandem_home_panel = "tandem.surveys.selectors.home_panel"
    tandem_nav = [("surveys:list", _("Surveys"), "internal", 30, ("surveys/",))]
