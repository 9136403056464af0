"""Assembling: merge the sources, place the part lines, complete and check every value."""

import re

from specs_app.interchange.fit import fit_variant_models
from specs_app.interchange.markdown_variants.schema.models_by_name import (
    _group_sources,
    _merge,
    _Merged,
    _Registry,
)
from specs_app.interchange.markdown_variants.schema.part_lines import (
    _index_purpose,
    _index_spec,
    _IndexSpec,
)
from specs_app.interchange.markdown_variants.schema.parts import (
    INDEXES,
    MIGRATIONS,
    NOTES,
    RELATIONSHIPS,
    _name_for_table,
    _Section,
)
from specs_app.interchange.markdown_variants.schema.relationships import (
    _field_named,
    _field_referencing,
    _primary_key_name,
    _read_relationship,
)
from specs_app.interchange.markdown_variants.schema.sources import _Pending, _Report, _Source
from specs_app.interchange.names import generated_index_name, strip_code
from specs_app.interchange.records import (
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedRelationship,
    ParsedSchema,
)
from specs_app.vocabulary import BELONGS_TO, HAS_MANY, HAS_ONE

# ---------------------------------------------------------------------------------------------
# Assembling: merge the sources, place the part lines, complete and check every value


class _Assembler:
    def __init__(self, report: _Report, schema: ParsedSchema):
        self.report = report
        self.schema = schema
        self.unplaced: dict[int, tuple[_Section, list[int]]] = {}

    def warn(self, line: int, message: str) -> None:
        self.report.warn(line, message)

    def assemble(self, sources: list[_Source], pending: list[_Pending]) -> None:
        merged = [
            _merge(group, self.warn) for group in _group_sources(sources) if self._keep(group)
        ]
        owners = {id(source): m.model for m in merged for source in m.sources}
        registry = _Registry([m.model for m in merged])
        for item in pending:
            item.owner_model = owners.get(id(item.owner))
            item.fallback_model = owners.get(id(item.fallback))
            self._place(item, registry)
        self._report_unplaced()
        for item in merged:
            self._complete(item, registry)
        models = [item.model for item in merged]
        fit_variant_models(models, self.warn)
        self.schema.models = models

    def _keep(self, group: list[_Source]) -> bool:
        if any(source.model.fields or source.origin == "section" for source in group):
            return True
        for source in group:
            self.warn(
                source.line,
                f"{source.describe()}: table “{source.model.table}” has no columns there and no "
                "model elsewhere in the file; its indexes and relationships were skipped",
            )
        return False

    # -- part lines ------------------------------------------------------------------------------

    def _place(self, item: _Pending, registry: _Registry) -> None:
        if item.kind == INDEXES:
            placed = self._place_index(item, registry)
        elif item.kind == RELATIONSHIPS:
            placed = self._place_relationship(item, registry)
        else:
            placed = self._place_note(item, registry)
        if not placed and not item.title_only and item.section is not None:
            self.unplaced.setdefault(id(item.section), (item.section, []))[1].append(item.line)

    def _report_unplaced(self) -> None:
        for section, lines in self.unplaced.values():
            listed = ", ".join(map(str, lines))
            self.warn(
                lines[0],
                f"section “{section.title}”: {len(lines)} line(s) name no model of this file "
                f"and were skipped (lines {listed})",
            )

    @staticmethod
    def _model_for(item: _Pending, registry: _Registry) -> ParsedModel | None:
        """The model a part line belongs to: the one it is written in, else the one it names,
        else the model section just before its section."""
        if item.owner_model is not None:
            return item.owner_model
        named = registry.find_heading(item.hint) or registry.first_mention(item.text)
        return named or item.fallback_model

    def _place_note(self, item: _Pending, registry: _Registry) -> bool:
        model = self._model_for(item, registry)
        if model is None:
            return False
        notes = model.migration_notes if item.kind == MIGRATIONS else model.constraints
        notes.append(ParsedItem(item.line, item.text))
        if item.kind == NOTES:
            self.warn(item.line, f"model “{model.name}”: text kept as a constraint note")
        return True

    def _keep_as_note(
        self, item: _Pending, registry: _Registry, what: str, model: ParsedModel | None = None
    ) -> bool:
        model = model or self._model_for(item, registry)
        if model is None:
            return False
        model.constraints.append(ParsedItem(item.line, item.text))
        self.warn(
            item.line, f"model “{model.name}”: {what} not recognised; kept as a constraint note"
        )
        return True

    def _place_relationship(self, item: _Pending, registry: _Registry) -> bool:
        default = item.owner_model or registry.find_heading(item.hint) or item.fallback_model
        read = _read_relationship(item.text, item.line, default, registry)
        if read is None:
            return item.title_only or self._keep_as_note(item, registry, "relationship")
        subject, relationship, guesses = read
        subject.relationships.append(relationship)
        for guess in guesses:
            self.warn(item.line, f"model “{subject.name}”: {guess}")
        return True

    def _place_index(self, item: _Pending, registry: _Registry) -> bool:
        spec = self._index_spec(item)
        if spec is None:
            return self._keep_as_note(item, registry, "index line")
        if spec.primary:
            self.warn(item.line, "index line about the primary key skipped: the key implies it")
            return True
        model = self._index_model(spec, item, registry)
        if model is None:
            return False
        unsure = spec.loose or (spec.table and registry.find(spec.table) is None)
        if unsure and not _columns_of(model, spec.columns):
            spec.columns = ""
        named = next((i for i in model.indexes if spec.name and i.name == spec.name), None)
        if named is not None:
            named.purpose = named.purpose or spec.purpose
            named.unique |= spec.unique
            named.line = min(named.line, item.line)
            return True
        if not spec.columns:
            spec.columns = _columns_from_index_name(spec.name, model)
            if not spec.columns:
                return self._keep_as_note(item, registry, "index line", model)
            self.warn(item.line, f"model “{model.name}”: index “{spec.name}”: columns guessed")
        model.indexes.append(
            ParsedIndex(item.line, spec.name, spec.columns, spec.unique, spec.purpose)
        )
        return True

    def _index_spec(self, item: _Pending) -> _IndexSpec | None:
        if item.index is not None:
            i = item.index
            return _IndexSpec(i.name, i.columns, i.unique, i.purpose, item.index_table)
        snippet = re.search(r"`(create\s[^`]*\bindex\b[^`]*)`", item.text, re.IGNORECASE)
        if snippet:
            spec = self._index_from_sql(snippet.group(1), item)
            if spec is not None:
                spec.purpose = _index_purpose(strip_code(item.text[: snippet.start()]))
                return spec
        return _index_spec(item.text)

    def _index_from_sql(self, sql: str, item: _Pending) -> _IndexSpec | None:
        read = self.report.code_readers.sql
        models, warnings = read(sql, first_line=item.line, file=self.report.file)
        self.report.warnings += warnings
        for model in models:
            for index in model.indexes:
                return _IndexSpec(index.name, index.columns, index.unique, "", model.table)
        return None

    def _index_model(
        self, spec: _IndexSpec, item: _Pending, registry: _Registry
    ) -> ParsedModel | None:
        model = registry.find(spec.table) or item.owner_model or registry.find_heading(item.hint)
        model = model or (registry.by_index_name(spec.name) if spec.name else None)
        model = model or item.fallback_model
        if model is None and spec.columns:
            model = registry.by_columns(spec.columns)
            if model is not None:
                self.warn(
                    item.line,
                    f"model “{model.name}”: index on ({spec.columns}) placed here, the only "
                    "model with those columns",
                )
        return model

    def _name_indexes(self, model: ParsedModel) -> None:
        for index in model.indexes:
            if not index.name:
                index.name = generated_index_name(model.table, index.columns)
                self.warn(index.line, f"model “{model.name}”: index name “{index.name}” generated")

    # -- completing each model -------------------------------------------------------------------

    def _complete(self, merged: _Merged, registry: _Registry) -> None:
        model = merged.model
        self._resolve_foreign_keys(merged, registry)
        for column in model.fields:
            if column.references:
                model.relationships.append(_reference_relationship(merged, column, registry))
        model.relationships = [
            r for r in model.relationships if _aim_relationship(model, r, registry)
        ]
        self._indexed_fields(merged)
        by_line = lambda item: item.line  # noqa: E731 - the order of the file
        model.relationships = _unique_relationships(sorted(model.relationships, key=by_line))
        model.indexes = _unique_indexes(sorted(model.indexes, key=by_line))
        self._name_indexes(model)
        model.constraints = _unique_items(sorted(model.constraints, key=by_line))
        model.migration_notes = _unique_items(sorted(model.migration_notes, key=by_line))
        guessed = [f.name for f in model.fields if f.name.lower() in merged.guessed_nullable]
        if guessed:
            self.warn(
                model.line,
                f"model “{model.name}”: nullability not stated for {', '.join(guessed)}; read "
                "as nullable (the SQL default)",
            )
        if merged.table_guessed:
            self.warn(model.line, f"model “{model.name}”: table name “{model.table}” guessed")

    def _resolve_foreign_keys(self, merged: _Merged, registry: _Registry) -> None:
        """Foreign keys written without table.column (`FK to User`, a bare `FOREIGN KEY`)."""
        model = merged.model
        for key, (line, word, _on_delete) in merged.fk_hints.items():
            column = next((f for f in model.fields if f.name.lower() == key), None)
            if column is None or column.references:
                continue
            target = registry.find(word or re.sub(r"_?id$", "", column.name, flags=re.I))
            if target is None:
                text = f"FK to {word}" if word else "FOREIGN KEY"
                column.other_constraints = ", ".join(filter(None, [column.other_constraints, text]))
                self.warn(
                    line,
                    f"model “{model.name}”: field “{column.name}”: the foreign key's target is not "
                    "a model of this file; kept as constraint text",
                )
                continue
            column.references = f"{target.table}.{_primary_key_name(target)}"
            self.warn(
                line,
                f"model “{model.name}”: field “{column.name}” references {column.references} "
                "(guessed)",
            )

    def _indexed_fields(self, merged: _Merged) -> None:
        model = merged.model
        for name, line in merged.indexed:
            if any(_columns_key(index.columns) == name.lower() for index in model.indexes):
                continue
            model.indexes.append(ParsedIndex(line, "", name))


