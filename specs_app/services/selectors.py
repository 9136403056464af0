"""The read side: what the pages show of a revision or a change request, computed here once so
that views only pick it up and render it (and a future API gets the same data).

Selectors change nothing and check no role: the caller has already fetched the spec or the
request through access.py.
"""

from dataclasses import dataclass
from uuid import UUID

from specs_app.models import (
    AuditEvent,
    ChangeRequest,
    Comment,
    DataModel,
    Endpoint,
    ItemView,
    Revision,
)
from specs_app.services.anchors import (
    ITEM_MODELS,
    MODELS_BY_NAME,
    anchored_text,
    commentable_fields,
    field_label,
)
from specs_app.services.cache import remembered
from specs_app.services.diff import (
    diff_summary,
    group_by_item,
    label_groups,
    markdown_diff,
    snapshot_diff,
)
from specs_app.services.impact import ApiImpact, change_request_api_impact, change_request_impact
from specs_app.services.lint import (
    Finding,
    LintReport,
    LintSettings,
    change_request_lint_delta,
    lint_draft,
    lint_report,
    lint_revision,
    lint_settings_load,
)
from specs_app.services.notifications import mentions_for
from specs_app.services.render import markdown_to_safe_html
from specs_app.services.risk_settings import risk_settings_load
from specs_app.services.snapshot import label, revision_snapshot

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
    delta = change_request_lint_delta(cr, settings)
    return {
        "findings": findings,
        "new_findings": len(delta.new),
        "fixed_findings": len(delta.fixed),
    }


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


def change_request_impact_of_edit(change_request: ChangeRequest, dialect: str = "postgresql"):
    """The request's impact (services/impact.change_request_impact) as of its last edit, in
    `dialect`, under the spec's risk settings: computed once per edit, dialect and settings (the
    migration of a big spec takes seconds: 2 s for 60 models, 7.5 s for 300). The settings are
    read here (one query) to be part of the key; the service reads them again when it computes.
    Were they changed in the instant between the two reads, the findings of the new settings
    would be kept under the old ones' key, until the request's next edit."""
    cr = change_request
    settings = risk_settings_load(cr.spec)
    parts = (
        "impact",
        cr.base_id,
        cr.working_id,
        cr.content_version,
        dialect,
        tuple(sorted(settings.items())),
    )
    return remembered(parts, lambda: change_request_impact(cr, dialect=dialect))


def change_request_api_impact_of_edit(change_request: ChangeRequest) -> ApiImpact:
    """The request's API changes (services/impact.change_request_api_impact) as of its last
    edit, under the spec's compatibility mode: computed once per edit and mode."""
    cr = change_request
    parts = ("api-impact", cr.base_id, cr.working_id, cr.content_version, cr.spec.compatibility)
    return remembered(parts, lambda: change_request_api_impact(cr))


def change_request_endpoint_methods(
    change_request: ChangeRequest, uids: list[str]
) -> dict[str, dict[str, str]]:
    """`{uid: {"draft": method, "base": method}}` of the endpoints `uids` on each side of the
    request where they exist (the Impact tab's links and method badges): one query, none when
    `uids` is empty, kept per edit."""
    cr = change_request
    wanted = sorted({uid for uid in uids if _is_uuid(uid)})
    if not wanted:
        return {}

    def load() -> dict[str, dict[str, str]]:
        sides = {cr.working_id: "draft", cr.base_id: "base"}
        rows = Endpoint.objects.filter(revision_id__in=[r for r in sides if r], uid__in=wanted)
        found: dict[str, dict[str, str]] = {}
        for uid, method, revision_id in rows.values_list("uid", "method", "revision_id"):
            found.setdefault(str(uid), {})[sides[revision_id]] = method
        return found

    parts = ("endpoint-methods", cr.base_id, cr.working_id, cr.content_version, tuple(wanted))
    return remembered(parts, load)


def _is_uuid(value: str) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def change_request_destructive_uids(change_request: ChangeRequest) -> frozenset[str]:
    """The uids of the models whose change in the request drops a table, column or foreign key
    (the Changes tab marks them): computed once per edit, like the diff beside them."""
    cr = change_request
    parts = ("destructive", cr.base_id, cr.working_id, cr.content_version)
    # Through the Impact tab's own computation (and cache): whichever tab is opened first
    # serves both.
    return remembered(
        parts, lambda: frozenset(change_request_impact_of_edit(cr).destructive_model_uids)
    )


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


