"""The markdown diff of two revisions: unified text exactly as difflib prints it, and a
side-by-side table of the same hunks with escaped text."""

import difflib
import re

import pytest

from specs_app.models import Endpoint
from specs_app.services.diff import markdown_diff
from specs_app.services.export import revision_export
from tests.review_helpers import edit_endpoint, open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(spec, editor):
    cr = open_request(spec, editor)
    first, *_, last = Endpoint.objects.filter(revision=cr.working).order_by("position")
    edit_endpoint(cr, editor, first.name, name="<b>Renamed</b> first")
    edit_endpoint(cr, editor, last.name, user_ownership="Only admins")
    return cr


def test_the_unified_diff_is_what_difflib_prints(changed):
    before, after = revision_export(changed.base), revision_export(changed.working)

    diffs = markdown_diff(old=changed.base, new=changed.working)

    for diff in diffs:
        expected = difflib.unified_diff(
            before[diff.path].splitlines(),
            after[diff.path].splitlines(),
            f"a/{diff.path}",
            f"b/{diff.path}",
            lineterm="",
        )
        assert diff.unified == "\n".join(expected)
    assert any(diff.unified for diff in diffs)


def test_the_side_by_side_table_shows_both_hunks_escaped(changed):
    api = next(d for d in markdown_diff(old=changed.base, new=changed.working) if d.unified)

    table = api.side_by_side_html
    assert table.count('class="diff_next"') == 1  # two hunks, one separator
    assert "## &lt;b&gt;Renamed&lt;/b&gt; first" in table and "<b>Renamed" not in table
    assert 'class="diff_chg">**User Ownership**: Only admins</td>' in table


def test_identical_revisions_have_no_diff(spec):
    assert all(
        not d.unified and not d.side_by_side_html
        for d in markdown_diff(old=spec.head, new=spec.head)
    )


def test_added_and_removed_sections_diff_as_difflib_does(spec, editor):
    from specs_app.models import Endpoint as EndpointModel
    from specs_app.services import review

    cr = open_request(spec, editor)
    rows = list(EndpointModel.objects.filter(revision=cr.working).order_by("position"))
    review.change_request_delete(
        change_request=cr, actor=editor, row=rows[1], expected_version=rows[1].version
    )
    review.change_request_add(
        change_request=cr,
        actor=editor,
        model=EndpointModel,
        name="Brand new",
        method="GET",
        path="/api/v1/brand-new",
    )
    before, after = revision_export(cr.base), revision_export(cr.working)

    for diff in markdown_diff(old=cr.base, new=cr.working):
        old_lines = before[diff.path].splitlines()
        assert apply_unified(old_lines, diff.unified) == after[diff.path].splitlines()
    api = markdown_diff(old=cr.base, new=cr.working)[0].unified
    assert "+## Brand new" in api and f"-## {rows[1].name}" in api


def apply_unified(old_lines: list[str], unified: str) -> list[str]:
    """The new file a unified diff describes, rebuilt from the old one and the hunks."""
    result, position = [], 0
    for line in unified.split("\n")[2:]:
        if line.startswith("@@"):
            first, length = re.match(r"@@ -(\d+)(?:,(\d+))?", line).groups()
            start = int(first) if length == "0" else int(first) - 1
            result += old_lines[position:start]
            position = start
        elif line.startswith(" "):
            result.append(line[1:])
            position += 1
        elif line.startswith("-"):
            position += 1
        elif line.startswith("+"):
            result.append(line[1:])
    return result + old_lines[position:]


def test_unified_lines_are_marked_by_what_happened_to_them(changed):
    api = next(d for d in markdown_diff(old=changed.base, new=changed.working) if d.unified)

    kinds = dict.fromkeys(kind for kind, _ in api.unified_lines)
    assert list(kinds) == ["file", "hunk", "context", "sub", "add"]
    for kind, line in api.unified_lines:
        first = {"file": ("---", "+++"), "hunk": ("@@",), "add": ("+",), "sub": ("-",)}
        assert kind == "context" or line.startswith(first[kind])
    assert [line for _, line in api.unified_lines] == api.unified.splitlines()


def test_the_changes_tab_labels_the_sides_base_and_this_change_request(client_for, changed, editor):
    from django.urls import reverse

    url = reverse("specs_app:change_request", args=["acme", changed.spec.slug, changed.number])
    page = client_for(editor).get(url, {"tab": "changes", "diff": "split"}).content.decode()

    assert f"base {changed.base.label}" in page
    assert f"change request #{changed.number}" in page
    assert "draft #" not in page
    unified = client_for(editor).get(url, {"tab": "changes"}).content.decode()
    assert 'class="diff-line diff-line-add">+' in unified
    assert 'class="diff-line diff-line-sub">-' in unified
