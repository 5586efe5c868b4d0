from django.urls import path

from tandem.whycheck import views

app_name = "whycheck"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path(ORG + "why-checks/", views.round_list, name="list"),
    path(ORG + "why-checks/settings/", views.settings_page, name="settings"),
    path(
        ORG + "initiatives/<int:initiative_id>/why-checks/", views.initiative_rounds, name="initiative_rounds"
    ),
    path(ORG + "why-checks/<int:why_check_id>/", views.round_detail, name="detail"),
    path(ORG + "why-checks/<int:why_check_id>/answer/", views.answer, name="answer"),
    path(ORG + "why-checks/<int:why_check_id>/close/", views.close, name="close"),
    path(ORG + "why-checks/<int:why_check_id>/decision/", views.decision, name="decision"),
    path(ORG + "why-checks/<int:why_check_id>/override/", views.override, name="override"),
]
