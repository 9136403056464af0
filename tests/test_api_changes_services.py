"""The API diff on real revisions: edits made through the review services keep their rows' uids,
so a renamed path, field or parameter is one change (not a removal and an addition); and the
checks' reference on the lint Rules page."""

import pytest
from django.urls import reverse

from specs_app.interchange.apidiff import BREAKING, CHECKS, LEVELS
from specs_app.models import BodyField, Endpoint, Parameter
from specs_app.services import review as services
from specs_app.services.impact import change_request_api_impact
from tests.review_helpers import open_request

pytestmark = pytest.mark.django_db


def first_endpoint(cr) -> Endpoint:
    return Endpoint.objects.filter(revision=cr.working).order_by("position").first()


def update(cr, actor, row, **values):
    return services.change_request_update(
        change_request=cr, actor=actor, row=row, expected_version=row.version, **values
    )


def body_field(cr, endpoint: Endpoint, part: str, name: str) -> BodyField:
    return BodyField.objects.get(revision=cr.working, endpoint=endpoint, part=part, name=name)


def test_an_untouched_request_has_no_api_changes(spec, owner):
    assert change_request_api_impact(open_request(spec, owner)).api_changes == []


def test_a_renamed_path_is_one_change_on_the_endpoints_uid(spec, owner):
    cr = open_request(spec, owner)
    endpoint = first_endpoint(cr)
    update(cr, owner, endpoint, path="/api/v1/widgets/{thing_id}")

    [change] = change_request_api_impact(cr).api_changes

    assert change.check == "endpoint-path-changed" and change.level == BREAKING
    assert change.endpoint_uid == str(endpoint.uid)
    assert change.endpoint == "GET /api/v1/widgets/{thing_id}"
    assert f"moved from {endpoint.path} to /api/v1/widgets/{{thing_id}}" in change.message


def test_a_renamed_response_field_is_one_rename(spec, owner):
    cr = open_request(spec, owner)
    endpoint = first_endpoint(cr)
    update(cr, owner, body_field(cr, endpoint, "response", "id"), name="identifier")

    [change] = change_request_api_impact(cr).api_changes

    assert change.check == "response-property-renamed" and change.level == BREAKING
    assert change.item == f"GET {endpoint.path}, response field identifier"
    assert "renamed from id" in change.message and change.endpoint_uid == str(endpoint.uid)


def test_a_renamed_path_parameter_is_one_rename_and_not_a_new_path(spec, owner):
    cr = open_request(spec, owner)
    endpoint = first_endpoint(cr)
    update(cr, owner, endpoint, path=endpoint.path.replace("{thing_id}", "{id}"))
    parameter = Parameter.objects.get(revision=cr.working, endpoint=endpoint, name="thing_id")
    update(cr, owner, parameter, name="id")

    [change] = change_request_api_impact(cr).api_changes

    assert change.check == "request-path-parameter-renamed"
    assert change.item.endswith(", path parameter id") and "renamed from thing_id" in change.message


def test_a_changed_type_is_one_change_and_breaks_under_backward_compatibility(spec, owner):
    spec.compatibility = "backward"
    spec.save(update_fields=["compatibility"])
    cr = open_request(spec, owner)
    endpoint = first_endpoint(cr)
    update(cr, owner, body_field(cr, endpoint, "request", "title"), type="integer")

    impact = change_request_api_impact(cr)

    [change] = impact.api_changes
    assert change.check == "request-property-type-changed"
    assert "(was string, is integer)" in change.message
    assert impact.api_breaks == [change]


def test_a_deleted_response_field_is_a_removal(spec, owner):
    cr = open_request(spec, owner)
    endpoint = first_endpoint(cr)
    row = body_field(cr, endpoint, "response", "id")
    services.change_request_delete(change_request=cr, actor=owner, row=row)

    [change] = change_request_api_impact(cr).api_changes

    assert change.check == "response-required-property-removed"


# --- The reference on the Rules page


def test_the_rules_page_lists_every_api_check_by_level_with_an_anchor(client_for, viewer, spec):
    url = reverse("specs_app:lint_rules", args=[spec.workspace.slug, spec.slug])
    body = client_for(viewer).get(url).content.decode()

    section = body.split('id="api-checks"', 1)[1]
    for check in CHECKS.values():
        assert f'id="{check.id}"' in section and check.title.replace("'", "&#x27;") in section
    # Grouped by level, worst first: every breaking check before the first warning one.
    headings = [section.index(f'id="api-checks-{level}"') for level in LEVELS]
    assert headings == sorted(headings)
    first_warning = headings[1]
    assert all(
        section.index(f'id="{c.id}"') < first_warning
        for c in CHECKS.values()
        if c.level == BREAKING
    )
    oasdiff_row = section.split('id="response-property-became-optional"', 1)[1].split("</tr>")[0]
    own_row = section.split('id="endpoint-path-changed"', 1)[1].split("</tr>")[0]
    assert "oasdiff" in oasdiff_row and "oasdiff" not in own_row
