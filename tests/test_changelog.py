"""The lint delta, the changelog of a change (breaking API changes first), diff_spec's json and
markdown, and the changelog a merge carries into git: its commit message and, when the target
asks for it, CHANGELOG.md at the repository root (real git on temporary repositories)."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from specs_app.interchange.apidiff import BREAKING, INFO, WARNING, ApiChange
from specs_app.interchange.records import ParsedSchema
from specs_app.interchange.sql.migration import migration_between
from specs_app.models import Endpoint, Export, GitTarget, Revision
from specs_app.services import git as git_services
from specs_app.services import review as services
from specs_app.services.changelog import (
    changelog_file_prepend,
    changelog_markdown,
    revision_changelog,
)
from specs_app.services.impact import (
    ApiImpact,
    Impact,
    change_request_api_impact,
    change_request_impact,
)
from specs_app.services.lint import (
    Finding,
    Item,
    LintDelta,
    Severity,
    change_request_lint_delta,
    lint_delta,
    lint_settings_load,
    revision_lint_delta,
)
from tests import git_helpers
from tests.git_helpers import changed_files, commit_count, git, push_file, remote_file
from tests.review_helpers import approve_and_merge, open_request, ready_spec

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures

ADDED = "POST /api/v1/tasks/{task_id}/archive"


def _finding(rule: str, uid: str, message: str, severity=Severity.ERROR) -> Finding:
    item = Item("endpoint", uid, f"item {uid}", "endpoint", uid, f"page {uid}")
    return Finding(rule, severity, item, message)


def _delete_first_and_add(cr, actor, name: str = "Archive Task", path: str = "") -> Endpoint:
    """The request deletes its first endpoint (a breaking change) and adds one (info)."""
    first = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
    services.change_request_delete(
        change_request=cr, actor=actor, row=first, expected_version=first.version
    )
    services.change_request_add(
        change_request=cr,
        actor=actor,
        model=Endpoint,
        name=name,
        method="POST",
        path=path or "/api/v1/tasks/{task_id}/archive",
    )
    cr.refresh_from_db()
    return first


@pytest.fixture
def breaking(spec, owner):
    """Change request #1 deletes GET /api/v1/things0/{thing_id} and adds ADDED."""
    cr = open_request(ready_spec(spec), owner, "Archive instead of get")
    deleted = _delete_first_and_add(cr, owner)
    return cr, deleted


# The lint delta.


def test_lint_delta_matches_findings_by_rule_item_and_message():
    kept = _finding("a.rule", "u1", "Same text.")
    reworded = _finding("a.rule", "u2", "Old text.")
    gone = _finding("b.rule", "u3", "Fixed.", Severity.WARNING)
    before = [kept, reworded, gone]
    after = [_finding("a.rule", "u1", "Same text."), _finding("a.rule", "u2", "New text.")]

    delta = lint_delta(before, after)

    assert delta.new == [after[1]]
    assert delta.fixed == [reworded, gone]  # in the older side's order
    assert delta.as_json() == {
        "new": [{"rule": "a.rule", "severity": "error", "item": "item u2", "message": "New text."}],
        "fixed": [
            {"rule": "a.rule", "severity": "error", "item": "item u2", "message": "Old text."},
            {"rule": "b.rule", "severity": "warning", "item": "item u3", "message": "Fixed."},
        ],
    }
    assert lint_delta(before, before) == LintDelta()


def test_a_change_requests_delta_lists_the_findings_it_brings_and_removes(
    breaking, django_assert_num_queries
):
    cr, deleted = breaking

    delta = change_request_lint_delta(cr)

    assert delta.new and {f.item.page_label for f in delta.new} == {ADDED}
    assert "test.endpoint-no-tests" in {f.rule for f in delta.new}
    assert delta.fixed and {f.item.page_uid for f in delta.fixed} == {str(deleted.uid)}
    # The Checks tab counts the same lists.
    from specs_app.services.selectors import change_request_checks

    checks = change_request_checks(cr)
    assert (checks["new_findings"], checks["fixed_findings"]) == (len(delta.new), len(delta.fixed))
    # Kept per edit: read again under the same settings, it costs no query.
    settings = lint_settings_load(spec_id=cr.spec_id)
    with django_assert_num_queries(0):
        assert change_request_lint_delta(cr, settings) == delta


