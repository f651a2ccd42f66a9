"""Venues for regional contacts and the coordinator: the list and a venue's page. Its staff (who works
here, pending invitations, the invite form, ending a person's access) is rendered and served by the access
app (the ``staff_section`` template tag and access.views), the same as on an office's page.

Venue staff reach only their own venue's page (read-only); everything else answers 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import VenueFilterForm
from .models import Venue

PAGE_SIZE = 50


def _venue(user, pk: int) -> Venue:
    try:
        return selectors.venue_get(user=user, pk=pk)
    except Venue.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    form = VenueFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.venue_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "venues/venue_list.html", {
        "form": form, "page": page, "venues": page.object_list, "query": query.urlencode(),
    })


def venue_page(request: HttpRequest, venue: Venue, *, status: int = 200,
               extra_context: dict | None = None) -> HttpResponse:
    """The venue's page. A higher app that acts on the venue renders it again with what it adds
    (``extra_context``: access's refused invite form, with status 400)."""
    return render(request, "venues/venue_detail.html", {"venue": venue, **(extra_context or {})}, status=status)


@login_required
@require_GET
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return venue_page(request, _venue(request.user, pk))
