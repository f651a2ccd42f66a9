"""``Cache-Control: no-store`` on every page and API answer for a signed-in user (or by API token).

Staff pages show card numbers, holders' details and uses, and the API answers with them: none of it may stay in a
browser's or a shared proxy's cache after the person signs out. A view that sets its own ``Cache-Control`` keeps it
(the public mobile card decides its own caching); static files never get here (WhiteNoise answers them first).
"""

from django.utils.cache import patch_cache_control


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF's token authentication sets it on this request too
        if not response.has_header("Cache-Control") and user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