def test_the_delta_follows_the_next_edit(breaking, owner):
    cr, _ = breaking
    before = change_request_lint_delta(cr)
    added = Endpoint.objects.get(revision=cr.working, name="Archive Task")
    services.change_request_delete(
        change_request=cr, actor=owner, row=added, expected_version=added.version
    )
    cr.refresh_from_db()
    after = change_request_lint_delta(cr)
    assert after.fixed == before.fixed and after.new == []


def test_the_delta_between_two_published_revisions(breaking, owner, reviewer, spec):
    cr, _ = breaking
    expected = change_request_lint_delta(cr)
    merged = approve_and_merge(cr, author=owner, reviewer=reviewer)
    base = Revision.objects.get(spec=spec, number=1)

    delta = revision_lint_delta(base, merged)

    assert delta.as_json() == expected.as_json()
    assert revision_lint_delta(merged, merged) == LintDelta()
    # From nothing, every finding is new.
    assert not revision_lint_delta(None, base).fixed and revision_lint_delta(None, base).new


# The changelog's text.


def _impact() -> Impact:
    empty = migration_between(ParsedSchema(), ParsedSchema(), "postgresql")
    return Impact(dialect="postgresql", migration=empty, result_ddl="")


def _api(changes: list[ApiChange]) -> ApiImpact:
    return ApiImpact(api_changes=changes, compatibility="none", api_breaks=[])


def _change(level: str, endpoint: str, message: str, check: str = "some-check") -> ApiChange:
    return ApiChange(check, level, endpoint, message, f"uid-{endpoint}", endpoint)


def test_the_changelog_lists_breaking_changes_first_per_endpoint():
    changes = [
        _change(INFO, "GET /a", "Info on a.", "info-check"),
        _change(WARNING, "GET /b", "Warning on b."),
        _change(BREAKING, "GET /b", "First break on b.", "break-check"),
        _change(BREAKING, "GET /a", "Break on a."),
        _change(BREAKING, "GET /b", "Second break on b."),
    ]
    delta = LintDelta(new=[_finding("r", "u", "m")], fixed=[])

    text = changelog_markdown(_impact(), _api(changes), delta, heading="## Todo: #3")

    assert text == (
        "## Todo: #3\n\n"
        "### Breaking API changes (3)\n\n"
        "- `GET /b`\n"
        "  - First break on b. (`break-check`)\n"
        "  - Second break on b. (`some-check`)\n"
        "- `GET /a`\n"
        "  - Break on a. (`some-check`)\n\n"
        "### API changes to check (warnings) (1)\n\n"
        "- `GET /b`\n"
        "  - Warning on b. (`some-check`)\n\n"
        "### Other API changes (1)\n\n"
        "- `GET /a`\n"
        "  - Info on a. (`info-check`)\n\n"
        "### Lint\n\n"
        "1 new finding (1 error), 0 fixed.\n"
    )
    # Deterministic: the same change, the same bytes.
    assert changelog_markdown(_impact(), _api(list(changes)), delta, heading="## Todo: #3") == text


def test_the_changelog_of_a_request_names_the_migration_and_its_risks(spec, owner):
    from specs_app.models import DataModel, Field

    cr = open_request(ready_spec(spec), owner)
    model = DataModel.objects.filter(revision=cr.working).order_by("position").first()
    row = Field.objects.get(model=model, name="title")
    services.change_request_update(
        change_request=cr, actor=owner, row=row, expected_version=row.version, name="headline"
    )
    cr.refresh_from_db()
    impact = change_request_impact(cr)

    text = changelog_markdown(impact, change_request_api_impact(cr), change_request_lint_delta(cr))

    assert "### Database" in text and "### Breaking API changes" not in text
    assert "\n3 migration steps, 1 risk (PostgreSQL):\n" in text
    assert f"- Rename column `{model.table}.headline` (title → headline)" in text
    assert f"`BC102` `{model.table}.headline`" in text
    assert changelog_markdown(_impact(), _api([]), LintDelta()) == (
        "No change to the API, the database or the lint findings.\n"
    )


