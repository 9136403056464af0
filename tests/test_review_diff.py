"""The Changes tab as item cards (services/diff.py, selectors.change_request_changes) and the
Viewed ticks (services/viewed.py and its view), without a browser."""

import re
import uuid

import pytest
from django.http import Http404
from django.urls import reverse

from specs_app.models import BusinessRule, Endpoint, ErrorCase, ItemView, Parameter
from specs_app.services.diff import group_by_item, snapshot_diff, word_diff
from specs_app.services.errors import ServiceError
from specs_app.services.review import change_request_move
from specs_app.services.selectors import change_request_changes
from specs_app.services.viewed import item_mark_viewed
from tests.diff_helpers import LONG_AFTER, diff_case
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(spec, editor, reviewer):
    return diff_case(spec, editor, reviewer)


def _groups(cr, viewer=None) -> dict:
    return {g["uid"]: g for g in change_request_changes(cr, viewer=viewer)["groups"]}


def _url(cr, name="change_request") -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number])


# The cards.


def test_one_card_per_item_added_removed_or_changed_with_counts(case):
    changes = change_request_changes(case.cr)
    statuses = {g["uid"]: g["status"] for g in changes["groups"]}
    assert statuses == {
        case.added.uid: "added",
        case.changed.uid: "changed",
        case.removed.uid: "removed",
    }
    assert changes["summary"]["text"] == "1 added, 1 removed, 1 changed"
    assert (changes["summary"]["endpoints"], changes["summary"]["models"]) == (2, 1)
    groups = _groups(case.cr)
    changed, added, removed = (groups[i.uid] for i in (case.changed, case.added, case.removed))
    assert changed["detail"] == f"{case.changed.method} {case.changed.path}"
    assert added["detail"] == "POST /api/v1/things/{thing_id}/archive"
    assert removed["detail"] == case.removed.table
    # An added item shows its values and its rows as added; a removed one its rows as removed.
    assert ("Path", "/api/v1/things/{thing_id}/archive") in added["own"].values
    assert ("Method", "POST") in added["own"].values  # the value, not its recased label
    assert [(s["title"], [r.status for r in s["rows"]]) for s in added["sections"]] == [
        ("Parameters", ["added"])
    ]
    assert {r.status for s in removed["sections"] for r in s["rows"]} == {"removed"}
    # Endpoints come first.
    assert [g["kind"] for g in changes["groups"]] == ["endpoint", "endpoint", "model"]


def test_changed_fields_have_labels_and_rows_are_changed_or_moved(case):
    group = _groups(case.cr)[case.changed.uid]
    assert [(f.label, f.old_text, f.new_text) for f in group["fields"]] == [
        ("User ownership", group["fields"][0].old_text, LONG_AFTER)
    ]
    sections = {s["title"]: s["rows"] for s in group["sections"]}
    [body_row] = sections["Body fields"]
    assert (body_row.status, body_row.uid) == ("changed", case.body_field.uid)
    assert {f.label: (f.old_text, f.new_text) for f in body_row.fields}["Required"] == (
        "yes",
        "no",
    )
    # The swap of two error cases: one of them moved (by place, not position number), the
    # other is only renumbered; no "Position" field anywhere.
    [moved] = sections["Error cases"]
    assert (moved.status, moved.moved) == ("moved", (2, 1)) and moved.fields == []
    labels = [f.label for s in group["sections"] for r in s["rows"] for f in r.fields]
    assert "Position" not in labels and "position" not in labels
    assert group["row_counts"] == [("changed", 1), ("moved", 1)]


def test_a_row_only_renumbered_is_no_change_and_a_real_move_is(spec, editor):
    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    last = Parameter.objects.filter(endpoint=endpoint).order_by("position").last()
    change_request_move(change_request=cr, actor=editor, row=last, direction=-1)
    cr.refresh_from_db()
    [group] = change_request_changes(cr)["groups"]
    [section] = group["sections"]
    assert [(r.uid, r.status, r.moved) for r in section["rows"]] == [(last.uid, "moved", (3, 2))]

    # Hand-made snapshots: the first of three rows removed, the others renumbered 0, 1.
    parent, a, b, c = (uuid.uuid4() for _ in range(4))
    top = {"name": "E", "method": "GET", "path": "/e", "position": 0}

    def rule(position):
        return {"parent_uid": parent, "text": "rule", "position": position}

    old = {(Endpoint, parent): top, **{(BusinessRule, u): rule(i) for i, u in enumerate((a, b, c))}}
    new = {(Endpoint, parent): top, (BusinessRule, b): rule(0), (BusinessRule, c): rule(1)}
    [card] = group_by_item(snapshot_diff(old, new), old=old, new=new)
    assert [(r.uid, r.status) for s in card["sections"] for r in s["rows"]] == [(a, "removed")]
    assert card["unchanged_text"] == "3 unchanged fields and 2 unchanged rows"
    # Only renumbered, nothing else: no card at all.
    renumbered = {**old, **{(BusinessRule, u): rule(i + 10) for i, u in enumerate((a, b, c))}}
    assert group_by_item(snapshot_diff(old, renumbered), old=old, new=renumbered) == []


