"""The public pages. The mobile card keeps its /cards/m/… addresses and ``cards:`` names: the project's
urls.py mounts these beside the card pages under one namespace."""

from django.urls import path

from . import catalogue, figures, holder, printable, views

# The service worker lives at the top of /cards/m/ so its scope covers every mobile card.
mobile_card_patterns = [
    path("m/", views.mobile_scope, name="mobile_scope"),
    path("m/sw.js", views.service_worker, name="service_worker"),
    path("m/<str:token>/", views.mobile_card, name="mobile"),
    path("m/<str:token>/status.json", views.mobile_status, name="mobile_status"),
    path("m/<str:token>/live.json", holder.live, name="mobile_live"),
    path("m/<str:token>/manifest.webmanifest", views.mobile_manifest, name="mobile_manifest"),
]

# The public service's pages, mounted by the project's urls.py under a language prefix (i18n_patterns): /fi/, /sv/
# and /en/ + these paths, in the ``public:`` namespace. The language is part of the address, so a shared link opens
# in the language it was copied in. New public pages (catalogue, region pages, figures…) go here, and into
# public/sitemaps.py.
public_patterns = [
    path("", views.home_page, name="home"),
    path("selkokieli/", views.plain_language, name="plain_language"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    # The holder activates the mobile card with the number and activation code (public/holder.py, issue 14).
    path("card/activate/", holder.activate, name="holder_activate"),
    # Public figures and their open data (public/figures.py, issue 13 point 5).
    path("figures/", figures.figures_page, name="figures"),
    path("figures/kaikukortti-figures.csv", figures.figures_csv, name="figures_csv"),
    path("figures/kaikukortti-figures.json", figures.figures_json, name="figures_json"),
    # A region's venues and offers to print and hand out (public/printable.py, issue 13 point 7).
    path("regions/<int:pk>/list.pdf", printable.region_list_pdf, name="region_list_pdf"),
    # "Where the card works" and the region pages (public/catalogue.py).
    path("venues/", catalogue.catalogue, name="catalogue"),
    path("regions/", catalogue.region_index, name="regions"),
    path("regions/<int:pk>/", catalogue.region_page, name="region"),
]
