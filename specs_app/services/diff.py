"""What changed between two revisions: per item and field (structured), and per line (markdown)."""

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from itertools import zip_longest
from uuid import UUID

from django.utils.html import escape
from django.utils.text import capfirst

from specs_app.models import CONTENT_MODELS, ContentRow, DataModel, Endpoint, Revision
from specs_app.services.export import revision_export
from specs_app.services.snapshot import PARENT, Snapshot, content_fields, label, revision_snapshot


@dataclass
class FieldChange:
    name: str
    old: object
    new: object


@dataclass
class ItemChange:
    kind: str  # added | removed | changed
    model: type[ContentRow]
    uid: UUID
    label: str
    top_uid: UUID  # the endpoint or model the change belongs to
    fields: list[FieldChange] = field(default_factory=list)
    #: The row's values on each side (None where it does not exist), for the item cards.
    before: dict | None = field(default=None, repr=False, compare=False)
    after: dict | None = field(default=None, repr=False, compare=False)

    @property
    def what(self) -> str:
        return self.model._meta.verbose_name


def snapshot_diff(old: Snapshot, new: Snapshot) -> list[ItemChange]:
    """The changes in table order, then uid order. Only the rows that differ are sorted: a
    big spec has tens of thousands of rows and a change request touches a few."""
    changes = []
    order = {model: index for index, model in enumerate(CONTENT_MODELS)}
    differing = [key for key in old.keys() | new.keys() if old.get(key) != new.get(key)]
    for key in sorted(differing, key=lambda k: (order[k[0]], str(k[1]))):
        model, uid = key
        before, after = old.get(key), new.get(key)
        values = after if after is not None else before
        top = values.get(PARENT) or uid
        sides = {"before": before, "after": after}
        if before is None:
            changes.append(ItemChange("added", model, uid, label(model, after), top, **sides))
        elif after is None:
            changes.append(ItemChange("removed", model, uid, label(model, before), top, **sides))
        elif before != after:
            fields = [
                FieldChange(name, before.get(name), after.get(name))
                for name in content_fields(model)
                if before.get(name) != after.get(name)
            ]
            item = ItemChange("changed", model, uid, label(model, after), top, fields, **sides)
            changes.append(item)
    return changes


def group_by_item(
    changes: list[ItemChange], *, old: Snapshot | None = None, new: Snapshot | None = None
) -> list[dict]:
    """Changes grouped under the endpoint or model they belong to, one card each.

    Every group keeps `uid`, `kind`, `title` and its raw `changes`, and gets what a card shows:
    its `status` (added, removed, changed), `detail` (method and path, or table), its own changed
    `fields` (FieldDiff), its child rows by list (`sections` of RowDiff: added, removed, changed
    or moved) and a `digest` of its content. Given the two snapshots the changes came from,
    rows that only got renumbered (a sibling was added, removed or moved) are not changes, moves
    are told by the order of the rows rather than by their position numbers, the unchanged
    fields and rows are there to expand, and the cards come endpoints first, in the draft's
    order. The snapshots are read, never scanned per group: the cost is one pass over each."""
    groups: dict = {}
    for change in changes:
        group = groups.setdefault(change.top_uid, {"uid": change.top_uid, "changes": []})
        group["changes"].append(change)
        if change.model in (Endpoint, DataModel):
            group["title"] = change.label
            group["kind"] = "endpoint" if change.model is Endpoint else "model"
    context = _Context(old, new, groups) if old is not None and new is not None else None
    cards = [_card(group, context) for group in groups.values()]
    cards = [card for card in cards if card is not None]
    if context is not None:
        cards.sort(key=context.order)
    return cards


