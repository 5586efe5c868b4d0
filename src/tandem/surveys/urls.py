from django.urls import path

from tandem.surveys import views

app_name = "surveys"

ORG = "o/<slug:org_slug>/surveys/"

urlpatterns = [
    path(ORG, views.campaign_list, name="list"),
    path(ORG + "settings/", views.settings_page, name="settings"),
    path(ORG + "new/", views.campaign_new, name="new"),
    path(ORG + "templates/", views.template_list, name="templates"),
    path(ORG + "templates/new/", views.template_new, name="template_new"),
    path(ORG + "templates/<int:template_id>/", views.template_detail, name="template"),
    path(ORG + "templates/<int:template_id>/edit/", views.template_edit, name="template_edit"),
    path(ORG + "templates/<int:template_id>/copy/", views.template_copy, name="template_copy"),
    path(ORG + "templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path(ORG + "templates/<int:template_id>/trend/", views.template_trend, name="trend"),
    path(ORG + "<int:campaign_id>/", views.campaign_detail, name="detail"),
    path(ORG + "<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path(ORG + "<int:campaign_id>/close/", views.campaign_close, name="close"),
    path(ORG + "<int:campaign_id>/invite/", views.campaign_invite, name="invite"),
    path(ORG + "<int:campaign_id>/report/", views.campaign_report, name="report"),
    path(ORG + "<int:campaign_id>/export.<str:fmt>", views.campaign_export, name="export"),
    # The personal link: no account, the token is the key.
    path("s/<str:token>/", views.respond, name="respond"),
]
