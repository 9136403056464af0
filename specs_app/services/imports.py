"""Canonical markdown → a spec revision: a new spec's r1, or a draft on top of an existing head.

Every row is validated with the models' own validators before anything is written; on any error
nothing is created. Rows are inserted with one bulk INSERT per table.
"""

from bisect import bisect_right
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import connection, transaction
from django.db.models import ForeignKey, Model, UUIDField

from specs_app.interchange.canonical.syntax import API_TITLE, SCHEMA_TITLE
from specs_app.interchange.files import FileReading, read_spec_files
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedApi, ParsedEndpoint, ParsedModel, ParsedSchema
from specs_app.models import (
    DEFAULT_API_PATH,
    DEFAULT_SCHEMA_PATH,
    BodyField,
    BusinessRule,
    ContentRow,
    DataModel,
    Endpoint,
    ErrorCase,
    Field,
    Index,
    MigrationNote,
    ModelConstraint,
    Parameter,
    Relationship,
    Revision,
    Spec,
    TestCase,
    Workspace,
)
from specs_app.models.validators import validate_overview
from specs_app.services.content_tree import ContentTree, load_api_tree, load_schema_tree
from specs_app.services.diff import snapshot_diff
from specs_app.services.review import change_request_open
from specs_app.services.revisions import revision_publish
from specs_app.services.snapshot import PARENT, Snapshot, content_fields, revision_snapshot

IMPORT_MESSAGE = "Imported from markdown"

#: How an import into an existing spec treats what the file does not name. Replace: the file is
#: the whole API (or schema), so an item it lacks is removed. Merge: the file adds and updates
#: the items it names and every other item is kept.
REPLACE, MERGE = "replace", "merge"
MODES = (REPLACE, MERGE)
DEFAULT_SUCCESS_STATUS = 200

#: The count keys of a report, with the table each counts.
COUNTED = {
    "endpoints": Endpoint,
    "models": DataModel,
    "fields": Field,
    "parameters": Parameter,
    "body_fields": BodyField,
    "errors": ErrorCase,
    "business_rules": BusinessRule,
    "test_cases": TestCase,
    "relationships": Relationship,
    "indexes": Index,
    "constraints": ModelConstraint,
    "migration_notes": MigrationNote,
}

#: How a child row of the head is recognised in an import, to keep its uid.
_NATURAL_KEYS: dict[type[ContentRow], tuple[str, ...]] = {
    Parameter: ("location", "name"),
    BodyField: ("part", "name"),
    ErrorCase: ("status_code", "description"),
    BusinessRule: ("text",),
    TestCase: ("text",),
    Field: ("name",),
    Relationship: ("kind", "target"),
    Index: ("name",),
    ModelConstraint: ("text",),
    MigrationNote: ("text",),
}


@dataclass
class ImportResult:
    spec: Spec | None
    revision: Revision | None = None
    ok: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    warnings: list[ImportNote] = field(default_factory=list)
    errors: list[ImportNote] = field(default_factory=list)
    spec_label: str = ""
    dry_run: bool = False
    change_request: object = None
    #: True when a file was read as a variant of the template rather than the canonical format.
    variant: bool = False
    #: What was read, for reports: "METHOD /path" of each endpoint, {model name: field count}.
    found_endpoints: list[str] = field(default_factory=list)
    found_models: dict[str, int] = field(default_factory=dict)
    #: What was read, for the preview: (method, path, name) and (name, table).
    preview_endpoints: list[tuple[str, str, str]] = field(default_factory=list)
    preview_models: list[tuple[str, str]] = field(default_factory=list)
    #: REPLACE or MERGE: the mode asked for, or the one the files' format chose.
    mode: str = ""
    #: Into an existing spec, on a dry run: its head, and what the import would change in it
    #: (services.diff.ItemChange, item by item) and which overviews it would change.
    base: Revision | None = None
    changes: list | None = None
    changed_overviews: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as JSON-ready data. The count of error cases is `error_cases` here,
        because `errors` holds the report's errors."""
        counts = {("error_cases" if key == "errors" else key): n for key, n in self.counts.items()}
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "spec": self.spec_label,
            "revision": self.revision.label if self.revision else None,
            "change_request": self.change_request.number if self.change_request else None,
            **counts,
            "variant": self.variant,
            "mode": self.mode,
            **({"changes": self._changes_dict()} if self.changes is not None else {}),
            "found": {"endpoints": self.found_endpoints, "models": self.found_models},
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
        }

    def _changes_dict(self) -> dict:
        return {
            "against": self.base.label if self.base else None,
            "overviews": self.changed_overviews,
            "items": [{"kind": c.kind, "what": str(c.what), "name": c.label} for c in self.changes],
        }