def test_unchanged_fields_and_rows_are_there_to_expand(case, client_for, editor):
    group = _groups(case.cr)[case.changed.uid]
    labels = [label for label, _ in group["unchanged_fields"]]
    assert "Name" in labels and "Method" in labels and "User ownership" not in labels
    unchanged = {s["title"]: [name for name, _ in s["rows"]] for s in group["unchanged_sections"]}
    other_error = ErrorCase.objects.filter(endpoint=case.changed).exclude(uid=case.moved.uid)
    assert "Error cases" in unchanged and len(unchanged["Error cases"]) == other_error.count()
    assert group["unchanged_count"] == len(labels) + sum(map(len, unchanged.values()))
    body = client_for(editor).get(_url(case.cr), {"tab": "changes"}).content.decode()
    card = body.split(f'id="item-{case.changed.uid}"', 1)[1].split("</section>", 1)[0]
    assert f"<summary>{group['unchanged_text']}</summary>" in card


def test_long_texts_mark_the_changed_words_and_everything_is_escaped(case, client_for, editor):
    old, new = word_diff("reported as not found, never", "reported as missing, never")
    assert old == [(False, "reported as "), (True, "not found"), (False, ", never")]
    assert new == [(False, "reported as "), (True, "missing"), (False, ", never")]
    # Neighbouring changed words are one mark, spaces included.
    assert word_diff("only tasks whose id", "the task is id")[0] == [
        (True, "only tasks whose"),
        (False, " id"),
    ]
    body = client_for(editor).get(_url(case.cr), {"tab": "changes"}).content.decode()
    card = body.split(f'id="item-{case.changed.uid}"', 1)[1].split("</section>", 1)[0]
    assert "<del>not found</del>" in card and "<ins>missing</ins>" in card
    assert "Shown as is: &lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "<script>alert(1)" not in body
    # A short value reads old → new, with labels, never column names.
    assert 'class="diff-field-label">Required</span>' in card
    assert "user_ownership" not in re.sub(r"<[^>]*>", "", card)  # only in the forms' fields


def test_the_index_links_every_card_with_its_status(case, client_for, editor):
    body = client_for(editor).get(_url(case.cr), {"tab": "changes"}).content.decode()
    index = body.split('data-testid="diff-index"', 1)[1].split("</nav>", 1)[0]
    assert "3 items: 1 added, 1 removed, 1 changed" in index and "0 of 3 viewed" in index
    for item, status in (
        (case.added, "added"),
        (case.changed, "changed"),
        (case.removed, "removed"),
    ):
        entry = index.split(f'id="index-{item.uid}"', 1)[1].split("</li>", 1)[0]
        assert f'href="#item-{item.uid}"' in entry and f"diff-mark-{status}" in entry
        assert f'<span class="visually-hidden">{status}</span>' in entry
        assert f'id="item-{item.uid}"' in body
    assert 'href="?tab=conversation' in body  # the side column is one link away


# Viewed ticks.


def test_a_tick_holds_until_the_item_changes_again(case, editor):
    cr = case.cr
    item_mark_viewed(change_request=cr, user=editor, item_uid=case.changed.uid, viewed=True)
    item_mark_viewed(change_request=cr, user=editor, item_uid=str(case.added.uid), viewed=True)
    changes = change_request_changes(cr, viewer=editor)
    assert changes["viewed_count"] == 2
    assert _groups(cr, editor)[case.changed.uid]["viewed"] is True

    edit_endpoint(cr, editor, case.changed.name, name="Renamed again")
    cr.refresh_from_db()
    groups = _groups(cr, editor)
    assert groups[case.changed.uid]["viewed"] is False  # changed again: the tick reset
    assert groups[case.added.uid]["viewed"] is True  # untouched: still viewed
    assert change_request_changes(cr, viewer=editor)["viewed_count"] == 1

    item_mark_viewed(change_request=cr, user=editor, item_uid=case.added.uid, viewed=False)
    assert change_request_changes(cr, viewer=editor)["viewed_count"] == 0
    assert not ItemView.objects.filter(item_uid=case.added.uid).exists()


