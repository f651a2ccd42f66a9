from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import api_auth, views
from .invitation_views import accept as accept_invitation

urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<str:token>/", accept_invitation, name="invitation_accept"),
    path("profile/", views.profile, name="profile"),
    path("profile/api-token/", api_auth.api_token_create, name="api-token-create"),
    path("profile/api-token/revoke/", api_auth.api_token_revoke, name="api-token-revoke"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("regions/", include("regions.urls")),
    path("offices/", include("distributors.urls")),
    path("venues/", include("venues.urls")),
    path("cards/", include("cards.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("kaikukanta.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "kaikukanta.errors.page_not_found"
handler500 = "kaikukanta.errors.server_error"
