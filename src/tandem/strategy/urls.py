from django.urls import path

from tandem.strategy.views import initiatives, objectives, spreadsheets

app_name = "strategy"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    path(ORG + "portfolio/", initiatives.portfolio, name="portfolio"),
    path(ORG + "portfolio/export.<str:fmt>", spreadsheets.portfolio_export, name="portfolio_export"),
    path(ORG + "import/", spreadsheets.import_upload, name="import"),
    path(ORG + "objectives/", objectives.objective_list, name="objectives"),
    path(ORG + "objectives/tree/", objectives.objective_tree, name="objective_tree"),
    path(ORG + "objectives/new/", objectives.objective_create, name="objective_create"),
    path(ORG + "objectives/<int:objective_id>/", objectives.objective_detail, name="objective_detail"),
    path(ORG + "objectives/<int:objective_id>/edit/", objectives.objective_edit, name="objective_edit"),
    path(
        ORG + "objectives/<int:objective_id>/key-results/new/",
        objectives.key_result_create,
        name="key_result_create",
    ),
    path(ORG + "key-results/<int:key_result_id>/", objectives.key_result_detail, name="key_result_detail"),
    path(ORG + "key-results/<int:key_result_id>/edit/", objectives.key_result_edit, name="key_result_edit"),
    path(ORG + "initiatives/new/", initiatives.initiative_create, name="initiative_create"),
    path(ORG + "initiatives/<int:initiative_id>/", initiatives.initiative_detail, name="initiative_detail"),
    path(ORG + "initiatives/<int:initiative_id>/edit/", initiatives.initiative_edit, name="initiative_edit"),
    path(
        ORG + "initiatives/<int:initiative_id>/transition/",
        initiatives.initiative_transition,
        name="initiative_transition",
    ),
    path(ORG + "initiatives/<int:initiative_id>/measures/", initiatives.measure_add, name="measure_add"),
    path(
        ORG + "initiatives/<int:initiative_id>/measures/<int:measure_id>/delete/",
        initiatives.measure_delete,
        name="measure_delete",
    ),
    path(ORG + "initiatives/<int:initiative_id>/links/", initiatives.link_add, name="link_add"),
    path(
        ORG + "initiatives/<int:initiative_id>/links/<int:link_id>/delete/",
        initiatives.link_delete,
        name="link_delete",
    ),
]