def label_groups(groups: list[dict], *, revision: Revision) -> None:
    """Name the groups whose own row did not change (only a child did), from `revision`
    (no query when the snapshots named them all already)."""
    missing = {g["uid"]: g for g in groups if "title" not in g}
    if not missing:
        return
    for model, kind in ((Endpoint, "endpoint"), (DataModel, "model")):
        rows = model.objects.filter(revision=revision, uid__in=list(missing))
        for row in rows.values(*_HEADER_FIELDS[model]):
            missing[row["uid"]].update(title=row["name"], kind=kind, detail=_detail(model, row))


def diff_summary(groups: list[dict]) -> dict:
    """How many items the cards show, by status: "3 items: 1 added, 2 changed"."""
    counts = {status: 0 for status in ("added", "removed", "changed")}
    for group in groups:
        counts[group["status"]] += 1
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    kinds = [group.get("kind") for group in groups]
    return {
        "items": len(groups),
        **counts,
        "text": ", ".join(parts),
        "endpoints": kinds.count("endpoint"),
        "models": kinds.count("model"),
    }


_HEADER_FIELDS = {Endpoint: ("uid", "name", "method", "path"), DataModel: ("uid", "name", "table")}
#: Values that are not shown as fields of their own: the parent, and the order (told as a move).
_HIDDEN = {PARENT, "position"}
#: A text longer than this (on either side) is compared word by word.
_LONG_TEXT = 40


@dataclass
class FieldDiff:
    """One changed value of a row: `old → new`, or word by word (`old_words`, `new_words`: lists
    of (marked, text)) when the text is long. The template escapes every piece."""

    name: str
    old: object
    new: object
    label: str
    old_text: str
    new_text: str
    old_words: list | None = None
    new_words: list | None = None

    @property
    def long(self) -> bool:
        return self.old_words is not None


@dataclass
class RowDiff:
    """A row of the card: the item's own row or one of its children."""

    status: str  # added | removed | changed | moved
    model: type[ContentRow]
    uid: UUID
    label: str
    fields: list[FieldDiff] = field(default_factory=list)
    moved: tuple | None = None  # (from, to), 1-based places among its siblings; (None, None)
    values: list[tuple[str, str]] = field(default_factory=list)  # an added or removed row's

    @property
    def what(self) -> str:
        return self.model._meta.verbose_name


class _Context:
    """What the snapshots tell about the grouped items: their children on both sides, and the
    order of the items and of each list, to tell moves from renumbering."""

    def __init__(self, old: Snapshot, new: Snapshot, groups: dict):
        self.old, self.new = old, new
        self.old_children = _children_of(old, groups.keys())
        self.new_children = _children_of(new, groups.keys())
        self.places: dict[type, dict] = {}

    def item_values(self, uid) -> tuple[type | None, dict | None, dict | None]:
        for model in (Endpoint, DataModel):
            before, after = self.old.get((model, uid)), self.new.get((model, uid))
            if before is not None or after is not None:
                return model, before, after
        return None, None, None

    def moves_of_items(self, model: type[ContentRow]) -> dict:
        if model not in self.places:
            self.places[model] = _moves(
                _ordered((u, v) for (m, u), v in self.old.items() if m is model),
                _ordered((u, v) for (m, u), v in self.new.items() if m is model),
            )
        return self.places[model]

    def moves_of_rows(self, parent, model: type[ContentRow]) -> dict:
        return _moves(
            _ordered(self.old_children.get(parent, {}).get(model, [])),
            _ordered(self.new_children.get(parent, {}).get(model, [])),
        )

    def order(self, group: dict) -> tuple:
        model, before, after = self.item_values(group["uid"])
        values = after if after is not None else before or {}
        return (model is not Endpoint, values.get("position", 0), group.get("title", ""))

    def digest(self, uid) -> str:
        """A hash of the item's content on both sides: its row and its children's rows. It
        changes when anything in the item changes again (or the base under it does)."""
        model, before, after = self.item_values(uid)
        sides = []
        for values, children in ((before, self.old_children), (after, self.new_children)):
            rows = [(model.__name__ if model else "", str(uid), values)]
            for child, listed in children.get(uid, {}).items():
                rows += sorted((child.__name__, str(u), v) for u, v in listed)
            sides.append(rows)
        return _hash(sides)


