"""URL routes: the admin (reviewers' back office), the REST API under /api/v1/, the account pages.

The API's routes live with their apps (claims/urls.py, sources/urls.py, workbench/api_urls.py);
all of them are named under the "api" namespace, e.g. ``api:claim-detail``.
"""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

import workbench.rest  # noqa: F401  (registers the token scheme with drf-spectacular)
from workbench.views.health import health

admin.site.site_header = "Fact-check workbench"
admin.site.site_title = "Fact-check workbench"
admin.site.index_title = "Back office"

api_v1: list[URLPattern | URLResolver] = [
    path("", include("claims.urls")),
    path("", include("sources.urls")),
    path("", include("workbench.api_urls")),
    # The schema and its docs are public: they describe the API, they hold no data.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="redoc",
    ),
]

urlpatterns = [
    # For load balancers: no auth, no data, exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT).
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("account/", include("workbench.account_urls")),
    path("", include("workbench.web_urls")),
]

handler404 = "workbench.rest.json_not_found"
# A database error outside a view is a 503 too (workbench.rest.json_server_error otherwise).
handler500 = "workbench.middleware.server_error"