def _unique_indexes(indexes: list[ParsedIndex]) -> list[ParsedIndex]:
    kept: dict[str, ParsedIndex] = {}
    for index in indexes:
        key = _columns_key(index.columns)
        first = kept.get(key)
        if first is None:
            kept[key] = index
            continue
        first.name = first.name or index.name
        first.unique |= index.unique
        first.purpose = first.purpose or index.purpose
    return list(kept.values())


def _aim_relationship(
    model: ParsedModel, relationship: ParsedRelationship, registry: _Registry
) -> bool:
    """Point a relationship at the merged models (a SQLModel class without __tablename__ calls
    its table `task`, the markdown `tasks`); False for the inverse side of a foreign key this
    model holds, which code guessed as a has one / has many."""
    r = relationship
    if r.kind == BELONGS_TO:
        fk = _field_named(model, r.fk_field)
        r.target_column = fk.references if fk and fk.references else r.target_column
        target = registry.find(r.target_column.split(".")[0])
        r.target = target.name if target else r.target
        return True
    target = registry.find(r.target)
    if r.kind not in (HAS_ONE, HAS_MANY) or target is None:
        return True
    r.target = target.name
    column = r.fk_field.rpartition(".")[2]
    if _field_named(target, column) is None:
        fk = _field_referencing(target, model.table)
        if fk is None and any(
            b.kind == BELONGS_TO and b.target == target.name for b in model.relationships
        ):
            return False
        column = fk.name if fk else column
    r.fk_field = f"{target.table}.{column}"
    return True


