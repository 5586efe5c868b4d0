from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "tandem.surveys"
    label = "surveys"
    verbose_name = "Temperature checks: anonymous surveys"
    tandem_nav = [("surveys:list", _("Surveys"), "internal", 30, ("surveys/",))]