# ---------------------------------------------------------------------------------------------
# Unsaved rows


@dataclass
class _Entry:
    """An unsaved endpoint or model, the line it came from, and its unsaved children."""

    parent: ContentRow
    children: dict[type[ContentRow], list[ContentRow]]
    line: int = 0
    child_lines: dict[type[ContentRow], list[int]] = field(default_factory=dict)
    #: The parent's attributes the file gave a value for: a merge updates only these.
    stated: set[str] = field(default_factory=set)


@dataclass
class _Half:
    """The content of one file: its overview and its entries in order."""

    parent_model: type[ContentRow]
    overview: str
    entries: list[_Entry]
    file: str = ""


@dataclass
class _Checker:
    """Collects validation errors as report lines."""

    errors: list[ImportNote] = field(default_factory=list)
    #: (table, field, value) → (cleaned value, messages): a big spec repeats its values (types,
    #: flags, positions), and the field validators are pure, so each value is checked once.
    cleaned: dict[tuple, tuple] = field(default_factory=dict)

    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(ImportNote(file, line, message))

    def validate(self, row: ContentRow, *, file: str, line: int, what: str, lines=None) -> None:
        """What `row.full_clean()` (without uniqueness) would say, as report lines."""
        exclude = {"revision", row.parent_field, "uid"}  # the uid is generated, not read
        problems = self._clean_fields(row, exclude)
        if not problems and type(row).clean is not Model.clean:
            try:
                row.clean()
            except ValidationError as exc:
                problems = exc.update_error_dict({})
        for name, messages in problems.items():
            at = (lines or {}).get(name, line)
            label = "" if name == NON_FIELD_ERRORS else f", {_verbose(row, name)}"
            for message in ValidationError(messages).messages:
                self.error(file, at, f"{what}{label}: {message}")

    def _clean_fields(self, row: ContentRow, exclude: set) -> dict[str, list]:
        problems = {}
        for model_field in row._meta.concrete_fields:
            if model_field.name in exclude:
                continue
            value = getattr(row, model_field.attname)
            if isinstance(value, str):
                value = value.strip()  # as ContentRow.clean_fields stores it
            if model_field.blank and value in model_field.empty_values:
                setattr(row, model_field.attname, value)
                continue
            key = (type(row), model_field.name, value)
            if key not in self.cleaned:
                self.cleaned[key] = _clean_value(model_field, value, row)
            cleaned, messages = self.cleaned[key]
            setattr(row, model_field.attname, cleaned)
            if messages:
                problems[model_field.name] = messages
        return problems

    def unique(self, file: str, items: list[tuple[object, int]], what: str) -> None:
        """Report every (key, line) whose key was already used on an earlier line."""
        first_line: dict[object, int] = {}
        for key, line in items:
            if key in first_line:
                self.error(
                    file,
                    line,
                    f"{what} {_describe_key(key)} is already used on line {first_line[key]}",
                )
            else:
                first_line[key] = line


def _clean_value(model_field, value, row: ContentRow) -> tuple:
    try:
        return model_field.clean(value, row), None
    except ValidationError as exc:
        return value, exc.error_list


