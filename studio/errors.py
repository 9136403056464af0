"""Error pages in the site's layout, each with its reason and a way back: 400, 403, 404, 405, the
CSRF refusal, the sign-in lockout; and a 500 page that needs no context and no database."""

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from specs_app.interchange.markdown_variants.blocks import MAX_BYTES

_FORBIDDEN = "You do not have permission to see or do this."
_NOT_FOUND = "There is nothing at this address, or you do not have access to it."


def _reason(exception, default: str) -> str:
    """The message an exception was raised with; Django's own lookups raise with a dict."""
    message = exception.args[0] if exception is not None and exception.args else None
    return message if isinstance(message, str) and message else default


_BAD_REQUEST = (
    "What was sent is too large or malformed, so nothing was done. A spec file may be at most "
    f"{MAX_BYTES // 1_000_000} MB: upload it as a file, or split what you paste."
)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    # Django's own messages here (e.g. "Request body exceeded ...") are for operators.
    return render(request, "400.html", {"reason": _BAD_REQUEST}, status=400)


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    context = {"reason": _reason(exception, _FORBIDDEN)}
    return render(request, "403.html", context, status=403)


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    context = {"reason": _reason(exception, _NOT_FOUND)}
    return render(request, "404.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be the database or a context processor.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    context = {"method": request.method, "allowed": allowed}
    response = render(request, "405.html", context, status=405)
    response["Allow"] = allowed
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    context = {
        "reason": "The form was out of date or came from another site, so it was not sent. "
        "Reload the page and try again."
    }
    return render(request, "403.html", context, status=403)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes refused a sign-in: say for how long."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