def _children_of(snapshot: Snapshot, parents) -> dict:
    """parent uid → child model → [(uid, values)], for the given parents only."""
    wanted = set(parents)
    found: dict = {}
    for (model, uid), values in snapshot.items():
        parent = values.get(PARENT)
        if parent in wanted:
            found.setdefault(parent, {}).setdefault(model, []).append((uid, values))
    return found


def _ordered(rows) -> list:
    return [uid for uid, values in sorted(rows, key=lambda r: (r[1].get("position", 0), str(r[0])))]


def _moves(old_order: list, new_order: list) -> dict:
    """The rows on both sides whose place among the others changed: those outside the longest
    run of rows kept in the same relative order. A row added, removed or moved before others
    renumbers them, but does not move them. uid → (old place, new place), 1-based."""
    common = set(old_order) & set(new_order)
    a = [uid for uid in old_order if uid in common]
    b = [uid for uid in new_order if uid in common]
    if a == b:
        return {}
    kept = set()
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        kept.update(a[block.a : block.a + block.size])
    old_place = {uid: i + 1 for i, uid in enumerate(old_order)}
    new_place = {uid: i + 1 for i, uid in enumerate(new_order)}
    return {uid: (old_place[uid], new_place[uid]) for uid in common - kept}


def _hash(value) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _detail(model: type[ContentRow] | None, values: dict | None) -> str:
    if not values:
        return ""
    if model is Endpoint:
        return f"{values.get('method', '')} {values.get('path', '')}".strip()
    return str(values.get("table", ""))


def _card(group: dict, context: _Context | None) -> dict | None:
    uid = group["uid"]
    own = next((c for c in group["changes"] if c.model in (Endpoint, DataModel)), None)
    status = own.kind if own is not None else "changed"
    top_model, before, after = context.item_values(uid) if context else (None, None, None)
    if own is not None:
        top_model, before, after = own.model, own.before, own.after
    values = after if after is not None else before
    if "title" not in group and values:
        group["title"] = label(top_model, values)
        group["kind"] = "endpoint" if top_model is Endpoint else "model"
    if values:
        group["detail"] = _detail(top_model, values)
    own_row = None
    if own is not None:
        moves = context.moves_of_items(own.model) if context else None
        own_row = _row(own, moves)
    sections = _sections(group, uid, context)
    if status == "changed" and own_row is None and not sections:
        return None  # only renumbered: nothing to show
    group.update(
        status=status,
        own=own_row,
        fields=own_row.fields if own_row and status == "changed" else [],
        moved=own_row.moved if own_row else None,
        sections=sections,
        digest=context.digest(uid) if context else _hash(_raw_sides(group["changes"])),
        unchanged_fields=[],
        unchanged_sections=[],
    )
    if context is not None and status == "changed":
        _unchanged(group, top_model, after, context)
    fields = len(group["unchanged_fields"])
    rows = sum(len(s["rows"]) for s in group["unchanged_sections"])
    group["unchanged_count"] = fields + rows
    parts = [f"{fields} unchanged field{'s' * (fields != 1)}"] if fields else []
    parts += [f"{rows} unchanged row{'s' * (rows != 1)}"] if rows else []
    group["unchanged_text"] = " and ".join(parts)
    counts = {s: 0 for s in ("added", "removed", "changed", "moved")}
    for section in sections:
        for row in section["rows"]:
            counts[row.status] += 1
    group["row_counts"] = [(s, n) for s, n in counts.items() if n]
    return group


def _raw_sides(changes: list[ItemChange]) -> list:
    return sorted((c.model.__name__, str(c.uid), c.before, c.after) for c in changes)


