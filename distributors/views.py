"""Offices for regional contacts and coordinators: the list and an office's page. Its community cards and its
staff (who works here, pending invitations, the invite form) are rendered by the template tags of the cards and
access apps, which also serve the pages that act on them, so this app imports neither."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import OfficeFilterForm
from .models import Office

PAGE_SIZE = 50


def _office(user, pk: int) -> Office:
    try:
        return selectors.office_get(user=user, pk=pk)
    except Office.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def office_list(request: HttpRequest) -> HttpResponse:
    form = OfficeFilterForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.office_list(user=request.user, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "distributors/office_list.html", {
        "form": form, "page": page, "offices": page.object_list, "query": query.urlencode(),
    })


def office_page(request: HttpRequest, office: Office, *, status: int = 200,
                extra_context: dict | None = None) -> HttpResponse:
    """The office's page. A higher app that acts on the office renders it again with what it adds
    (``extra_context``: access's refused invite form, with status 400)."""
    return render(request, "distributors/office_detail.html", {"office": office, **(extra_context or {})},
                  status=status)


@login_required
@require_GET
def office_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return office_page(request, _office(request.user, pk))
