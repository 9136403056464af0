"""The read side: what the pages show of a revision or a change request, computed here once so
that views only pick it up and render it (and a future API gets the same data).

Selectors change nothing and check no role: the caller has already fetched the spec or the
request through access.py.
"""

from dataclasses import dataclass

from specs_app.models import AuditEvent, ChangeRequest, DataModel, Endpoint, Revision
from specs_app.services.cache import remembered
from specs_app.services.diff import group_by_item, label_groups, markdown_diff, revision_diff
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
        return {"groups": _labelled_diff(old, new), "files": markdown_diff(old=old, new=new)}

    return remembered(("compare", old.pk, new.pk), compare)


def change_request_changes(change_request: ChangeRequest) -> dict:
    """The Changes tab: the diff by item and the markdown diff against the request's base (as
    of its last edit), and the items its draft deleted, which an open request can restore."""
    cr = change_request
    parts = ("changes", cr.base_id, cr.working_id, cr.content_version)
    changes = remembered(parts, lambda: _draft_diff(cr))
    deleted = change_request_deleted_items(cr) if cr.is_open else []
    return {**changes, "deleted_items": deleted}


def _draft_diff(cr: ChangeRequest) -> dict:
    base = cr.base
    groups = group_by_item(revision_diff(old=base, new=cr.working)) if base else []
    label_groups(groups, revision=cr.working)
    files = []
    if base:
        labels = {"old_label": f"base {base.label}", "new_label": f"change request #{cr.number}"}
        files = markdown_diff(old=base, new=cr.working, **labels)
    return {"groups": groups, "files": files}


def _labelled_diff(old: Revision, new: Revision) -> list[dict]:
    groups = group_by_item(revision_diff(old=old, new=new))
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