def _verbose(row: ContentRow, name: str) -> str:
    try:
        return str(row._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _describe_key(key: object) -> str:
    return " ".join(f"“{part}”" for part in key) if isinstance(key, tuple) else f"“{key}”"


def _child(model: type[ContentRow], parent: ContentRow, position: int, parsed) -> ContentRow:
    # A parsed record's uid (blank, or a revision's) is not the new row's: rows get their own.
    values = {name: value for name, value in vars(parsed).items() if name not in ("line", "uid")}
    return model(position=position, **values, **{model.parent_field: parent})


def _children(model, parent, parsed_items) -> tuple[list[ContentRow], list[int]]:
    rows = [_child(model, parent, i, item) for i, item in enumerate(parsed_items)]
    return rows, [item.line for item in parsed_items]


def _entry(parent: ContentRow, line: int, children: dict, parsed) -> _Entry:
    stated = {name for name in _STATED[type(parent)] if getattr(parsed, name) not in ("", None)}
    entry = _Entry(parent, {}, line, stated=stated)
    for model, (rows, lines) in children.items():
        entry.children[model] = rows
        entry.child_lines[model] = lines
    return entry


_STATED = {
    Endpoint: (
        "name",
        "method",
        "path",
        "authentication",
        "user_ownership",
        "success_status",
        "data_model",
    ),
    DataModel: ("name", "table", "ownership"),
}


def _endpoint_entry(parsed: ParsedEndpoint, position: int) -> _Entry:
    endpoint = Endpoint(
        position=position,
        name=parsed.name,
        method=parsed.method,
        path=parsed.path,
        authentication=parsed.authentication,
        user_ownership=parsed.user_ownership,
        data_model=parsed.data_model,
        success_status=(
            DEFAULT_SUCCESS_STATUS if parsed.success_status is None else parsed.success_status
        ),
    )
    # Position orders parameters within a location and body fields within a part, so one
    # sequence in file order (headers, path, query; request, response) serves both.
    return _entry(
        endpoint,
        parsed.line,
        {
            Parameter: _children(Parameter, endpoint, parsed.parameters),
            BodyField: _children(BodyField, endpoint, parsed.body_fields),
            ErrorCase: _children(ErrorCase, endpoint, parsed.errors),
            BusinessRule: _children(BusinessRule, endpoint, parsed.business_rules),
            TestCase: _children(TestCase, endpoint, parsed.test_cases),
        },
        parsed,
    )


def _model_entry(parsed: ParsedModel, position: int) -> _Entry:
    model = DataModel(
        position=position, name=parsed.name, table=parsed.table, ownership=parsed.ownership
    )
    return _entry(
        model,
        parsed.line,
        {
            Field: _children(Field, model, parsed.fields),
            Relationship: _children(Relationship, model, parsed.relationships),
            Index: _children(Index, model, parsed.indexes),
            ModelConstraint: _children(ModelConstraint, model, parsed.constraints),
            MigrationNote: _children(MigrationNote, model, parsed.migration_notes),
        },
        parsed,
    )


# ---------------------------------------------------------------------------------------------
# Reading and validating one file


def _api_half(api: ParsedApi | None, file: str, checker: _Checker) -> _Half | None:
    if api is None or not _recognised(api, api.endpoints, API_TITLE, file, checker):
        return None
    entries = [_endpoint_entry(parsed, i) for i, parsed in enumerate(api.endpoints)]
    pairs = list(zip(entries, api.endpoints, strict=True))
    for entry, parsed in pairs:
        _validate_entry(entry, f"endpoint “{parsed.name}”", parsed.lines, file, checker)
    checker.unique(file, [(e.parent.name, p.line) for e, p in pairs], "endpoint name")
    checker.unique(
        file,
        [((e.parent.method, e.parent.path), p.lines.get("path", p.line)) for e, p in pairs],
        "method and path",
    )
    _validate_overview(api, file, checker)
    return _Half(Endpoint, api.overview, entries, file)


def _schema_half(schema: ParsedSchema | None, file: str, checker: _Checker) -> _Half | None:
    if schema is None or not _recognised(schema, schema.models, SCHEMA_TITLE, file, checker):
        return None
    entries = [_model_entry(parsed, i) for i, parsed in enumerate(schema.models)]
    for entry, parsed in zip(entries, schema.models, strict=True):
        _validate_entry(entry, f"model “{parsed.name}”", parsed.lines, file, checker)
        fields = zip(entry.children[Field], entry.child_lines[Field], strict=True)
        checker.unique(
            file, [(f.name, line) for f, line in fields], f"model “{parsed.name}”: field name"
        )
    checker.unique(file, [(e.parent.name, e.line) for e in entries], "model name")
    table_lines = [parsed.lines.get("table", parsed.line) for parsed in schema.models]
    checker.unique(
        file,
        [(e.parent.table, line) for e, line in zip(entries, table_lines, strict=True)],
        "table name",
    )
    _validate_overview(schema, file, checker)
    return _Half(DataModel, schema.overview, entries, file)


#: The rows the records become, by the records' attribute names (interchange/fit/): the same
#: names as the report's counts.
ROW_MODELS = COUNTED


def _report(reading: FileReading, result: ImportResult, checker: _Checker) -> None:
    result.warnings += reading.warnings
    result.variant = result.variant or reading.variant
    for error in reading.errors:
        checker.error(error.file, error.line, error.message)


def _recognised(parsed, sections: list, title: str, file: str, checker: _Checker) -> bool:
    if parsed.title == title or sections:
        return True
    checker.error(
        file,
        1,
        f"nothing to import: the file does not start with {title!r} and has no "
        "## section that could be read",
    )
    return False


def _validate_entry(entry: _Entry, what: str, lines: dict, file: str, checker: _Checker) -> None:
    checker.validate(entry.parent, file=file, line=entry.line, what=what, lines=lines)
    for model, rows in entry.children.items():
        noun = model._meta.verbose_name
        for row, line in zip(rows, entry.child_lines[model], strict=True):
            checker.validate(row, file=file, line=line, what=f"{what}, {noun} {_row_name(row)}")


def _row_name(row: ContentRow) -> str:
    for attribute in ("name", "status_code", "text", "target"):
        if hasattr(row, attribute):
            return f"“{getattr(row, attribute)}”"
    return ""


def _validate_overview(parsed: ParsedApi | ParsedSchema, file: str, checker: _Checker) -> None:
    try:
        validate_overview(parsed.overview)
    except ValidationError as exc:
        for message in exc.messages:
            checker.error(file, parsed.overview_line, f"overview: {message}")


# ---------------------------------------------------------------------------------------------
# uids: rows the head already has keep their identity


#: How an endpoint or model is recognised when its name changed: by what else is unique.
_ALTERNATE_KEYS = {Endpoint: ("method", "path"), DataModel: ("table",)}


def _keep_uids(half: _Half, head_tree: ContentTree) -> None:
    """An item keeps its uid when the head has one of its name or, failing that, one with its
    method and path (a model: its table) that no other item took: a renamed item is a rename,
    not a removal and an addition, and a merge updates that item rather than adding a second
    one on the same route (variants name endpoints their own way)."""
    matches: dict[int, ContentRow] = {}
    keys = (("name",), _ALTERNATE_KEYS[half.parent_model])
    for attributes in keys:
        taken = {old.uid for old in matches.values()}
        head_parents = {
            _key(parent, attributes): parent
            for parent in head_tree.parents
            if parent.uid not in taken
        }
        for index, entry in enumerate(half.entries):
            old = head_parents.get(_key(entry.parent, attributes))
            if index not in matches and old is not None and old.uid not in taken:
                matches[index] = old
                taken.add(old.uid)
    for index, old in matches.items():
        entry = half.entries[index]
        entry.parent.uid = old.uid
        for model, rows in entry.children.items():
            _keep_child_uids(rows, head_tree.children_of(old, model), _NATURAL_KEYS[model])
    _keep_positions([entry.parent for entry in half.entries], head_tree.parents)


def _key(row: ContentRow, attributes: tuple[str, ...]) -> tuple:
    return tuple(getattr(row, name) for name in attributes)


def _keep_child_uids(rows: list[ContentRow], old_rows: list[ContentRow], key: tuple) -> None:
    available = defaultdict(deque)
    for old in old_rows:
        available[_key(old, key)].append(old.uid)
    for row in rows:
        uids = available.get(_key(row, key))
        if uids:
            row.uid = uids.popleft()
    _keep_positions(rows, old_rows)


def _keep_positions(rows: list[ContentRow], old_rows: list[ContentRow]) -> None:
    """Rows the head has keep their position wherever the order allows: the longest run of them
    still in the head's order, with room for the rows between; the others are numbered after
    their predecessor. The head's positions can have gaps (deleted rows), and an import must
    show what moved, not a renumbering."""
    old = {row.uid: row.position for row in old_rows}
    # Row i can keep old position p if p >= i, and rows i < j both can if p_j - p_i >= j - i:
    # the longest non-decreasing run of p - i.
    candidates = [(i, old[row.uid] - i) for i, row in enumerate(rows) if old.get(row.uid, -1) >= i]
    kept = _longest_non_decreasing(candidates)
    last = -1
    for i, row in enumerate(rows):
        row.position = old[row.uid] if i in kept else last + 1
        last = row.position


def _longest_non_decreasing(items: list[tuple[int, int]]) -> set[int]:
    """The indices of a longest subsequence of (index, value) whose values do not decrease."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous: dict[int, int | None] = {}
    for index, value in items:
        k = bisect_right(tails, value)
        previous[index] = tail_index[k - 1] if k else None
        if k == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[k], tail_index[k] = value, index
    kept, index = set(), (tail_index[-1] if tail_index else None)
    while index is not None:
        kept.add(index)
        index = previous[index]
    return kept


def _half_from_tree(tree: ContentTree, parent_model: type[ContentRow], overview: str) -> _Half:
    """The head's content as unsaved copies (same uids), to carry into a new revision."""
    entries = []
    for parent in tree.parents:
        children = {model: tree.children_of(parent, model) for model in tree.children}
        _unsave(parent)
        for model, rows in children.items():
            for row in rows:
                _unsave(row)
                setattr(row, model.parent_field, parent)
        entries.append(_Entry(parent, children))
    return _Half(parent_model, overview, entries)


def _unsave(row: ContentRow) -> None:
    row.pk = None
    row._state.adding = True


# ---------------------------------------------------------------------------------------------
# Merge: the head, with what the file names added or updated


def _merged(imported: _Half, head: _Half, head_label: str, checker: _Checker) -> _Half:
    """`head` (unsaved copies) with the imported entries merged in: an entry matched by uid is
    updated with the attributes the file states, and gains or updates the children the file
    names (keeping the others); an entry the head lacks is added after the head's."""
    by_uid = {entry.parent.uid: entry for entry in head.entries}
    position = _next_position(entry.parent for entry in head.entries)
    for entry in imported.entries:
        old = by_uid.get(entry.parent.uid)
        if old is None:
            entry.parent.position = position
            position += 1
            head.entries.append(entry)
        else:
            _update_entry(old, entry)
    # The head's overview stays (a part of an API seldom introduces the whole); an empty one
    # takes the file's.
    merged = _Half(head.parent_model, head.overview or imported.overview, head.entries)
    merged.file = imported.file
    _check_merged(merged, head_label, checker)
    return merged


def _update_entry(old: _Entry, new: _Entry) -> None:
    # The name stays: matched by name it is the same, and matched by route the head's name is
    # the one people chose (a variant's is often the route itself).
    for name in new.stated - {"name"}:
        setattr(old.parent, name, getattr(new.parent, name))
    old.line = new.line
    for model, rows in new.children.items():
        kept = old.children.setdefault(model, [])
        by_uid = {row.uid: row for row in kept}
        position = _next_position(kept)
        copied = [name for name in content_fields(model) if name not in (PARENT, "position")]
        for row in rows:
            match = by_uid.get(row.uid)
            if match is not None:
                for name in copied:
                    setattr(match, name, getattr(row, name))
                continue
            row.position = position
            position += 1
            setattr(row, model.parent_field, old.parent)
            kept.append(row)


def _next_position(rows) -> int:
    return max((row.position for row in rows), default=-1) + 1


_UNIQUE_KEYS = {Endpoint: (("name",), ("method", "path")), DataModel: (("name",), ("table",))}


def _check_merged(half: _Half, head_label: str, checker: _Checker) -> None:
    """An item of the file that would share a unique name, route or table with an item of the
    head that the file does not name (the file's own items were checked already)."""
    noun = half.parent_model._meta.verbose_name
    for attributes in _UNIQUE_KEYS[half.parent_model]:
        seen: dict[tuple, _Entry] = {}
        for entry in half.entries:
            other = seen.setdefault(_key(entry.parent, attributes), entry)
            if other is entry:
                continue
            ours, theirs = (entry, other) if entry.line else (other, entry)
            value = " ".join(str(v) for v in _key(entry.parent, attributes))
            checker.error(
                half.file,
                ours.line,
                f"{noun} “{ours.parent.name}”: {value} is already the {noun} "
                f"“{theirs.parent.name}” of {head_label}, which the file does not name; "
                "rename one of them, or import in replace mode",
            )


# ---------------------------------------------------------------------------------------------
# The preview: what the import would change in the head


def _snapshot(content: dict[str, _Half]) -> Snapshot:
    """The content about to be written, as services.snapshot reads a revision."""
    snapshot: Snapshot = {}
    for half in content.values():
        for entry in half.entries:
            snapshot[(type(entry.parent), entry.parent.uid)] = _values(entry.parent)
            for model, rows in entry.children.items():
                for row in rows:
                    snapshot[(model, row.uid)] = {PARENT: entry.parent.uid, **_values(row)}
    return snapshot


def _values(row: ContentRow) -> dict:
    return {name: getattr(row, name) for name in content_fields(type(row)) if name != PARENT}


def _preview_changes(result: ImportResult, head: Revision, content: dict[str, _Half]) -> None:
    result.base = head
    result.changes = snapshot_diff(revision_snapshot(revision=head), _snapshot(content))
    result.changed_overviews = [
        key for key, half in content.items() if half.overview != getattr(head, _HALVES[key][2])
    ]


# ---------------------------------------------------------------------------------------------
# Writing


def _insert(half: _Half, revision: Revision) -> None:
    parents = [entry.parent for entry in half.entries]
    for parent in parents:
        parent.revision = revision
    half.parent_model.objects.bulk_create(parents)
    by_model: dict[type[ContentRow], list[ContentRow]] = defaultdict(list)
    for entry in half.entries:
        for model, rows in entry.children.items():
            by_model[model] += rows
    for model, rows in by_model.items():
        for row in rows:
            row.revision = revision
        _insert_children(model, rows)


def _insert_children(model: type[ContentRow], rows: list[ContentRow]) -> None:
    """One executemany INSERT: the children of a big import are tens of thousands of rows, and
    bulk_create compiled SQL for each value of each of them. Their pks are not needed."""
    if not rows:
        return
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    readers = [_column_reader(f) for f in columns]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    table = connection.ops.quote_name(model._meta.db_table)
    values = [[read(row) for read in readers] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: one stream instead of a statement per row
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row_values in values:
                    copy.write_row(row_values)
            return
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)


def _column_reader(model_field):
    """How to read a row's value for this column: a foreign key from the related row (saved
    after it was assigned), a UUID with the field's conversion (text on SQLite), anything else
    as it is."""
    if isinstance(model_field, ForeignKey):
        return lambda row: getattr(row, model_field.name).pk
    if isinstance(model_field, UUIDField):
        return lambda row: model_field.get_db_prep_save(
            getattr(row, model_field.attname), connection
        )
    return lambda row: getattr(row, model_field.attname)


def _count(halves: list[_Half]) -> dict[str, int]:
    counts = dict.fromkeys(COUNTED, 0)
    tables = {model: key for key, model in COUNTED.items()}
    for half in halves:
        counts[tables[half.parent_model]] += len(half.entries)
        for entry in half.entries:
            for model, rows in entry.children.items():
                counts[tables[model]] += len(rows)
    return counts


def _default_title(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").title()


def _new_spec(workspace: Workspace, slug: str, title: str | None, checker: _Checker) -> Spec:
    spec = Spec(workspace=workspace, slug=slug, title=title or _default_title(slug))
    try:
        spec.full_clean(exclude=["head"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                checker.error("", 0, f"spec {name}: {message}")
    return spec


def spec_import(
    *,
    workspace: Workspace,
    spec_slug: str,
    title: str | None = None,
    api_text: str | None = None,
    schema_text: str | None = None,
    author=None,
    dry_run: bool = False,
    review_title: str = "Import from markdown",
    mode: str | None = None,
    base: Revision | None = None,
) -> ImportResult:
    """Import the canonical files into `workspace/spec_slug`. See the module docstring.

    A new spec is created and the import published as r1. An existing spec gets a draft whose
    parent is the head; a file left out (None) keeps that half of the head unchanged. `mode`
    (REPLACE or MERGE) says what becomes of the head's items a file does not name; by default
    REPLACE for canonical files and MERGE when a file is a variant of the template. A dry run
    into an existing spec says what the import would change in the head. `base`, a published
    revision of the spec the files were made from, takes the head's place: the files are
    compared with it, so that the request shows what changed since then.
    """
    result = ImportResult(spec=None, spec_label=f"{workspace.slug}/{spec_slug}", dry_run=dry_run)
    checker = _Checker()
    with transaction.atomic():
        spec = Spec.objects.select_for_update().filter(workspace=workspace, slug=spec_slug).first()
        result.spec = spec
        if spec is None:
            spec = _new_spec(workspace, spec_slug, title, checker)
        halves = _read_halves(spec, api_text, schema_text, result, checker)
        result.counts = _count([half for half in halves.values() if half is not None])
        _note_found(result, halves)
        result.mode = mode or (MERGE if result.variant else REPLACE)
        head = None if spec.pk is None else (base or spec.head)
        content = None if checker.errors else _contents(halves, head, result.mode, checker)
        result.warnings.sort(key=lambda item: (item.file, item.line))
        result.errors = sorted(checker.errors, key=lambda item: (item.file, item.line))
        result.ok = not checker.errors
        if result.ok and dry_run and head is not None:
            _preview_changes(result, head, content)
        if checker.errors or dry_run:
            return result
        result.revision = _write(spec, content, author, base)
        result.spec = Spec.objects.select_related("head").get(pk=spec.pk)
        if not result.revision.is_published and author is not None:
            result.change_request = _open_review(
                result.spec, result.revision, author, review_title, import_report(result)
            )
    return result


def _note_found(result: ImportResult, halves: dict[str, _Half | None]) -> None:
    if halves.get("api"):
        endpoints = [entry.parent for entry in halves["api"].entries]
        result.found_endpoints = [f"{e.method} {e.path}" for e in endpoints]
        result.preview_endpoints = [(e.method, e.path, e.name) for e in endpoints]
    if halves.get("schema"):
        result.found_models = {
            entry.parent.name: len(entry.children[Field]) for entry in halves["schema"].entries
        }
        result.preview_models = [(e.parent.name, e.parent.table) for e in halves["schema"].entries]


def _open_review(spec: Spec, draft: Revision, author, title: str, description: str):
    """An import into an existing spec is reviewed like any other change."""
    return change_request_open(
        spec=spec, author=author, title=title, description=description, working=draft
    )


#: The most report lines a change request description carries; the rest are counted.
REPORT_LINES_IN_REVIEW = 200


def import_report(result: ImportResult) -> str:
    """The import report as markdown, for the change request a reviewer reads: every line the
    importer skipped, guessed or normalised, by file and line."""
    if not result.warnings:
        return "Imported from markdown with no warnings: the files were canonical."
    lines = [
        f"Imported from markdown. The importer reported {len(result.warnings)} line(s) to "
        "check: what it skipped, guessed or normalised.",
        "",
    ]
    for item in result.warnings[:REPORT_LINES_IN_REVIEW]:
        lines.append(f"- `{item.file}` line {item.line}: {_escape_markdown(item.message)}")
    hidden = len(result.warnings) - REPORT_LINES_IN_REVIEW
    if hidden > 0:
        lines.append(f"- … and {hidden} more (run the import with --dry-run to see them all)")
    return "\n".join(lines)


def _escape_markdown(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("<", "&lt;")


def _read_halves(
    spec: Spec, api_text: str | None, schema_text: str | None, result, checker
) -> dict[str, _Half | None]:
    """{"api": half or None, "schema": half or None} for the files given."""
    if api_text is None and schema_text is None:
        checker.error(
            "", 0, "nothing to import: give the REST endpoints file, the schema file or both"
        )
        return {}
    texts = {}
    if api_text is not None:
        texts["api"] = (api_text, spec.api_path or DEFAULT_API_PATH)
    if schema_text is not None:
        texts["schema"] = (schema_text, spec.schema_path or DEFAULT_SCHEMA_PATH)
    halves = {}
    for kind, reading in read_spec_files(texts, row_models=ROW_MODELS).items():
        _report(reading, result, checker)
        halves[kind] = _HALF_OF[kind](reading.parsed, reading.file, checker)
    return halves


_HALF_OF = {"api": _api_half, "schema": _schema_half}
_HALVES = {
    "api": (load_api_tree, Endpoint, "api_overview"),
    "schema": (load_schema_tree, DataModel, "schema_overview"),
}


def _contents(
    halves: dict[str, _Half], head: Revision | None, mode: str, checker: _Checker
) -> dict[str, _Half]:
    """Both halves of the revision to write, from the files read and the head."""
    return {key: _new_content(key, halves.get(key), head, mode, checker) for key in _HALVES}


def _write(spec: Spec, content: dict[str, _Half], author, base: Revision | None) -> Revision:
    created = spec.pk is None
    head = None if created else (base or spec.head)
    if created:
        spec.save()
    revision = Revision.objects.create(
        spec=spec,
        parent=head,
        author=author,
        message=IMPORT_MESSAGE,
        api_overview=content["api"].overview,
        schema_overview=content["schema"].overview,
    )
    for half in content.values():
        _insert(half, revision)
    return revision_publish(revision=revision) if created else revision


def _new_content(
    key: str, imported: _Half | None, head: Revision | None, mode: str, checker: _Checker
) -> _Half:
    """An imported half keeps the uids the head has; a half not imported is the head's. In
    MERGE mode the imported half is merged into the head's."""
    load, parent_model, overview_attribute = _HALVES[key]
    if head is None:
        return imported or _Half(parent_model, "", [])
    head_tree = load(revision=head)
    if imported is None:
        return _half_from_tree(head_tree, parent_model, getattr(head, overview_attribute))
    _keep_uids(imported, head_tree)
    if mode == MERGE:
        kept = _half_from_tree(head_tree, parent_model, getattr(head, overview_attribute))
        return _merged(imported, kept, head.label, checker)
    return imported
