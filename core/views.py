from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.http import require_GET

from .navigation import nav_items


@login_required
@require_GET
def home(request):
    """Each role lands on its own home page: the first menu entry of its role."""
    items = [item for item in nav_items(request.user) if item["name"] != "profile"]
    if items:
        return redirect(items[0]["url"])
    return render(request, "home.html")



@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def server_error(request, *args, **kwargs):
    """Django's handler500: a JSON body on /api/ paths, the normal error page elsewhere."""
    if _wants_json(request):
        body = {"code": "server_error", "detail": str(_("Something went wrong on our side. The error was logged."))}
        return JsonResponse(body, status=500)
    return defaults.server_error(request, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    """Django's handler404: a JSON body on /api/ paths, the normal page elsewhere."""
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "detail": str(_("Not found."))}, status=404)
    return defaults.page_not_found(request, exception, *args, **kwargs)
