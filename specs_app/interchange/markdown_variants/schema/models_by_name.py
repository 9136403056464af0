"""Models by name (for part lines that name their model), and merging the sources of one model."""

import re
from dataclasses import dataclass, field

from specs_app.interchange.markdown_variants.schema.parts import (
    _TABLE_GUESSED,
    _WORD,
    _heading_name,
    _key,
)
from specs_app.interchange.markdown_variants.schema.sources import _Source
from specs_app.interchange.names import strip_code
from specs_app.interchange.records import (
    ParsedField,
    ParsedModel,
)

# ---------------------------------------------------------------------------------------------
# Models by name: for part lines that name the model they belong to


class _Registry:
    def __init__(self, models: list[ParsedModel]):
        self.by_table: dict[str, ParsedModel] = {}
        self.by_key: dict[str, ParsedModel] = {}
        for model in models:
            self.by_table.setdefault(model.table.lower(), model)
            for key in (_key(model.name), _key(model.table)):
                self.by_key.setdefault(key, model)

    def find(self, word: str) -> ParsedModel | None:
        if not word:
            return None
        return self.by_table.get(word.lower()) or self.by_key.get(_key(word))

    def find_heading(self, title: str) -> ParsedModel | None:
        names = _heading_name(title) if title else None
        return (self.find(names.table) or self.find(names.name)) if names else None

    def mentions(self, text: str) -> list[tuple[int, int, ParsedModel]]:
        """The models `text` names (`users`, `Task`, `refresh tokens`), with their spans."""
        words = list(_WORD.finditer(text))
        found, index = [], 0
        while index < len(words):
            for size in (3, 2, 1):
                span = words[index : index + size]
                if len(span) < size or not _adjacent(text, span):
                    continue
                model = self.find("_".join(word.group() for word in span))
                if model is not None:
                    found.append((span[0].start(), span[-1].end(), model))
                    index += size
                    break
            else:
                index += 1
        return found

    def first_mention(self, text: str) -> ParsedModel | None:
        mentions = self.mentions(strip_code(text))
        return mentions[0][2] if mentions else None

    def by_index_name(self, name: str) -> ParsedModel | None:
        parts = re.sub(r"^(?:idx|ix|uq|uix|ux|unq|uniq|index|unique)_", "", name.lower()).split("_")
        for size in range(len(parts) - 1, 0, -1):
            model = self.by_table.get("_".join(parts[:size]))
            if model is not None:
                return model
        return None

    def by_columns(self, columns: str) -> ParsedModel | None:
        wanted = {word.lower() for word in re.findall(r"[^\W\d]\w*", columns)} - {"asc", "desc"}
        having = [
            model
            for model in {id(m): m for m in self.by_table.values()}.values()
            if wanted <= {f.name.lower() for f in model.fields}
        ]
        return having[0] if len(having) == 1 else None


def _adjacent(text: str, words: list[re.Match]) -> bool:
    return all(
        text[a.end() : b.start()] in (" ", "_", "-") for a, b in zip(words, words[1:], strict=False)
    )


# ---------------------------------------------------------------------------------------------
# Merging the sources of one model


@dataclass
class _Merged:
    """What merging keeps besides the model: facts the completion step still needs."""

    model: ParsedModel
    sources: list[_Source]
    table_guessed: bool
    guessed_nullable: set[str] = field(default_factory=set)
    fk_hints: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    on_delete: dict[str, str] = field(default_factory=dict)
    indexed: list[tuple[str, int]] = field(default_factory=list)
    conflicts: dict[str, list[int]] = field(default_factory=dict)  # field → lines disagreeing


def _group_sources(sources: list[_Source]) -> list[list[_Source]]:
    """Sources that share a table or a singular name, in the order of their first line."""
    groups: list[list[_Source]] = []
    by_key: dict[str, int] = {}
    for source in sorted(sources, key=lambda s: s.line):
        keys = {_key(source.model.name)}
        if source.table_rank > _TABLE_GUESSED:
            keys.add(_key(source.model.table))
        keys.discard("")
        number = next((by_key[key] for key in keys if key in by_key), None)
        if number is None:
            number = len(groups)
            groups.append([])
        groups[number].append(source)
        for key in keys:
            by_key.setdefault(key, number)
    return groups


def _merge(group: list[_Source], warn) -> _Merged:
    first = group[0]
    namer = max(group, key=lambda source: source.name_rank)
    tabler = max(group, key=lambda source: source.table_rank)
    model = ParsedModel(first.line, namer.model.name, tabler.model.table)
    model.lines = {"name": first.line}
    if "table" in tabler.model.lines:
        model.lines["table"] = tabler.model.lines["table"]
    merged = _Merged(model, group, tabler.table_rank == _TABLE_GUESSED)
    by_name: dict[str, ParsedField] = {}
    for source in group:
        _merge_fields(merged, source, by_name, warn)
        _merge_parts(model, source.model)
        merged.on_delete = source.on_delete | merged.on_delete
        merged.fk_hints = source.fk_hints | merged.fk_hints
        merged.indexed += source.indexed
    for key, lines in merged.conflicts.items():
        kept = next(f for f in model.fields if f.name.lower() == key)
        other = "NOT NULL" if kept.nullable else "nullable"
        listed = ", ".join(map(str, lines))
        warn(
            lines[0],
            f"model “{model.name}”: field “{kept.name}” is {_nullness(kept)} on line {kept.line} "
            f"but {other} on line(s) {listed}; kept line {kept.line}",
        )
    described = [source.describe() for source in group if source.model.fields]
    if len(described) > 1:
        listed = ", ".join(described[:-1]) + " and " + described[-1]
        warn(first.line, f"model “{model.name}”: merged from {listed}")
    return merged


def _merge_parts(model: ParsedModel, other: ParsedModel) -> None:
    if not model.ownership and other.ownership:
        model.ownership = other.ownership
        model.lines["ownership"] = other.lines.get("ownership", other.line)
    model.relationships += other.relationships
    model.indexes += other.indexes
    model.constraints += other.constraints
    model.migration_notes += other.migration_notes


def _merge_fields(merged: _Merged, source: _Source, by_name: dict, warn) -> None:
    for new in source.model.fields:
        key = new.name.lower()
        guessed = key in source.guessed_nullable
        kept = by_name.get(key)
        if kept is None:
            kept = by_name[key] = ParsedField(**vars(new))
            merged.model.fields.append(kept)
            if guessed:
                merged.guessed_nullable.add(key)
            continue
        _fill_field(kept, new)
        if key in merged.guessed_nullable and not guessed:
            kept.nullable = new.nullable and not kept.primary_key
            merged.guessed_nullable.discard(key)
        elif not guessed and kept.nullable != new.nullable and not kept.primary_key:
            merged.conflicts.setdefault(key, []).append(new.line)


def _nullness(value: ParsedField) -> str:
    return "nullable" if value.nullable else "NOT NULL"


def _fill_field(kept: ParsedField, new: ParsedField) -> None:
    kept.primary_key |= new.primary_key
    kept.auto |= new.auto
    kept.unique |= new.unique
    for name in ("type", "references", "default", "other_constraints", "description"):
        if not getattr(kept, name):
            setattr(kept, name, getattr(new, name))
    if kept.primary_key:
        kept.nullable = False
