"""The read side: what the pages show of a revision or a change request, computed here once so
that views only pick it up and render it (and a future API gets the same data).

Selectors change nothing and check no role: the caller has already fetched the spec or the
request through access.py.
"""

from dataclasses import dataclass

from specs_app.models import AuditEvent, ChangeRequest, DataModel, Endpoint, ItemView, Revision
from specs_app.services.cache import remembered
from specs_app.services.diff import (
    diff_summary,
    group_by_item,
    label_groups,
    markdown_diff,
    snapshot_diff,
)
from specs_app.services.lint import (
    Finding,
    LintReport,
    LintSettings,
    lint_draft,
    lint_report,
    lint_revision,
    lint_settings_load,
)
from specs_app.services.render import markdown_to_safe_html
from specs_app.services.snapshot import revision_snapshot

# Lint findings.


def revision_lint_report(revision: Revision) -> LintReport:
    """The findings of a published revision, grouped by page (computed once per revision)."""
    return lint_report(lint_revision(revision, lint_settings_load(spec_id=revision.spec_id)))


def draft_findings(
    change_request: ChangeRequest, settings: LintSettings | None = None
) -> list[Finding]:
    """The findings of the request's draft as of its last edit (under `settings`, the spec's
    own when not given)."""
    cr = change_request
    if settings is None:
        settings = lint_settings_load(spec_id=cr.spec_id)
    return lint_draft(cr.working, cr.content_version, settings)


def item_findings(change_request: ChangeRequest, item: Endpoint | DataModel) -> list[Finding]:
    """The draft's findings on the page of one endpoint or model (its children included)."""
    uid = str(item.uid)
    return [f for f in draft_findings(change_request) if str(f.item.page_uid) == uid]


def change_request_checks(change_request: ChangeRequest) -> dict:
    """The Checks tab: the draft's findings, and how many are new or fixed against the base."""
    cr = change_request
    settings = lint_settings_load(spec_id=cr.spec_id)
    findings = draft_findings(cr, settings)
    before = {_finding_key(f) for f in lint_revision(cr.base, settings)} if cr.base else set()
    after = {_finding_key(f) for f in findings}
    return {
        "findings": findings,
        "new_findings": len(after - before),
        "fixed_findings": len(before - after),
    }


def _finding_key(finding: Finding) -> tuple:
    return (finding.rule, str(finding.item_uid), finding.message)


# Diffs.


def revision_comparison(old: Revision, new: Revision) -> dict:
    """The diff of two published revisions by item and as markdown; they never change, so it is
    computed once."""

    def compare() -> dict:
        groups = _labelled_diff(old, new)
        files = markdown_diff(old=old, new=new)
        return {"groups": groups, "files": files, "summary": diff_summary(groups)}

    return remembered(("compare", _CARDS, old.pk, new.pk), compare)


#: The shape of the cached item cards; a new shape is computed afresh, not read from the cache.
_CARDS = 2


def change_request_changes(change_request: ChangeRequest, viewer=None) -> dict:
    """The Changes tab: the item cards and the markdown diff against the request's base (as of
    its last edit), and the items its draft deleted, which an open request can restore. Given
    a `viewer`, each card says whether that user ticked it Viewed as it is now (one query,
    whatever the number of ticks): a tick given on other content no longer counts."""
    cr = change_request
    changes = change_request_diff(cr)
    deleted = change_request_deleted_items(cr) if cr.is_open else []
    result = {**changes, "deleted_items": deleted}
    if viewer is not None:
        result.update(_viewed(cr, viewer, changes["groups"]))
    return result


def change_request_diff(change_request: ChangeRequest) -> dict:
    """The item cards (`groups`, with their digests), their `summary` and the markdown diff
    (`files`) of the request's draft as of its last edit: computed once per edit."""
    cr = change_request
    parts = ("changes", _CARDS, cr.base_id, cr.working_id, cr.content_version)
    return remembered(parts, lambda: _draft_diff(cr))


def _viewed(cr: ChangeRequest, viewer, groups: list[dict]) -> dict:
    ticks = ItemView.objects.filter(change_request=cr, user=viewer)
    digests = dict(ticks.values_list("item_uid", "digest"))
    marked = [{**group, "viewed": digests.get(group["uid"]) == group["digest"]} for group in groups]
    return {"groups": marked, "viewed_count": sum(group["viewed"] for group in marked)}


def _draft_diff(cr: ChangeRequest) -> dict:
    base = cr.base
    groups, files = [], []
    if base:
        groups = _labelled_diff(base, cr.working)
        labels = {"old_label": f"base {base.label}", "new_label": f"change request #{cr.number}"}
        files = markdown_diff(old=base, new=cr.working, **labels)
    return {"groups": groups, "files": files, "summary": diff_summary(groups)}


def _labelled_diff(old: Revision, new: Revision) -> list[dict]:
    """One snapshot of each side serves the diff, the cards' unchanged context and names."""
    before, after = revision_snapshot(revision=old), revision_snapshot(revision=new)
    groups = group_by_item(snapshot_diff(before, after), old=before, new=after)
    label_groups(groups, revision=new)
    return groups


@dataclass
class DeletedItem:
    kind: str  # "endpoint" or "model", as in the editor's URLs
    uid: object
    name: str
    detail: str  # method and path, or table


def change_request_deleted_items(change_request: ChangeRequest) -> list[DeletedItem]:
    """The endpoints and models of the request's base that its draft no longer has (two
    queries, whatever the size of the spec)."""
    cr = change_request
    if cr.base_id is None:
        return []
    items = []
    for kind, model in (("endpoint", Endpoint), ("model", DataModel)):
        kept = model.objects.filter(revision_id=cr.working_id).values("uid")
        gone = model.objects.filter(revision_id=cr.base_id).exclude(uid__in=kept)
        for row in gone.order_by("position", "id"):
            detail = f"{row.method} {row.path}" if kind == "endpoint" else row.table
            items.append(DeletedItem(kind, row.uid, row.name, detail))
    return items


# The conversation.


def change_request_timeline(change_request: ChangeRequest) -> list[dict]:
    """The Conversation tab: the request's audit events in order, each with its comment
    (rendered, and the item it is anchored to) or its review."""
    cr = change_request
    comments = {c.pk: c for c in cr.comments.select_related("author", "resolved_by")}
    reviews = {r.pk: r for r in cr.reviews.all()}
    anchors = _anchor_names(cr, comments.values())
    events = AuditEvent.objects.filter(spec=cr.spec, target=f"#{cr.number}").select_related("actor")
    timeline = []
    for event in events.order_by("created_at", "id"):
        entry = {"event": event}
        if event.verb == "comment.added":
            comment = comments.get(event.details.get("comment"))
            entry["comment"] = comment
            entry["comment_deleted"] = comment is None
            entry["html"] = markdown_to_safe_html(comment.body) if comment else ""
            entry["anchor"] = anchors.get(comment.anchor_uid) if comment else None
        elif event.verb.startswith("review."):
            entry["review"] = reviews.get(event.details.get("review"))
        timeline.append(entry)
    return timeline


def _anchor_names(cr: ChangeRequest, comments) -> dict:
    """The names of the endpoints and models comments are anchored to, in the draft."""
    uids = {c.anchor_uid for c in comments if c.anchor_uid}
    if not uids:
        return {}
    names = {}
    for model in (Endpoint, DataModel):
        rows = model.objects.filter(revision=cr.working, uid__in=uids).values_list("uid", "name")
        names.update(rows)
    return names