#: The row models' names in edit events ("bodyfield.changed"), as people say them.
_NOUNS = {
    "endpoint": ("endpoint", "endpoints"),
    "datamodel": ("model", "models"),
    "parameter": ("parameter", "parameters"),
    "bodyfield": ("body field", "body fields"),
    "errorcase": ("error case", "error cases"),
    "businessrule": ("business rule", "business rules"),
    "testcase": ("test case", "test cases"),
    "field": ("field", "fields"),
    "relationship": ("relationship", "relationships"),
    "index": ("index", "indexes"),
    "modelconstraint": ("constraint", "constraints"),
    "migrationnote": ("migration note", "migration notes"),
    "overview": ("overview", "overviews"),
}
_ACTIONS = {"added", "changed", "deleted", "moved", "duplicated", "restored"}

#: State changes: their sentence (after the actor's name) and look.
_STATE_SENTENCES = {
    "change_request.opened": "opened this change request",
    "change_request.submitted": "submitted it for review",
    "change_request.updated_from_main": "updated it from main",
    "change_request.closed": "closed it",
    "change_request.reopened": "reopened it",
    "change_request.merged": "merged it",
}
_STATE_LABELS = {
    "opened": "Opened",
    "submitted": "Submitted",
    "updated_from_main": "Updated",
    "closed": "Closed",
    "reopened": "Reopened",
    "merged": "Merged",
}
_REVIEW_SENTENCES = {
    "review.approve": "approved these changes",
    "review.request_changes": "requested changes",
    "review.comment": "reviewed",
}
_COMMENT_SENTENCES = {
    "comment.resolved": "resolved a thread",
    "comment.reopened": "reopened a thread",
    "comment.suggestion_applied": "applied a suggestion",
}
#: Shown elsewhere: replies in their thread, edits and deletions on the comment itself.
_NOT_IN_TIMELINE = {"comment.replied", "comment.edited", "comment.deleted"}


@dataclass
class EditedItem:
    action: str
    noun: str
    label: str
    uid: str  # of the endpoint or model touched, "" for old events and the overview
    times: int = 1


def _edit_of(event: AuditEvent) -> tuple[str, str] | None:
    """(row model, action) of a content edit event, None for any other."""
    model, _, action = event.verb.partition(".")
    if action in _ACTIONS and model in _NOUNS:
        return model, action
    return None


def _edit_group(events: list[AuditEvent]) -> dict:
    """Consecutive edits by one person as one entry: "changed 3 endpoints and added model
    Label", with the items it touched."""
    items: dict[tuple, EditedItem] = {}
    for event in events:
        model, action = _edit_of(event)
        noun = _NOUNS[model][0]
        label = "" if model == "overview" else str(event.details.get("item", ""))
        uid = str(event.details.get("uid", ""))
        key = (action, noun, uid or label)
        if key in items:
            items[key].times += 1
            items[key].label = label or items[key].label
        else:
            items[key] = EditedItem(action, noun, label, uid)
    return {
        "kind": "edits",
        "event": events[0],
        "events": events,
        "items": list(items.values()),
        "sentence": _edit_sentence(list(items.values())),
    }


def _edit_sentence(items: list[EditedItem]) -> str:
    parts: dict[tuple, list[EditedItem]] = {}
    for item in items:
        parts.setdefault((item.action, item.noun), []).append(item)
    words = []
    for (action, noun), same in parts.items():
        if noun == "overview":
            words.append(f"{action} the overview")
        elif len(same) == 1:
            words.append(f"{action} {noun} {same[0].label}".rstrip())
        else:
            plural = next(p for s, p in _NOUNS.values() if s == noun)
            words.append(f"{action} {len(same)} {plural}")
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def change_request_timeline(change_request: ChangeRequest, threads=None) -> list[dict]:
    """The Conversation tab, as people read it: the request's events in order, each an entry
    with a `kind` for its look. Consecutive content edits by one person make one "edits"
    entry; comments come with their rendered text and the item they are anchored to; reviews
    with their verdict and rendered body; review requests, dismissals and state changes with
    their sentence. Replies are not entries (they show in their thread); an event this code
    does not know shows as a plain sentence made of its verb. Given the request's `threads`
    (change_request_threads), their first comments, already read and rendered, are used."""
    cr = change_request
    if threads is None:
        comments = {c.pk: c for c in cr.comments.select_related("author", "resolved_by")}
    else:
        comments = {pk: thread.root for pk, thread in threads.by_id.items()}
    reviews = {r.pk: r for r in cr.reviews.select_related("dismissed_by")}
    texts = [c.body for c in comments.values()] + [r.body for r in reviews.values()]
    mentions = mentions_for(change_request=cr, texts=texts)
    anchors = _anchor_names(cr, comments.values())
    events = AuditEvent.objects.filter(spec=cr.spec, target=f"#{cr.number}").select_related("actor")
    timeline: list[dict] = []
    edits: list[AuditEvent] = []

    def flush() -> None:
        if edits:
            timeline.append(_edit_group(list(edits)))
            edits.clear()

    for event in events.order_by("created_at", "id"):
        if event.verb in _NOT_IN_TIMELINE:
            continue
        if _edit_of(event):
            if edits and edits[-1].actor_id != event.actor_id:
                flush()
            edits.append(event)
            continue
        flush()
        timeline.append(_entry(event, comments, reviews, anchors, mentions))
    flush()
    return timeline


