"""Project-wide response rules."""

from django.http import HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

from studio.errors import method_not_allowed


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in person are never kept by the browser or a proxy: after logging
    out, Back must not show them from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class MethodNotAllowedPageMiddleware:
    """A 405 (e.g. reloading the address a form was posted to) is a page in the site's layout
    that says what happened and links back, rather than a blank page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            return method_not_allowed(request, response["Allow"])
        return response
