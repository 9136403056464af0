"""The Impact tab's API changes and lint delta: a summary line that leads to each section, the
changes grouped by endpoint (method badge, link to the draft or the base, level badges, check
ids leading to their reference, breaking first), the compatibility mode and what fails it, the
findings the change brings and fixes; access."""

import re

import pytest
from django.urls import reverse

from specs_app.interchange.apidiff import BREAKING, INFO, WARNING, ApiChange
from specs_app.models import Endpoint, Spec
from specs_app.services import review as services
from specs_app.services.impact import ApiImpact
from specs_app.services.lint import change_request_lint_delta
from specs_app.views.impact import _ItemLinks, api_change_groups
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db

ADDED_PATH = "/api/v1/tasks/{task_id}/archive"


def _url(cr) -> str:
    return reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])


def _tab(client, cr) -> str:
    response = client.get(_url(cr), {"tab": "impact"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def breaking(spec, editor):
    """A request that deletes the first endpoint (breaking) and adds one (info)."""
    cr = open_request(ready_spec(spec), editor, "Archive instead of get")
    gone = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
    services.change_request_delete(
        change_request=cr, actor=editor, row=gone, expected_version=gone.version
    )
    added = services.change_request_add(
        change_request=cr, actor=editor, model=Endpoint, name="Archive", method="POST",
        path=ADDED_PATH,
    )  # fmt: skip
    cr.refresh_from_db()
    return cr, gone, added


def _groups(body: str) -> list[str]:
    return re.findall(r'data-testid="api-group" data-endpoint="([^"]*)"', body)


def test_the_tab_groups_api_changes_by_endpoint_breaking_first(client_for, reviewer, breaking):
    cr, gone, added = breaking
    body = _tab(client_for(reviewer), cr)

    assert _groups(body) == [str(gone.uid), str(added.uid)]  # the breaking group first
    levels = re.findall(r'data-testid="api-change" data-level="(\w+)" data-check="([^"]+)"', body)
    assert levels == [
        ("breaking", "api-path-removed-without-deprecation"),
        ("info", "endpoint-added"),
    ]
    # Level badges in words, the method badge, the check's reference.
    assert '<span class="badge api-level api-level-breaking">breaking</span>' in body
    assert '<span class="badge api-level api-level-info">info</span>' in body
    assert '<span class="badge method-badge method-GET">GET</span>' in body
    assert '<span class="badge method-badge method-POST">POST</span>' in body
    rules = reverse("specs_app:lint_rules", args=["acme", "todo"])
    assert f'href="{rules}#api-path-removed-without-deprecation"' in body
    # The removed endpoint leads to its page in the base; the added one to the editor.
    base_page = reverse("specs_app:endpoint_detail", args=["acme", "todo", gone.uid])
    assert f'href="{base_page}?revision=1"' in body
    assert '<span class="badge api-removed">removed</span>' in body
    editor_url = reverse(
        "specs_app:editor_item", args=["acme", "todo", cr.number, "endpoint", added.uid]
    )
    assert f'href="{editor_url}"' in body
    assert f"<code>{ADDED_PATH}</code>" in body


def test_the_summary_line_leads_to_each_section(client_for, reviewer, breaking):
    cr, _, _ = breaking
    body = _tab(client_for(reviewer), cr)
    delta = change_request_lint_delta(cr)

    nav = body.split('data-testid="impact-overview"')[1].split("</nav>")[0]
    assert 'href="#api-changes" data-testid="overview-api">1 breaking, 1 info API changes<' in nav
    assert 'href="#database" data-testid="overview-database">No migration<' in nav
    lint = f"{len(delta.new)} new lint findings, {len(delta.fixed)} fixed"
    assert f'href="#lint-delta" data-testid="overview-lint">{lint}<' in nav
    for section in ("api-changes", "database", "lint-delta"):
        assert f'id="{section}"' in body


def test_the_lint_delta_lists_new_and_fixed_findings_with_links(client_for, reviewer, breaking):
    cr, gone, added = breaking
    body = _tab(client_for(reviewer), cr)
    delta = change_request_lint_delta(cr)

    new = re.findall(r'data-testid="new-finding" data-rule="([^"]+)" data-severity="(\w+)"', body)
    fixed = re.findall(
        r'data-testid="fixed-finding" data-rule="([^"]+)" data-severity="(\w+)"', body
    )
    assert new == [(f.rule, str(f.severity)) for f in delta.new] and new
    assert fixed == [(f.rule, str(f.severity)) for f in delta.fixed] and fixed
    assert '<span class="badge risk-level risk-level-error">error</span>' in body
    # New findings lead to the item in the draft (the editor), fixed ones to the base.
    editor_url = reverse(
        "specs_app:editor_item", args=["acme", "todo", cr.number, "endpoint", added.uid]
    )
    lint_section = body.split('id="lint-delta-heading"')[1]
    assert f'<a class="lint-delta-item" href="{editor_url}">' in lint_section
    base_page = reverse("specs_app:endpoint_detail", args=["acme", "todo", gone.uid])
    assert f'<a class="lint-delta-item" href="{base_page}?revision=1">' in lint_section


def test_a_viewer_gets_the_changes_tab_instead_of_the_editor(client_for, viewer, breaking):
    cr, _, added = breaking
    body = _tab(client_for(viewer), cr)
    assert f'href="?tab=changes#item-{added.uid}"' in body
    section = body.split('id="api-changes-heading"')[1].split('id="database-heading"')[0]
    assert "/edit/" not in section and "item-" in section


def test_the_compatibility_mode_and_what_fails_it(client_for, reviewer, breaking):
    cr, gone, _ = breaking
    body = _tab(client_for(reviewer), cr)
    assert "None: breaking changes are reported, never gated" in body
    assert 'data-testid="api-breaks"' not in body and 'data-testid="api-fails"' not in body

    Spec.objects.filter(pk=cr.spec_id).update(compatibility="backward")
    cr.refresh_from_db()
    cr.spec.refresh_from_db()
    body = _tab(client_for(reviewer), cr)
    assert "Backward: existing clients keep working" in body
    breaks = body.split('data-testid="api-breaks"')[1].split("</ul>")[0]
    assert "api-path-removed-without-deprecation" in breaks and gone.path in breaks
    assert "1 change fails the backward mode" in body
    assert body.count('data-testid="api-fails">fails backward<') == 1


def test_a_change_that_leaves_the_api_alone(client_for, reviewer, spec, editor):
    cr = open_request(ready_spec(spec), editor)
    name = Endpoint.objects.filter(revision=cr.working).order_by("position").first().name
    edit_endpoint(cr, editor, name, description="Reworded.")
    body = _tab(client_for(reviewer), cr)
    assert 'data-testid="no-api-changes"' in body and 'data-testid="api-group"' not in body
    assert 'data-testid="overview-api">No API change<' in body


def test_within_a_group_breaking_comes_first(spec, editor):
    cr = open_request(spec, editor)
    changes = [
        ApiChange("i", INFO, "GET /a", "Info.", "a", "GET /a"),
        ApiChange("w", WARNING, "GET /b", "Warning.", "b", "GET /b"),
        ApiChange("b1", BREAKING, "GET /a", "Break.", "a", "GET /a"),
        ApiChange("w2", WARNING, "GET /a", "Warning on a.", "a", "GET /a"),
    ]
    api = ApiImpact(api_changes=changes, compatibility="none", api_breaks=[])

    groups = api_change_groups(cr, api, _ItemLinks(cr, can_edit=False))

    assert [g["label"] for g in groups] == ["GET /a", "GET /b"]
    assert [row["change"].check for row in groups[0]["changes"]] == ["b1", "w2", "i"]
    assert groups[0]["worst"] == BREAKING and groups[1]["worst"] == WARNING


def test_access(client_for, outsider, breaking):
    cr, _, _ = breaking
    assert client_for(outsider).get(_url(cr), {"tab": "impact"}).status_code == 404