def _sections(group: dict, uid, context: _Context | None) -> list[dict]:
    """The changed child rows, one section per list (parameters, body fields, ...)."""
    by_model: dict = {}
    for change in group["changes"]:
        if change.model in (Endpoint, DataModel):
            continue
        if change.kind == "changed" and "position" in {f.name for f in change.fields}:
            moves = context.moves_of_rows(uid, change.model) if context else None
        else:
            moves = None
        row = _row(change, moves)
        if row is not None:
            by_model.setdefault(change.model, []).append(row)
    return [
        {"model": model, "title": _plural(model), "rows": rows}
        for model in CONTENT_MODELS
        if (rows := by_model.get(model))
    ]


def _plural(model: type[ContentRow]) -> str:
    return capfirst(str(model._meta.verbose_name_plural))


def _row(change: ItemChange, moves: dict | None) -> RowDiff | None:
    """The change as a card row; None for a row that was only renumbered. `moves` are the moves
    among its siblings (None: unknown, and a changed position counts as a move)."""
    model = change.model
    if change.kind in ("added", "removed"):
        values = change.after if change.kind == "added" else change.before
        shown = _shown(model, values)
        if model.parent_field:  # a child row is headed by its label: not again as a value
            shown = [(name, text) for name, text in shown if text != change.label]
        return RowDiff(change.kind, model, change.uid, change.label, values=shown)
    fields = [_field_diff(model, f) for f in change.fields if f.name not in _HIDDEN]
    moved = None
    if "position" in {f.name for f in change.fields}:
        moved = (None, None) if moves is None else moves.get(change.uid)
    if not fields and moved is None:
        return None
    status = "changed" if fields else "moved"
    return RowDiff(status, model, change.uid, change.label, fields, moved)


def _shown(model: type[ContentRow], values: dict | None) -> list[tuple[str, str]]:
    """A row's non-empty values with their labels, in the order of the form."""
    shown = []
    for name in content_fields(model):
        if name in _HIDDEN or not values:
            continue
        text = _text(model, name, values.get(name))
        if text:
            shown.append((_label(model, name), text))
    return shown


def _unchanged(group: dict, model, after: dict | None, context: _Context) -> None:
    """The item's fields and rows that did not change, for "N unchanged" to expand."""
    changed_fields = {f.name for f in group["fields"]}
    group["unchanged_fields"] = [
        (name_label, text)
        for name_label, text, name in _named(model, after)
        if text and name not in changed_fields
    ]
    shown = {row.uid for section in group["sections"] for row in section["rows"]}
    for child, rows in context.new_children.get(group["uid"], {}).items():
        values = dict(rows)
        kept = [uid for uid in _ordered(rows) if uid not in shown]
        if kept:
            section = [_headed(child, values[uid]) for uid in kept]
            group["unchanged_sections"].append(
                {"title": _plural(child), "rows": section, "order": CONTENT_MODELS.index(child)}
            )
    group["unchanged_sections"].sort(key=lambda s: s["order"])


def _headed(model: type[ContentRow], values: dict) -> tuple[str, list]:
    """A row's label, and its other values."""
    name = label(model, values)
    return name, [(field, text) for field, text in _shown(model, values) if text != name]


def _named(model, values: dict | None):
    for name in content_fields(model) if model and values else ():
        if name not in _HIDDEN:
            yield _label(model, name), _text(model, name, values.get(name)), name


