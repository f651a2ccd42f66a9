from allauth.account.decorators import secure_admin_login
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

import access.key_urls
import access.urls
import bookings.urls
import cards.urls
import counter.urls
import distributors.urls
import public.urls
import venues.urls
from access import views as access_views
from core import views
from core.api.schema import SchemaView
from public import views as public_views
from public.sitemaps import SITEMAPS

# The admin signs in through allauth's page: the same failed-sign-in limits and the second factor (access.adapters).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    # Anonymous visitors: the public home in their language; signed-in staff: on to their work page (core.views.home).
    path("", public_views.home, name="home"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_views.robots_txt, name="robots_txt"),
    path("invitations/<str:token>/", access_views.accept, name="invitation_accept"),
    path("profile/", access_views.profile, name="profile"),
    path("profile/api-token/", access_views.api_token_create, name="api-token-create"),
    path("profile/api-token/revoke/", access_views.api_token_revoke, name="api-token-revoke"),
    path("staff/", include((access.urls.staff_patterns, "access"))),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/setlang/", public_views.set_language, name="set_language"),  # Django's, for prefixed pages too
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("offices/", include(([*distributors.urls.urlpatterns, *access.urls.office_staff_patterns], "distributors"))),
    path("venues/", include(([*counter.urls.urlpatterns, *venues.urls.urlpatterns, *access.urls.venue_staff_patterns,
                              *bookings.urls.urlpatterns, *access.key_urls.urlpatterns], "venues"))),
    path("cards/", include(([*cards.urls.urlpatterns, *public.urls.mobile_card_patterns], "cards"))),
    path("reports/", include("reports.urls")),
    path("regions/", include("regions.urls")),
    path("api/v1/", include("kaikukanta.api")),
    path("api/schema/", SchemaView.as_view(), name="schema"),  # English, ?format=json|yaml (core.api.schema)
    # The split view loads its setup script from its own address (no inline script); only the page's own <style>
    # needs 'unsafe-inline' for styles, on this page alone.
    path("api/docs/", csp_update({"style-src": [UNSAFE_INLINE]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
]

# The public service's pages carry their language in the address (/fi/…, /sv/…, /en/…), so a shared link opens in
# the language it was copied in; the staff pages above keep theirs in the language cookie (set_language).
urlpatterns += i18n_patterns(path("", include((public.urls.public_patterns, "public"))))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Error pages inside the site's layout, in the active language: templates/400.html, 403.html (Django's default
# handlers), 404.html and 500.html (these two answer JSON on /api/ paths instead).
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
