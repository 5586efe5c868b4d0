from django.urls import path

from tandem.governance import views

app_name = "governance"

ORG = "o/<slug:org_slug>/"
PARTY = ORG + "parties/<int:party_id>/"
MATRIX = ORG + "initiatives/<int:initiative_id>/raci/"

urlpatterns = [
    path(ORG + "parties/", views.parties, name="parties"),
    path(ORG + "parties/new/", views.party_new, name="party_new"),
    path(PARTY, views.party, name="party"),
    path(PARTY + "edit/", views.party_edit, name="party_edit"),
    path(PARTY + "contacts/", views.contact_add, name="contact_add"),
    path(PARTY + "contacts/<int:contact_id>/remove/", views.contact_remove, name="contact_remove"),
    path(PARTY + "contracts/", views.contract_add, name="contract_add"),
    path(PARTY + "contracts/<int:contract_id>/edit/", views.contract_edit, name="contract_edit"),
    path(PARTY + "contracts/<int:contract_id>/remove/", views.contract_remove, name="contract_remove"),
    path(PARTY + "contributions/", views.contribution_set, name="contribution_set"),
    path(
        PARTY + "contributions/<int:contribution_id>/remove/",
        views.contribution_remove,
        name="contribution_remove",
    ),
    path(ORG + "raci/template/", views.template, name="template"),
    path(ORG + "work-calendar/", views.calendar, name="calendar"),
    path(
        ORG + "work-calendar/closing-days/<int:closing_day_id>/remove/",
        views.closing_day_remove,
        name="closing_day_remove",
    ),
    path(MATRIX, views.matrix, name="matrix"),
    path(MATRIX + "print/", views.matrix_print, name="matrix_print"),
    path(MATRIX + "export.<str:fmt>", views.matrix_export, name="matrix_export"),
    path(MATRIX + "save/", views.matrix_save, name="matrix_save"),
    path(MATRIX + "start/", views.matrix_start, name="matrix_start"),
    path(MATRIX + "activities/", views.activity_add, name="activity_add"),
    path(MATRIX + "activities/<int:activity_id>/", views.activity_change, name="activity_change"),
    path(MATRIX + "columns/", views.column_add, name="column_add"),
    path(MATRIX + "columns/<int:column_id>/remove/", views.column_remove, name="column_remove"),
]