def test_ticks_are_per_reviewer(case, editor, reviewer, viewer):
    cr = case.cr
    item_mark_viewed(change_request=cr, user=editor, item_uid=case.removed.uid, viewed=True)
    item_mark_viewed(change_request=cr, user=viewer, item_uid=case.added.uid, viewed=True)
    assert change_request_changes(cr, viewer=reviewer)["viewed_count"] == 0
    assert [g["viewed"] for g in _groups(cr, editor).values()].count(True) == 1
    assert _groups(cr, editor)[case.removed.uid]["viewed"] is True
    assert _groups(cr, viewer)[case.added.uid]["viewed"] is True
    assert _groups(cr, viewer)[case.removed.uid]["viewed"] is False


@pytest.mark.parametrize("uid", ["not-a-uid", "", "unchanged"])
def test_a_tick_on_an_item_that_did_not_change_is_refused(case, editor, uid):
    if uid == "unchanged":
        unchanged = Endpoint.objects.filter(revision=case.cr.working)
        uid = unchanged.exclude(uid__in=[case.added.uid, case.changed.uid]).first().uid
    with pytest.raises(ServiceError, match="not among the changes"):
        item_mark_viewed(change_request=case.cr, user=editor, item_uid=uid, viewed=True)
    assert not ItemView.objects.exists()


def test_an_outsider_cannot_tick(case, outsider, client_for):
    with pytest.raises(Http404):
        item_mark_viewed(
            change_request=case.cr, user=outsider, item_uid=case.added.uid, viewed=True
        )
    response = client_for(outsider).post(
        _url(case.cr, "change_request_item_viewed"), {"item": case.added.uid, "viewed": "1"}
    )
    assert response.status_code == 404 and not ItemView.objects.exists()


def test_the_tick_needs_a_post(case, client_for, editor):
    response = client_for(editor).get(_url(case.cr, "change_request_item_viewed"))
    assert response.status_code == 405


# The view: without JavaScript, and with htmx.


def test_ticking_without_javascript_returns_to_the_card_collapsed(case, client_for, viewer):
    client = client_for(viewer)  # any member who sees the request may tick
    url = _url(case.cr, "change_request_item_viewed")
    response = client.post(url, {"item": case.changed.uid, "viewed": "1"})
    assert response.status_code == 302
    assert response.url == f"{_url(case.cr)}?tab=changes#item-{case.changed.uid}"
    body = client.get(response.url).content.decode()
    assert "1 of 3 viewed" in body
    card = body.split(f'id="item-{case.changed.uid}"', 1)[0].rsplit("<section", 1)[1]
    assert "diff-card-viewed" in card
    after = body.split(f'id="item-{case.changed.uid}"', 1)[1].split("</section>", 1)[0]
    assert '<details class="diff-card-collapsed">' in after and 'aria-pressed="true"' in after
    assert 'name="viewed" value="0"' in after  # the same button unticks


def test_ticking_with_htmx_swaps_the_card_the_index_entry_and_the_count(case, client_for, reviewer):
    url = _url(case.cr, "change_request_item_viewed")
    response = client_for(reviewer).post(
        url, {"item": case.added.uid, "viewed": "1"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.count('data-testid="diff-item"') == 1 and f'id="item-{case.added.uid}"' in body
    assert "diff-card-viewed" in body
    assert f'<li id="index-{case.added.uid}" class="diff-tree-entry is-viewed" hx-swap-oob' in body
    assert 'id="viewed-count" data-testid="viewed-count" hx-swap-oob="true">1 of 3 viewed' in body
    assert ItemView.objects.get().user == reviewer


def test_a_refused_tick_says_why_and_changes_nothing(case, client_for, editor):
    url = _url(case.cr, "change_request_item_viewed")
    client = client_for(editor)
    response = client.post(url, {"item": uuid.uuid4(), "viewed": "1"}, follow=True)
    assert "That item is not among the changes of #" in response.content.decode()
    htmx = client.post(url, {"item": "nope"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == f"{_url(case.cr)}?tab=changes"
    assert not ItemView.objects.exists()


def test_the_compare_page_shows_the_same_cards_without_ticks(case, client_for, viewer):
    body = client_for(viewer).get(_url(case.cr), {"tab": "changes"}).content.decode()
    assert 'data-testid="viewed-toggle"' in body
    spec = case.cr.spec
    compare = reverse("specs_app:compare", args=["acme", spec.slug])
    page = client_for(viewer).get(compare, {"from": 1, "to": 2}).content.decode()
    assert 'data-testid="diff-item"' in page and "viewed-toggle" not in page
    assert "<ins>" in page and 'data-testid="word-diff"' in page  # r1 → r2: the long text