# diff_spec.


def diff_spec(*args: str) -> str:
    out = io.StringIO()
    call_command("diff_spec", *args, stdout=out)
    return out.getvalue()


def test_diff_spec_json_has_api_changes_and_the_lint_delta(breaking):
    cr, _ = breaking

    report = json.loads(diff_spec("acme/todo", "--change-request", "1", "--format", "json"))

    assert list(report) == ["migration", "api_changes", "lint_delta"]
    assert [(c["check"], c["level"]) for c in report["api_changes"]] == [
        ("api-path-removed-without-deprecation", "breaking"),
        ("endpoint-added", "info"),
    ]
    assert set(report["api_changes"][0]) == {"check", "level", "item", "message"}
    assert report["lint_delta"] == change_request_lint_delta(cr).as_json()
    assert set(report["lint_delta"]["new"][0]) == {"rule", "severity", "item", "message"}


def test_diff_spec_json_between_revisions(breaking, owner, reviewer):
    cr, _ = breaking
    approve_and_merge(cr, author=owner, reviewer=reviewer)
    report = json.loads(diff_spec("acme/todo", "--from", "1", "--to", "2", "--format", "json"))
    assert report["api_changes"][0]["level"] == "breaking"
    assert report["lint_delta"]["new"] and report["lint_delta"]["fixed"]


def test_diff_spec_markdown_prints_the_changelog(breaking):
    cr, deleted = breaking
    text = diff_spec("acme/todo", "--change-request", "1", "--format", "markdown")
    assert text.startswith("## Todo: change request #1 Archive instead of get\n\n")
    assert text.index("### Breaking API changes (1)") < text.index("### Other API changes (1)")
    assert f"- `GET {deleted.path}`\n  - The endpoint GET {deleted.path}" in text
    assert re.search(r"### Lint\n\n\d+ new findings \(\d+ errors\), \d+ fixed\.\n$", text)


def test_fail_on_breaking_exits_1_only_with_a_breaking_change(breaking, spec, owner):
    with pytest.raises(CommandError, match="1 breaking API change") as failed:
        diff_spec("acme/todo", "--change-request", "1", "--fail-on-breaking")
    assert failed.value.returncode == 1
    # Without the flag, the same change exits 0; a request that only adds an endpoint passes.
    assert diff_spec("acme/todo", "--change-request", "1", "--format", "json")
    other = open_request(spec, owner, "Only adds")
    services.change_request_add(
        change_request=other, actor=owner, model=Endpoint, name="New", method="GET", path="/n"
    )
    diff_spec("acme/todo", "--change-request", str(other.number), "--fail-on-breaking")


# Git: the merge's commit message and CHANGELOG.md.


def _merge(spec, editor, reviewer, capture, title="Archive instead of get", added=""):
    ready_spec(spec)
    spec.refresh_from_db()
    cr = services.change_request_open(spec=spec, author=editor, title=title)
    if added:
        _delete_first_and_add(cr, editor, added, f"/api/v1/{added.lower()}")
    else:
        _delete_first_and_add(cr, editor)
    with capture(execute=True):
        merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    cr.refresh_from_db()
    return cr, merged


def _message(remote) -> str:
    return git("log", "-1", "--format=%B", "main", cwd=remote)


