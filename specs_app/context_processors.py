"""Template context for every page: the signed-in user's unread notification count for the
navbar, read lazily (one query, only on pages that show the navbar)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from specs_app.services.notifications import unread_count


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user=user))}
