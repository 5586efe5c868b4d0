from django.conf import settings
from django.urls import include, path

from tandem.config.api import api
from tandem.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("tandem.core.urls")),
    path("", include("tandem.strategy.urls")),
    path("", include("tandem.whycheck.urls")),
    path("", include("tandem.surveys.urls")),
    path("", include("tandem.governance.urls")),
    path("", include("tandem.delivery.urls")),
    path("", include("tandem.reviews.urls")),
    path("", include("tandem.insights.urls")),
]

if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/floor", core_views.bench_floor, name="bench_floor"))
    urlpatterns.append(path("bench/insert", core_views.bench_insert, name="bench_insert"))