def test_the_merge_commit_message_carries_its_changelog(
    spec, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    cr, merged = _merge(spec, editor, reviewer, django_capture_on_commit_callbacks)

    message = _message(remote)
    body = revision_changelog(spec=spec, revision=merged, change_request=cr).body
    assert message.startswith(f"Todo: Archive instead of get (#{cr.number})\n\n{body}\n")
    assert "### Breaking API changes (1)" in message and "endpoint-added" in message
    # The trailers stay last, where git reads them.
    trailers = git("log", "-1", "--format=%(trailers:only,unfold)", "main", cwd=remote)
    assert trailers.strip().splitlines() == [
        f"Spec-Revision: {merged.label}",
        "Approved-by: rita <rita@example.com>",
    ]
    assert "CHANGELOG.md" not in changed_files(remote)  # the option is off


def test_changelog_md_is_created_then_prepended_in_the_merge_commit(
    spec, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    GitTarget.objects.filter(pk=target.pk).update(write_changelog=True)

    cr, merged = _merge(spec, editor, reviewer, django_capture_on_commit_callbacks)

    assert "CHANGELOG.md" in changed_files(remote)
    text = remote_file(remote, "CHANGELOG.md").decode()
    day = merged.published_at.date().isoformat()
    heading = f"## r2 — Archive instead of get (#{cr.number}) ({day})"
    section = revision_changelog(spec=spec, revision=merged, change_request=cr).section
    assert section.startswith(heading + "\n\n### Breaking API changes (1)")
    assert text == f"# Changelog\n\n{section}"
    # CHANGELOG.md is not one of the spec's files: a later export sees no drift, no change.
    commits = commit_count(remote)
    assert git_services.export_now(spec=spec, actor=editor).status == "no_change"
    assert commit_count(remote) == commits

    # The next merge's section goes on top.
    second, third = _merge(
        spec, editor, reviewer, django_capture_on_commit_callbacks, "Archive the next one", "Next"
    )
    after = remote_file(remote, "CHANGELOG.md").decode()
    assert after.startswith(f"# Changelog\n\n## r3 — Archive the next one (#{second.number})")
    assert after.index("## r3 ") < after.index("## r2 ") and after.endswith(section)
    assert sorted(changed_files(remote)) == sorted(["CHANGELOG.md", spec.api_path])


def test_a_changelog_written_by_people_keeps_its_title_and_text(
    spec, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    push_file(remote, "CHANGELOG.md", "# History of Todo\n\nWritten by hand.\n")
    GitTarget.objects.filter(pk=target.pk).update(write_changelog=True)

    _merge(spec, editor, reviewer, django_capture_on_commit_callbacks)

    text = remote_file(remote, "CHANGELOG.md").decode()
    assert text.startswith("# History of Todo\n\n## r2 — ")
    assert text.endswith("\n\nWritten by hand.\n")
    assert Export.objects.get(spec=spec).status == "succeeded"


def test_no_export_no_commit_and_no_changelog_when_nothing_changed(
    spec, editor, target, remote, monkeypatch
):
    GitTarget.objects.filter(pk=target.pk).update(write_changelog=True)
    first = git_services.export_now(spec=spec, actor=editor)
    assert first.status == "succeeded"
    assert remote_file(remote, "CHANGELOG.md").decode().startswith("# Changelog\n\n## r1 — ")
    commits = commit_count(remote)

    def not_needed(**kwargs):
        raise AssertionError("nothing to commit: the changelog is not computed")

    monkeypatch.setattr(git_services, "revision_changelog", not_needed)
    assert git_services.export_now(spec=spec, actor=editor).status == "no_change"
    assert commit_count(remote) == commits


def test_changelog_file_prepend():
    section = "## r2 — T (2026-01-02)\n\nNo change.\n"
    assert changelog_file_prepend(None, section, "r2") == f"# Changelog\n\n{section}"
    assert changelog_file_prepend("Old notes.\n", section, "r2") == f"{section}\nOld notes.\n"
    assert changelog_file_prepend("", section, "r2") == section
    # An export that runs again does not write its section twice.
    assert changelog_file_prepend(f"# Changelog\n\n{section}", section, "r2") is None


def test_the_git_target_settings_offer_the_changelog(client_for, owner, spec, remote):
    url = reverse("specs_app:git_target", args=["acme", spec.slug])
    client = client_for(owner)
    form = client.get(url).content.decode()
    assert 'name="write_changelog"' in form and "CHANGELOG.md at the repository root" in form
    response = client.post(
        url, {"repository": str(remote), "branch": "main", "write_changelog": "on"}
    )
    assert response.status_code == 302
    target = GitTarget.objects.get(spec=spec)
    assert (target.write_changelog, target.write_migrations) == (True, False)
    page = client.get(reverse("specs_app:exports", args=["acme", spec.slug])).content.decode()
    assert "adding each revision's changes to <code>CHANGELOG.md</code>" in page
