"""The read side as functions: what the Checks, Changes and Conversation tabs, the editor's lint
panel and the compare page show, without going through a view."""

import pytest

from specs_app.models import DataModel, Endpoint
from specs_app.services.review import change_request_delete
from specs_app.services.selectors import (
    change_request_changes,
    change_request_checks,
    change_request_timeline,
    draft_findings,
    item_findings,
    revision_comparison,
    revision_lint_report,
)
from specs_app.services.threads import change_request_comment
from tests.review_helpers import approve_and_merge, edit_endpoint, open_request, ready_spec
from tests.test_cache import markers

pytestmark = pytest.mark.django_db


def test_the_drafts_findings_follow_its_edits_and_count_against_the_base(spec, editor):
    cr = open_request(ready_spec(spec), editor)
    first, second = Endpoint.objects.filter(revision=cr.working).order_by("position")[:2]
    assert markers(draft_findings(cr)) == []

    edit_endpoint(cr, editor, first.name, user_ownership="TODO decide")
    cr.refresh_from_db()

    assert markers(draft_findings(cr)) == [f"{first.method} {first.path}"]
    assert markers(item_findings(cr, first)) == [f"{first.method} {first.path}"]
    assert markers(item_findings(cr, second)) == []
    checks = change_request_checks(cr)
    assert (checks["new_findings"], checks["fixed_findings"]) == (1, 0)
    assert markers(checks["findings"]) == markers(draft_findings(cr))
    published = revision_lint_report(spec.head)
    assert published.error_count + published.warning_count == len(published.findings)
    assert markers(published.findings) == []


def test_the_changes_tab_holds_the_diff_and_the_deleted_items(spec, editor):
    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    model = DataModel.objects.filter(revision=cr.working).first()
    edit_endpoint(cr, editor, endpoint.name, name="Renamed")
    change_request_delete(change_request=cr, actor=editor, row=model)
    cr.refresh_from_db()

    changes = change_request_changes(cr)

    assert "Renamed" in [group["title"] for group in changes["groups"]]
    assert [item.uid for item in changes["deleted_items"]] == [model.uid]
    assert any("+## Renamed" in file.unified for file in changes["files"])


def test_the_timeline_shows_each_comment_rendered_with_its_anchor(spec, editor):
    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    change_request_comment(
        change_request=cr,
        author=editor,
        body="Is **this** right?",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
    )

    timeline = change_request_timeline(cr)

    verbs = [entry["event"].verb for entry in timeline]
    assert verbs == ["change_request.opened", "comment.added"]
    comment = timeline[-1]
    assert comment["anchor"] == endpoint.name and "<strong>this</strong>" in comment["html"]


def test_the_comparison_of_two_revisions_names_what_changed(spec, editor, reviewer):
    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    edit_endpoint(cr, editor, endpoint.name, name="Renamed")
    merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    first = spec.revisions.get(number=1)

    comparison = revision_comparison(first, merged)

    assert [group["title"] for group in comparison["groups"]] == ["Renamed"]
    assert any("+## Renamed" in file.unified for file in comparison["files"])
