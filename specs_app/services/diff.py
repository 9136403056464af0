"""What changed between two revisions: per item and field (structured), and per line (markdown)."""

import difflib
from dataclasses import dataclass, field
from itertools import zip_longest
from uuid import UUID

from django.utils.html import escape

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
        if before is None:
            changes.append(ItemChange("added", model, uid, label(model, after), top))
        elif after is None:
            changes.append(ItemChange("removed", model, uid, label(model, before), top))
        elif before != after:
            fields = [
                FieldChange(name, before.get(name), after.get(name))
                for name in content_fields(model)
                if before.get(name) != after.get(name)
            ]
            changes.append(ItemChange("changed", model, uid, label(model, after), top, fields))
    return changes


def group_by_item(changes: list[ItemChange]) -> list[dict]:
    """Changes grouped under the endpoint or model they belong to."""
    groups: dict = {}
    for change in changes:
        group = groups.setdefault(change.top_uid, {"uid": change.top_uid, "changes": []})
        group["changes"].append(change)
        if change.model in (Endpoint, DataModel):
            group["title"] = change.label
            group["kind"] = "endpoint" if change.model is Endpoint else "model"
    return list(groups.values())


def label_groups(groups: list[dict], *, revision: Revision) -> None:
    """Name the groups whose own row did not change (only a child did), from `revision`."""
    missing = {g["uid"]: g for g in groups if "title" not in g}
    for model, kind in ((Endpoint, "endpoint"), (DataModel, "model")):
        rows = model.objects.filter(revision=revision, uid__in=list(missing))
        for uid, name in rows.values_list("uid", "name"):
            missing[uid].update(title=name, kind=kind)


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
