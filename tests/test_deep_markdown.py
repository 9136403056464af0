"""Markdown nested deeper than the renderer can recurse is shown as escaped text, never a 500:
comments, the editor's preview of a business rule, the markdown page of an overview."""

import pytest
from django.urls import reverse

from specs_app.models import BusinessRule, Endpoint
from specs_app.services import render, threads
from specs_app.services import review as services
from specs_app.services.render import markdown_to_safe_html
from specs_app.services.revisions import revision_fork, revision_publish
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db

DEEP_SHAPES = {
    "dash list": "- " * 600 + "x",
    "star list": "* " * 600 + "x",
    "plus list": "+ " * 600 + "x",
    "ordered list": "1. " * 600 + "x",
    "blockquote": "> " * 600 + "x",
    "indented list": "\n".join(" " * (4 * i) + "- item <b>" for i in range(300)),
    "quoted list": "> - " * 400 + "x",
    "nested emphasis": "*_" * 500 + "x" + "_*" * 500,
}


@pytest.mark.parametrize("text", DEEP_SHAPES.values(), ids=DEEP_SHAPES.keys())
def test_deep_nesting_renders_bounded_and_escaped(text):
    html = markdown_to_safe_html(text)
    assert "<b>" not in html  # escaped or sanitised, never raw
    depth = html.count("<ul>") + html.count("<ol>") + html.count("<blockquote>")
    assert depth <= render.MAX_NESTING


def test_ordinary_nesting_still_renders_as_markdown():
    text = "- a\n    - b\n        - c\n\n> quoted\n> > twice"
    html = markdown_to_safe_html(text)
    assert html.count("<ul>") == 3 and html.count("<blockquote>") == 2


def _cr_url(cr) -> str:
    return reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])


def test_deeply_nested_comment_leaves_the_change_request_readable(
    client_for, editor, reviewer, viewer, spec
):
    cr = open_request(ready_spec(spec), editor)
    body = "- " * 600 + "x"
    threads.change_request_comment(change_request=cr, author=reviewer, body=body)
    for person in (editor, reviewer, viewer):
        response = client_for(person).get(_cr_url(cr))
        assert response.status_code == 200
        assert "- - - - x" in response.content.decode()
    services.change_request_close(change_request=cr, actor=editor)
    assert client_for(viewer).get(_cr_url(cr)).status_code == 200


def test_deep_business_rule_leaves_its_endpoint_editor_working(client_for, editor, spec):
    cr = open_request(ready_spec(spec), editor)
    rule = BusinessRule.objects.filter(revision=cr.working).first()
    text = "- " * 499 + "x"
    assert len(text) == 999
    services.change_request_update(
        change_request=cr, actor=editor, row=rule, expected_version=rule.version, text=text
    )
    endpoint = Endpoint.objects.get(pk=rule.endpoint_id)
    url = reverse(
        "specs_app:editor_item", args=["acme", spec.slug, cr.number, "endpoint", endpoint.uid]
    )
    response = client_for(editor).get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_deep_overview_leaves_the_markdown_page_working(client_for, viewer, spec):
    overview = "- " * 600 + "x"
    revision_publish(revision=revision_fork(source=spec.head, overviews={"api_overview": overview}))
    response = client_for(viewer).get(reverse("specs_app:markdown", args=["acme", spec.slug]))
    assert response.status_code == 200
