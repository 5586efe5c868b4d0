from django.urls import path

from tandem.insights import views, views_report

app_name = "insights"

ORG = "o/<slug:org_slug>/"
ALIGNMENT = ORG + "alignment/"
REPORTS = ORG + "reports/"

urlpatterns = [
    path(ALIGNMENT, views.index, name="index"),
    path(ALIGNMENT + "components/<slug:key>/", views.component, name="component"),
    path(ALIGNMENT + "initiatives/<int:initiative_id>/", views.initiative, name="initiative"),
    path(ALIGNMENT + "weeks/<int:snapshot_id>/", views.week, name="week"),
    path(ALIGNMENT + "weights/", views.weights, name="weights"),
    path(REPORTS, views_report.report_list, name="reports"),
    path(REPORTS + "settings/", views_report.report_settings, name="report_settings"),
    path(REPORTS + "<int:report_id>/", views_report.report, name="report"),
    path(REPORTS + "<int:report_id>/report.pdf", views_report.report_pdf, name="report_pdf"),
]
