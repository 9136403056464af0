"""The API diff's contract: endpoints matched by uid, breaking changes under a compatibility
mode (the checks themselves are tested in test_api_changes.py)."""

import pytest

from specs_app.interchange.apidiff import (
    BREAKING,
    CHECKS,
    api_changes_between,
    compatibility_breaks,
)
from specs_app.interchange.records import ParsedApi, ParsedEndpoint
from tests.factories import WorkspaceFactory


def api(*endpoints: ParsedEndpoint) -> ParsedApi:
    return ParsedApi(endpoints=list(endpoints))


TASKS = ParsedEndpoint(0, "List Tasks", "GET", "/api/v1/tasks", uid="e1")
TAGS = ParsedEndpoint(0, "List Tags", "GET", "/api/v1/tags", uid="e2")


def test_an_endpoint_matched_by_uid_is_no_change():
    assert api_changes_between(api(TASKS), api(TASKS)) == []


def test_removing_an_endpoint_is_breaking_and_names_it():
    [change] = api_changes_between(api(TASKS, TAGS), api(TASKS))
    assert change.check == "api-path-removed-without-deprecation"
    assert change.level == BREAKING == CHECKS[change.check].level
    assert "GET /api/v1/tags" in change.message and change.endpoint_uid == "e2"


def test_compatibility_modes_read_the_diff_one_way_or_both():
    old, new = api(TASKS, TAGS), api(TASKS)
    assert compatibility_breaks(old, new, "none") == []
    assert [c.direction for c in compatibility_breaks(old, new, "backward")] == ["backward"]
    # Forward: what a revision adds breaks its clients when they call the previous server.
    assert compatibility_breaks(old, new, "forward") == []
    assert [c.direction for c in compatibility_breaks(new, old, "forward")] == ["forward"]
    assert len(compatibility_breaks(old, new, "full")) == 1


def test_a_fingerprint_survives_unrelated_changes_and_tells_directions_apart():
    [backward] = compatibility_breaks(api(TASKS, TAGS), api(TASKS), "backward")
    [again] = compatibility_breaks(
        api(TASKS, TAGS), api(TASKS, ParsedEndpoint(0, "X", uid="e3")), "backward"
    )
    assert backward.fingerprint == again.fingerprint
    assert backward.forward().fingerprint != backward.fingerprint


@pytest.mark.django_db
def test_a_change_request_deleting_an_endpoint_breaks_backward_clients():
    from specs_app import models as m
    from specs_app.services import review as services
    from specs_app.services.selectors import change_request_api_impact_of_edit
    from tests.factories import UserFactory, published_spec
    from tests.review_helpers import open_request

    spec = published_spec(workspace=WorkspaceFactory())
    editor = UserFactory()
    m.Membership.objects.create(workspace=spec.workspace, user=editor, role=m.Role.EDITOR)
    cr = open_request(spec, editor)
    gone = m.Endpoint.objects.filter(revision=cr.working).first()
    services.change_request_delete(change_request=cr, actor=editor, row=gone)
    cr.refresh_from_db()
    impact = change_request_api_impact_of_edit(cr)
    assert [c.check for c in impact.api_changes] == ["api-path-removed-without-deprecation"]
    assert impact.compatibility == "none" and impact.api_breaks == []
    spec.compatibility = "backward"
    spec.save(update_fields=["compatibility"])
    cr.refresh_from_db()
    [broken] = change_request_api_impact_of_edit(cr).api_breaks
    assert broken.endpoint_uid == str(gone.uid)
