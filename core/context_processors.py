from .navigation import nav_items
from .scopes import scope_for


def scope(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"scope": scope_for(None), "nav_items": []}
    return {"scope": scope_for(user), "nav_items": nav_items(user)}
