"""The markdown diff of two revisions: unified text exactly as difflib prints it, and a
side-by-side table of the same hunks with escaped text."""

import difflib

import pytest

from specs_app.models import Endpoint
from specs_app.services.diff import markdown_diff
from specs_app.services.markdown import revision_export
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