def _comment_html(comment: Comment | None, mentions: dict | None) -> str:
    if comment is None:
        return ""
    if hasattr(comment, "html"):  # rendered with its thread
        return comment.html
    return markdown_to_safe_html(comment.body, mentions)


def _entry(
    event: AuditEvent, comments: dict, reviews: dict, anchors: dict, mentions: dict | None
) -> dict:
    verb, details = event.verb, event.details
    entry: dict = {"event": event, "kind": "other"}
    if verb == "comment.added":
        comment = comments.get(details.get("comment"))
        entry.update(
            kind="comment",
            comment=comment,
            comment_deleted=comment is None,
            html=_comment_html(comment, mentions),
            anchor=anchors.get(comment.anchor_uid) if comment else None,
        )
    elif verb in _REVIEW_SENTENCES:
        review = reviews.get(details.get("review"))
        entry.update(
            kind="review",
            review=review,
            verdict=verb.removeprefix("review."),
            sentence=_REVIEW_SENTENCES[verb],
            html=markdown_to_safe_html(review.body, mentions) if review and review.body else "",
        )
    elif verb in ("review.requested", "review.request_removed"):
        names = details.get("reviewers") or []
        again = verb == "review.requested" and details.get("again")
        action = {
            (True, False): "requested a review from",
            (True, True): "re-requested a review from",
            (False, False): "removed the review request for",
        }[verb == "review.requested", bool(again)]
        entry.update(kind="requested", sentence=action, names=names)
    elif verb == "review.dismissed":
        entry.update(
            kind="dismissed",
            reviewer=details.get("reviewer", ""),
            reason=details.get("reason", ""),
            review=reviews.get(details.get("review")),
        )
    elif verb in _STATE_SENTENCES:
        state = verb.removeprefix("change_request.")
        entry.update(kind="state", state=state, state_label=_STATE_LABELS[state])
        entry["sentence"] = _STATE_SENTENCES[verb]
        if verb == "change_request.merged" and details.get("revision"):
            entry["sentence"] += f" as r{details['revision']}"
    elif verb in _COMMENT_SENTENCES:
        entry.update(kind="note", sentence=_COMMENT_SENTENCES[verb], link=details.get("comment"))
    elif verb in ("stakes.approved", "stakes.acknowledged"):  # services/stakes.py
        n = len(details.get("stakes") or [])
        how = "approved" if verb == "stakes.approved" else "acknowledged, without approving,"
        entry["sentence"] = f"{how} {n} finding{'s' if n != 1 else ''} at stake"
    else:
        entry["sentence"] = verb.replace("_", " ").replace(".", " ")
    return entry


def event_sentence(event: AuditEvent) -> str:
    """What one audit event says after its actor's name, in the timeline's words ("changed
    endpoint Create task", "approved these changes", "export drift found")."""
    if _edit_of(event):
        return _edit_group([event])["sentence"]
    for sentences in (_STATE_SENTENCES, _REVIEW_SENTENCES, _COMMENT_SENTENCES):
        if event.verb in sentences:
            return sentences[event.verb]
    return {
        "comment.added": "commented",
        "comment.replied": "replied to a thread",
        "review.requested": "requested a review",
        "review.dismissed": "dismissed a review",
    }.get(event.verb, event.verb.replace("_", " ").replace(".", " "))


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


# Comment threads.


