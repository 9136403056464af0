"""Content-Security-Policy on every page, and no caching of a signed-in person's pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    parts = (p.strip().split(" ", 1) for p in header.split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


@pytest.mark.parametrize("url_name", ["login", "specs_app:workspace_list"])
def test_pages_send_a_strict_content_security_policy(client_for, viewer, url_name):
    response = client_for(viewer).get(reverse(url_name))
    csp = _directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_error_pages_send_it_too(client_for, viewer):
    assert "Content-Security-Policy" in client_for(viewer).get("/no/such/page/")


def test_htmx_is_configured_to_need_no_inline_style_nor_eval(client_for, viewer):
    page = client_for(viewer).get(reverse("specs_app:workspace_list")).content.decode()
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page


def test_signed_in_pages_are_not_stored(client_for, viewer, spec):
    client = client_for(viewer)
    for url in (
        reverse("specs_app:workspace_list"),
        reverse("specs_app:spec_detail", args=["acme", "todo"]),
        reverse("specs_app:markdown", args=["acme", "todo"]),
        "/no/such/page/",
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url
