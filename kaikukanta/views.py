from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
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


@login_required
def profile(request):
    from .api_auth import token_context

    return render(request, "kaikukanta/profile.html", token_context(request))


@require_GET
def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