def _reference_relationship(
    merged: _Merged, column: ParsedField, registry: _Registry
) -> ParsedRelationship:
    table = column.references.split(".")[0]
    target = registry.find(table)
    name = target.name if target else _name_for_table(table)
    on_delete = merged.on_delete.get(column.name.lower(), "NO ACTION")
    return ParsedRelationship(
        column.line, BELONGS_TO, name, column.name, column.references, on_delete
    )


def _columns_of(model: ParsedModel, columns: str) -> bool:
    names = {f.name.lower() for f in model.fields}
    wanted = {word.lower() for word in re.findall(r"[^\W\d]\w*", columns)} - {"asc", "desc"}
    return wanted <= names


def _columns_from_index_name(name: str, model: ParsedModel) -> str:
    """`idx_tasks_user_id_completed` on tasks → "user_id, completed" (the fields it names)."""
    rest = re.sub(r"^(?:idx|ix|uq|uix|ux|unq|uniq|index|unique)_", "", name.lower())
    rest = rest.removeprefix(model.table.lower() + "_")
    fields = {f.name.lower(): f.name for f in model.fields}
    parts, found = rest.split("_"), []
    while parts:
        size = next((n for n in range(len(parts), 0, -1) if "_".join(parts[:n]) in fields), 0)
        if not size:
            return ""
        found.append(fields["_".join(parts[:size])])
        parts = parts[size:]
    return ", ".join(found)


def _columns_key(columns: str) -> str:
    return re.sub(r"\s+", "", strip_code(columns)).lower()


def _unique_relationships(relationships: list[ParsedRelationship]) -> list[ParsedRelationship]:
    kept: dict[tuple[str, str, str], ParsedRelationship] = {}
    for relationship in relationships:
        key = (relationship.kind, relationship.target.lower(), relationship.fk_field.lower())
        first = kept.get(key)
        if first is None:
            kept[key] = relationship
            continue
        if first.on_delete in ("", "NO ACTION") and relationship.on_delete:
            first.on_delete = relationship.on_delete
        first.target_column = first.target_column or relationship.target_column
        first.through_table = first.through_table or relationship.through_table
    return list(kept.values())


def _unique_items(items: list[ParsedItem]) -> list[ParsedItem]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.text.strip() not in seen:
            seen.add(item.text.strip())
            kept.append(item)
    return kept