@dataclass
class Thread:
    """A thread: its first comment, the replies, where it sits and whether that has changed
    since (outdated). Each comment carries its rendered body as `html`."""

    root: Comment
    replies: list[Comment]
    label: str = ""  # "endpoint Create task · body field title · field Description"
    field_label: str = ""
    #: The anchored field's (or row's) text in the draft now; None when the row is gone.
    current: str | None = None
    #: The anchored row's version now, which applying a suggestion is checked against.
    row_version: int | None = None
    outdated: bool = False

    @property
    def pk(self) -> int:
        return self.root.pk

    @property
    def has_suggestion(self) -> bool:
        return bool(self.root.suggestion) and self.root.deleted_at is None

    @property
    def suggestion_applied(self) -> bool:
        return self.root.suggestion_applied_at is not None

    @property
    def suggestion_blocked(self) -> str:
        """Why the suggestion cannot be applied now ("" when it can)."""
        if self.suggestion_applied:
            return "Already applied."
        if self.outdated:
            return "Outdated: the field changed since the suggestion."
        return ""


@dataclass
class Threads:
    """The request's threads, by comment id, by item and by (row uid, field)."""

    by_id: dict[int, Thread]
    by_item: dict[str, list[Thread]]
    by_field: dict[tuple[str, str], list[Thread]]

    def __len__(self) -> int:
        return len(self.by_id)


def change_request_threads(change_request: ChangeRequest) -> Threads:
    """Every thread of the request with its replies, authors and rendered bodies, and whether
    what it sits on changed since it was made: one query for the comments and one per table
    the threads sit on (the draft's current rows), however many threads there are."""
    cr = change_request
    comments = list(
        cr.comments.select_related("author", "resolved_by", "suggestion_applied_by").order_by(
            "created_at", "id"
        )
    )
    mentions = mentions_for(change_request=cr, texts=[c.body for c in comments])
    threads: dict[int, Thread] = {}
    for comment in comments:
        comment.html = markdown_to_safe_html(comment.body, mentions) if comment.body else ""
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment, [])
    for comment in comments:
        if comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    current = _anchored_rows(cr, [t.root for t in threads.values()])
    by_item: dict[str, list[Thread]] = {}
    by_field: dict[tuple[str, str], list[Thread]] = {}
    for thread in threads.values():
        root = thread.root
        if root.anchor_uid is None:
            continue
        _place(thread, current)
        by_item.setdefault(str(root.anchor_uid), []).append(thread)
        if root.anchor_field:
            key = (str(root.anchor_row_uid), root.anchor_field)
            by_field.setdefault(key, []).append(thread)
    return Threads(threads, by_item, by_field)


def _anchored_rows(cr: ChangeRequest, roots: list[Comment]) -> dict:
    """The draft's rows the threads sit on, and their items: (table name, uid) → values."""
    wanted: dict[str, set] = {}
    for root in roots:
        if root.anchor_uid is None:
            continue
        wanted.setdefault(_item_table(root), set()).add(root.anchor_uid)
        if root.anchor_row_uid is not None and root.anchor_row_model:
            wanted.setdefault(root.anchor_row_model, set()).add(root.anchor_row_uid)
    rows = {}
    for name, uids in wanted.items():
        model = MODELS_BY_NAME[name]
        columns = ["uid", "version", *commentable_fields(model)]
        for values in model.objects.filter(revision_id=cr.working_id, uid__in=uids).values(
            *columns
        ):
            rows[(name, values["uid"])] = values
    return rows


def _item_table(root: Comment) -> str:
    return ITEM_MODELS[root.anchor_kind]._meta.model_name


def _place(thread: Thread, rows: dict) -> None:
    root = thread.root
    item = rows.get((_item_table(root), root.anchor_uid))
    parts = [f"{root.anchor_kind} {item['name'] if item else '(removed in the draft)'}"]
    if root.anchor_row_uid is None or not root.anchor_row_model:
        thread.label = parts[0]  # a comment made before threads had rows: never outdated
        return
    model = MODELS_BY_NAME[root.anchor_row_model]
    values = rows.get((root.anchor_row_model, root.anchor_row_uid))
    if root.anchor_row_uid != root.anchor_uid:
        row_name = label(model, values) if values else "(removed)"
        parts.append(f"{model._meta.verbose_name} {row_name}")
    if root.anchor_field:
        thread.field_label = field_label(model, root.anchor_field)
        parts.append(f"field {thread.field_label}")
    thread.label = " · ".join(parts)
    thread.row_version = values["version"] if values else None
    thread.current = anchored_text(model, values, root.anchor_field) if values else None
    existed = bool(root.anchor_field or root.anchor_text)  # was the row in the draft then?
    if values is None:
        thread.outdated = existed
    else:
        thread.outdated = not existed or thread.current != root.anchor_text