def _label(model: type[ContentRow], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _text(model: type[ContentRow], name: str, value) -> str:
    """A value as a person reads it: yes/no, a choice's label ("None (public)"), nothing for
    empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    choices = dict(model._meta.get_field(name).flatchoices)
    shown = str(choices.get(value, value))
    # A label that only recases the value (Post for POST) says less than the value.
    return str(value) if shown.lower() == str(value).lower() else shown


def _field_diff(model: type[ContentRow], change: FieldChange) -> FieldDiff:
    old_text = _text(model, change.name, change.old)
    new_text = _text(model, change.name, change.new)
    diff = FieldDiff(
        change.name, change.old, change.new, _label(model, change.name), old_text, new_text
    )
    both_text = isinstance(change.old, str) and isinstance(change.new, str)
    if both_text and old_text and new_text and max(len(old_text), len(new_text)) > _LONG_TEXT:
        diff.old_words, diff.new_words = word_diff(old_text, new_text)
    return diff


_WORD = re.compile(r"\w+|\s+|[^\w\s]+")


def word_diff(old: str, new: str) -> tuple[list, list]:
    """Both texts as runs of (marked, text): the words only the old text has are marked on the
    old side, the words only the new text has on the new side. Plain text: the caller
    escapes it."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    old_runs: list = []
    new_runs: list = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pieces = [
        (tag != "equal", "".join(a[i1:i2]), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    for index, (marked, old_text, new_text) in enumerate(pieces):
        # The spaces between two changed words belong to the change: one mark, not many.
        between = 0 < index < len(pieces) - 1 and pieces[index - 1][0] and pieces[index + 1][0]
        marked = marked or (between and not old_text.strip())
        _append(old_runs, marked, old_text)
        _append(new_runs, marked, new_text)
    return old_runs, new_runs


def _append(runs: list, marked: bool, text: str) -> None:
    if not text:
        return
    if runs and runs[-1][0] == marked:
        runs[-1] = (marked, runs[-1][1] + text)
    else:
        runs.append((marked, text))


def revision_diff(*, old: Revision, new: Revision) -> list[ItemChange]:
    return snapshot_diff(revision_snapshot(revision=old), revision_snapshot(revision=new))


#: How a unified diff line reads, by its first characters (checked in this order).
_UNIFIED_LINE_KINDS = (("+++", "file"), ("---", "file"), ("@@", "hunk"), ("+", "add"), ("-", "sub"))


@dataclass
class FileDiff:
    path: str
    unified: str
    side_by_side_html: str

    @property
    def unified_lines(self) -> list[tuple[str, str]]:
        """The unified diff line by line with its kind (file, hunk, add, sub or context), for
        colouring."""
        return [(_unified_kind(line), line) for line in self.unified.splitlines()]


def _unified_kind(line: str) -> str:
    return next((kind for start, kind in _UNIFIED_LINE_KINDS if line.startswith(start)), "context")


def markdown_diff(
    *, old: Revision, new: Revision, old_label: str = "", new_label: str = ""
) -> list[FileDiff]:
    """Both files' line diffs, unified and side by side, with three lines of context; the side
    by side columns are headed by the labels (the revisions' own by default). One matcher per
    file serves both forms; difflib's HtmlDiff, which compares every line of the two files
    again and took seconds on a big spec, is not used."""
    before, after = revision_export(old), revision_export(new)
    diffs = []
    for path in after:
        old_lines = before.get(path, "").splitlines()
        new_lines = after[path].splitlines()
        hunks = list(_SectionMatcher(old_lines, new_lines).get_grouped_opcodes(3))
        if not hunks:
            diffs.append(FileDiff(path, "", ""))
            continue
        unified = _unified(hunks, old_lines, new_lines, path)
        table = _side_by_side(
            hunks, old_lines, new_lines, old_label or old.label, new_label or new.label
        )
        diffs.append(FileDiff(path, unified, table))
    return diffs


class _SectionMatcher(difflib.SequenceMatcher):
    """Line opcodes found section by section: the `##` sections are matched first, as whole
    texts, and only sections that differ are compared line by line. Comparing two big files
    line by line at once spent seconds in find_longest_match, since their lines repeat
    (every endpoint has a `- **Errors**:` line)."""

    def __init__(self, old_lines: list[str], new_lines: list[str]):
        super().__init__(None, old_lines, new_lines)
        self.opcodes = _merged(self._section_opcodes(old_lines, new_lines))

    def get_opcodes(self):
        return list(self.opcodes)  # get_grouped_opcodes trims the first and last in place

    @staticmethod
    def _section_opcodes(old_lines, new_lines):
        old_starts, new_starts = _section_starts(old_lines), _section_starts(new_lines)
        old_texts = _section_texts(old_lines, old_starts)
        new_texts = _section_texts(new_lines, new_starts)
        matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            a1, a2 = old_starts[i1], old_starts[i2]
            b1, b2 = new_starts[j1], new_starts[j2]
            if tag == "equal":
                yield ("equal", a1, a2, b1, b2)
                continue
            lines = difflib.SequenceMatcher(None, old_lines[a1:a2], new_lines[b1:b2])
            for op, x1, x2, y1, y2 in lines.get_opcodes():
                yield (op, a1 + x1, a1 + x2, b1 + y1, b1 + y2)


def _section_starts(lines: list[str]) -> list[int]:
    """Where each section starts (the file's head is the first), and the end of the file."""
    return [0, *(i for i, line in enumerate(lines) if line.startswith("## ") and i), len(lines)]


def _section_texts(lines: list[str], starts: list[int]) -> list[str]:
    return ["\n".join(lines[a:b]) for a, b in zip(starts, starts[1:], strict=False)]


def _merged(opcodes) -> list[tuple]:
    """Adjacent equal runs as one (the grouping into hunks expects that)."""
    result: list[tuple] = []
    for op in opcodes:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if result and op[0] == "equal" == result[-1][0]:
            tag, a1, _, b1, _ = result[-1]
            result[-1] = (tag, a1, op[2], b1, op[4])
        else:
            result.append(op)
    return result


def _unified(hunks, old_lines: list[str], new_lines: list[str], path: str) -> str:
    """What `difflib.unified_diff` prints, from hunks already computed."""
    lines = [f"--- a/{path}", f"+++ b/{path}"]
    for hunk in hunks:
        first, last = hunk[0], hunk[-1]
        old_range = _hunk_range(first[1], last[2])
        new_range = _hunk_range(first[3], last[4])
        lines.append(f"@@ -{old_range} +{new_range} @@")
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                lines += [f" {line}" for line in old_lines[i1:i2]]
                continue
            lines += [f"-{line}" for line in old_lines[i1:i2]]
            lines += [f"+{line}" for line in new_lines[j1:j2]]
    return "\n".join(lines)


def _hunk_range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


_ROW_CLASS = {"replace": "diff_chg", "delete": "diff_sub", "insert": "diff_add", "equal": ""}


def _side_by_side(hunks, old_lines, new_lines, old_label: str, new_label: str) -> str:
    """The hunks as a two-column table (old on the left, new on the right), line numbers
    beside each side; the cell classes are difflib's (diff_add, diff_sub, diff_chg)."""
    rows = [
        f'<thead><tr><th class="diff_header" colspan="2">{escape(old_label)}</th>'
        f'<th class="diff_header" colspan="2">{escape(new_label)}</th></tr></thead><tbody>'
    ]
    for index, hunk in enumerate(hunks):
        if index:
            rows.append('<tr><td class="diff_next" colspan="4">⋯</td></tr>')
        for tag, i1, i2, j1, j2 in hunk:
            for a, b in zip_longest(range(i1, i2), range(j1, j2)):
                rows.append(_diff_row(_ROW_CLASS[tag], a, old_lines, b, new_lines))
    columns = '<colgroup><col class="diff-number"><col><col class="diff-number"><col></colgroup>'
    return '<table class="diff">' + columns + "".join(rows) + "</tbody></table>"


def _diff_row(css: str, a: int | None, old_lines, b: int | None, new_lines) -> str:
    def cells(number: int | None, lines: list[str]) -> str:
        if number is None:
            return '<td class="diff_header"></td><td></td>'
        text = escape(lines[number])
        return f'<td class="diff_header">{number + 1}</td><td class="{css}">{text}</td>'

    return f"<tr>{cells(a, old_lines)}{cells(b, new_lines)}</tr>"
