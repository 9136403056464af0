"""The markdown schema document reader: sections → sources and part lines, then merged models."""

import re
from collections.abc import Iterator
from dataclasses import replace

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Fence,
    Heading,
    ListItem,
    Paragraph,
    Table,
)
from specs_app.interchange.markdown_variants.schema.assembly import _Assembler
from specs_app.interchange.markdown_variants.schema.code_blocks import (
    _CREATE_TABLE,
    _NOT_READ,
    _OTHER_STATEMENT,
    _add_field,
    _code_origin,
    _code_source_keys,
    _combined_index_blocks,
    _continues,
    _lost_code,
    _row_text,
    complete_sql_statements,
)
from specs_app.interchange.markdown_variants.schema.fields import (
    _field_from_item,
    _field_from_row,
    _FieldLine,
    _raw_cells,
)
from specs_app.interchange.markdown_variants.schema.part_lines import (
    _attach_detail,
    _column_list,
    _combined_index_items,
    _labelled,
)
from specs_app.interchange.markdown_variants.schema.parts import (
    _CONTROL,
    _FIELD_LOOKUP,
    _GROUPING_WORDS,
    _INDEX_LOOKUP,
    _NAME_DERIVED,
    _TABLE_LABEL,
    _TEXT_LANGS,
    BODY,
    FIELDS,
    INDEXES,
    NOTES,
    OWNERSHIP,
    RELATIONSHIPS,
    TABLE,
    TOP_LEVEL_PARTS,
    _block_end,
    _header_kinds,
    _heading_kind,
    _heading_name,
    _is_field_table,
    _is_index_table,
    _is_name,
    _is_none,
    _is_overview_title,
    _name_for_table,
    _normal_label,
    _Section,
    _sections,
)
from specs_app.interchange.markdown_variants.schema.sources import (
    _Code,
    _code_source,
    _Draft,
    _Pending,
    _Report,
    _Source,
)
from specs_app.interchange.names import strip_code
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedIndex, ParsedModel, ParsedSchema
from specs_app.models.validators import normalize_overview


class _Reader:
    def __init__(self, report: _Report, lines: list[str], sources: list[_Source] | None = None):
        self.report = report
        self.lines = lines
        self.schema = ParsedSchema()
        self.sources: list[_Source] = list(sources or [])
        self.pending: list[_Pending] = []
        self.codes: dict[int, _Code | None] = {}
        self.drafts: dict[int, _Draft | None] = {}
        self.parents: dict[int, _Section] = {}
        self.skip_reasons: dict[int, str] = {}
        self.overview: list[tuple[int, int]] = []  # line ranges
        self.overview_skip: set[int] = set()  # heading and code lines inside those ranges

    def warn(self, line: int, message: str) -> None:
        self.report.warn(line, message)

    def finish(self) -> ParsedSchema:
        assembler = _Assembler(self.report, self.schema)
        assembler.assemble(self.sources, self.pending)
        self.schema.overview, self.schema.overview_line = self._overview_text()
        return self.schema

    # -- document structure --------------------------------------------------------------------

    def read(self, blocks: list[Block]) -> None:
        if isinstance(blocks[0], Heading) and blocks[0].level == 1:
            self.schema.title = f"# {blocks[0].text}"
            self.overview_skip.add(blocks[0].line)
            blocks = blocks[1:]
        preamble, roots = _sections(blocks)
        self._note_parents(roots, None)
        self._take_overview_blocks(preamble)
        self._visit_all(roots)

    def _note_parents(self, sections: list[_Section], parent: _Section | None) -> None:
        for section in sections:
            if parent is not None:
                self.parents[id(section)] = parent
            self._note_parents(section.children, section)

    def _visit_all(self, sections: list[_Section]) -> None:
        previous = None
        for section in sections:
            previous = self._visit(section, previous)

    def _visit(self, section: _Section, previous: _Draft | None) -> _Draft | None:
        """Read a section; returns its draft when it is a model. A part section right after a
        model (`### tasks` then `### Indexes`) falls back to that model for lines naming none."""
        kind = _heading_kind(section)
        if kind in TOP_LEVEL_PARTS:
            self._read_top_part(section, kind, previous.head if previous else None)
            return previous  # the next part section follows the same model
        if _is_overview_title(section.title):
            self._take_overview_section(section)
            return None
        draft = self._draft(section)
        if draft is not None:
            self._commit(draft)
            self._visit_all(draft.model_children)
            return draft
        self._skip(section)
        self._visit_all(section.children)
        return None

    def _skip(self, section: _Section) -> None:
        content = [block for block in section.blocks if not self._is_model_code(block)]
        reason = self.skip_reasons.get(id(section))
        if not content and not reason:
            return
        start = section.heading.line
        end = max([_block_end(block) for block in content] or [start])
        reason = reason or "not a model or a part of one"
        self.warn(start, f"section “{section.title}” (lines {start}-{end}) skipped: {reason}")

    def _is_model_code(self, block: Block) -> bool:
        if not isinstance(block, Fence):
            return False
        code = self._code(block, model_context=False)
        return code is not None and bool(code.models)

    # -- overview --------------------------------------------------------------------------------

    def _take_overview_blocks(self, blocks: list[Block]) -> None:
        kept = [block for block in blocks if not self._is_model_code(block)]
        for block in blocks:
            if block not in kept:
                self.overview_skip.update(range(block.line, _block_end(block) + 1))
        if kept:
            self.overview.append((kept[0].line, max(_block_end(block) for block in kept)))

    def _overview_text(self) -> tuple[str, int]:
        kept: list[tuple[int, str]] = []
        for start, end in self.overview:
            kept.append((0, ""))  # a blank line between the parts taken
            for number in range(start, end + 1):
                if number not in self.overview_skip and number <= len(self.lines):
                    kept.append((number, _CONTROL.sub("", self.lines[number - 1])))
        headings = [number for number, text in kept if text.lstrip().startswith("#")]
        if headings:
            lines = ", ".join(map(str, headings))
            self.warn(headings[0], f"overview: lines starting with # left out (lines {lines})")
        text = normalize_overview("\n".join(t for n, t in kept if n not in headings))
        first = next((number for number, t in kept if t.strip() and number not in headings), 0)
        return text, first if text else 0

    def _take_overview_section(self, section: _Section) -> None:
        self.overview_skip.add(section.heading.line)
        self._take_overview_blocks(section.blocks)
        for child in section.children:
            self._take_overview_section(child)

    # -- model sections --------------------------------------------------------------------------

    def _draft(self, section: _Section) -> _Draft | None:
        key = id(section)
        if key not in self.drafts:
            self.drafts[key] = None  # a section is never a part of itself
            self.drafts[key] = self._read_draft(section)
        return self.drafts[key]

    def _read_draft(self, section: _Section) -> _Draft | None:
        if _heading_kind(section) or _is_overview_title(section.title):
            return None
        names = _heading_name(section.title)
        if names is None:
            return None
        parent = self.parents.get(id(section))
        names.suggests |= bool(parent and _GROUPING_WORDS.search(parent.title))
        line = section.heading.line
        model = ParsedModel(line, names.name, names.table, lines={"name": line})
        head = _Source(model, "section", line, names.name_rank, names.table_rank)
        draft = _Draft(section, names, head)
        self._read_items(list(self._part_stream(section, BODY, draft)), draft)
        if draft.has_fields() or draft.code_keys & head.keys:
            return draft
        if names.suggests and draft.has_parts():
            return draft
        if names.suggests:
            self.skip_reasons[id(section)] = (
                "it reads as a model but has no fields, SQL or SQLModel"
            )
        return None

    def _part_stream(
        self, section: _Section, base: str, draft: _Draft
    ) -> Iterator[tuple[Block, str]]:
        yield from _labelled(self._joined(section.blocks), base)
        for child in section.children:
            kind = _heading_kind(child)
            if kind is None and self._draft(child) is not None:
                draft.model_children.append(child)
                continue
            child_kind = kind or (NOTES if base == BODY else base)
            yield child.heading, child_kind
            yield from self._part_stream(child, child_kind, draft)

    def _joined(self, blocks: list[Block]) -> list[Block]:
        """Paragraph lines joined to the list item or paragraph they continue (blocks.py reads
        each line on its own)."""
        joined: list[Block] = []
        end = 0
        for block in blocks:
            last = joined[-1] if joined else None
            if isinstance(block, Paragraph) and block.line == end + 1 and _continues(last, block):
                joined[-1] = replace(last, text=f"{last.text} {block.text}")
            else:
                joined.append(block)
            end = _block_end(block)
        return joined

    def _commit(self, draft: _Draft) -> None:
        head = draft.head
        for source in draft.field_sources:
            source.model.name, source.model.table = head.model.name, head.model.table
            source.name_rank, source.table_rank = head.name_rank, head.table_rank
        self.sources += [head, *draft.field_sources]
        self.pending += draft.pending
        for line, message in draft.warnings:
            self.warn(line, message)

    def _read_items(self, items: list[tuple[Block, str]], draft: _Draft) -> None:
        index = 0
        while index < len(items):
            block, kind = items[index]
            if not isinstance(block, ListItem):
                self._read_block(block, kind, draft)
                index += 1
                continue
            end = index + 1
            while (
                end < len(items) and isinstance(items[end][0], ListItem) and items[end][1] == kind
            ):
                end += 1
            self._read_list([item for item, _ in items[index:end]], kind, draft)  # type: ignore[misc]
            index = end

    def _read_block(self, block: Block, kind: str, draft: _Draft) -> None:
        if isinstance(block, Heading):
            if kind == RELATIONSHIPS:
                draft.pending.append(
                    _Pending(kind, block.line, block.text, draft.head, title_only=True)
                )
        elif isinstance(block, Table):
            self._read_table(block, kind, draft)
        elif isinstance(block, Fence):
            self._read_fence(block, draft)
        elif kind == FIELDS and (parsed := _field_from_item(block.text, block.line, lenient=False)):
            _add_field(self._field_source(draft, "list", block.line), parsed, draft)
        else:
            self._read_text(block.line, block.text, kind, draft)

    def _read_text(self, line: int, text: str, kind: str, draft: _Draft) -> None:
        if _is_none(text):
            return
        if kind == TABLE:
            self._set_table(draft, line, text)
        elif kind == OWNERSHIP:
            model = draft.head.model
            model.ownership = " ".join(filter(None, [model.ownership, text]))
            model.lines.setdefault("ownership", line)
        else:
            part = NOTES if kind in (BODY, FIELDS) else kind
            draft.pending.append(_Pending(part, line, text, draft.head))

    def _set_table(self, draft: _Draft, line: int, text: str) -> None:
        code = re.search(r"`([^`]+)`", text)
        match = re.match(r"[^\W\d][\w.]*", code.group(1) if code else strip_code(text))
        if match is None:
            self._read_text(line, text, NOTES, draft)
            return
        head = draft.head
        head.model.table, head.table_rank = match.group(), _TABLE_LABEL
        head.model.lines["table"] = line
        if head.name_rank == _NAME_DERIVED:
            head.model.name = _name_for_table(match.group())

    def _read_list(self, items: list[ListItem], kind: str, draft: _Draft) -> None:
        if kind in (BODY, FIELDS):
            self._read_field_list(items, kind, draft)
            return
        for item in _combined_index_items(items) if kind == INDEXES else items:
            self._read_text(item.line, item.text, kind, draft)

    def _read_field_list(self, items: list[ListItem], kind: str, draft: _Draft) -> None:
        top = min(item.indent for item in items)
        tops = [item for item in items if item.indent == top]
        lenient = kind == FIELDS
        fields = [_field_from_item(item.text, item.line, lenient=lenient) for item in tops]
        if not lenient and sum(1 for parsed in fields if parsed) * 2 <= len(tops):
            for item in items:
                self._read_text(item.line, item.text, NOTES, draft)
            return
        source = self._field_source(draft, "list", tops[0].line)
        parsed_by_line = {item.line: parsed for item, parsed in zip(tops, fields, strict=True)}
        current: _FieldLine | None = None
        for item in items:
            if item.indent > top and current is not None:
                _attach_detail(current.field, item.text)
                continue
            current = parsed_by_line.get(item.line)
            if current is None:
                self._read_text(item.line, item.text, NOTES, draft)
            else:
                _add_field(source, current, draft)

    def _field_source(self, draft: _Draft, origin: str, line: int) -> _Source:
        source = _Source(ParsedModel(line, "", ""), origin, line)
        draft.field_sources.append(source)
        return source

    # -- tables ----------------------------------------------------------------------------------

    def _read_table(self, table: Table, kind: str, draft: _Draft) -> None:
        if _is_index_table(table, kind == INDEXES) and not _is_field_table(table):
            draft.pending += self._index_rows(table, draft.head, None, "")
        elif _is_field_table(table):
            self._read_field_table(table, draft)
        else:
            for line, cells in table.rows:
                self._read_text(line, _row_text(table.header, cells), NOTES, draft)

    def _read_field_table(self, table: Table, draft: _Draft) -> None:
        kinds = _header_kinds(table.header, _FIELD_LOOKUP)
        unknown = [strip_code(h) for h, k in zip(table.header, kinds, strict=True) if not k]
        if any(unknown):
            columns = ", ".join(f"“{name}”" for name in unknown if name)
            draft.warn(
                table.line,
                f"{draft.where}: the fields table's column(s) {columns} have no place in the "
                "format; their text was added to the field descriptions",
            )
        source = self._field_source(draft, "table", table.line)
        for line, cells in table.rows:
            if not any(cell.strip() for cell in cells):
                continue
            raw = _raw_cells(self.lines[line - 1]) if line <= len(self.lines) else cells
            parsed = _field_from_row(cells, raw, table.header, kinds, line)
            if parsed is None:
                draft.warn(line, f"{draft.where}: a fields table row without a field name")
                self._read_text(line, _row_text(table.header, cells), NOTES, draft)
            else:
                _add_field(source, parsed, draft)

    def _index_rows(
        self, table: Table, owner: _Source | None, section: _Section | None, hint: str
    ) -> list[_Pending]:
        kinds = _header_kinds(table.header, _INDEX_LOOKUP)
        pending = []
        for line, cells in table.rows:
            values = {k: strip_code(c) for k, c in zip(kinds, cells, strict=False) if k}
            text = _row_text(table.header, cells)
            if re.search(r"primary|foreign", values.get("type", ""), re.IGNORECASE):
                self.warn(line, f"index table row skipped (a key, not an index): {text!r}")
                continue
            name = values.get("name", "")
            index = ParsedIndex(
                line,
                name if _is_name(name) else "",
                _column_list(values.get("columns", "").strip("() ")),
                unique="unique" in (values.get("type", "") + " " + name).lower(),
                purpose=values.get("purpose", ""),
            )
            table_name = values.get("table", "")
            item = _Pending(INDEXES, line, text, owner, hint, index, table_name, section=section)
            pending.append(item)
        return pending

    # -- code blocks -----------------------------------------------------------------------------

    def _read_fence(self, fence: Fence, draft: _Draft) -> None:
        code = self._code(fence, model_context=draft.names.suggests)
        if code is not None and code.models:
            draft.code_keys |= {k for model in code.models for k in _code_source_keys(model)}
            return
        if code is None and self._read_pseudo_fields(fence, draft):
            return
        end = _block_end(fence)
        what = "defines no table" if code is not None else "is not SQL or SQLModel"
        draft.warn(
            fence.line, f"{draft.where}: code block (lines {fence.line}-{end}) {what}; skipped"
        )

    def _read_pseudo_fields(self, fence: Fence, draft: _Draft) -> bool:
        """An unlabelled block of `name: type — constraints` lines (pseudo-code) as a field list."""
        if fence.lang not in _TEXT_LANGS:
            return False
        lines = [(number, text.strip()) for number, text in fence.lines if text.strip()]
        classes = [text for _, text in lines if text.startswith("class ")]
        if any("table=True" not in text for text in classes):
            return False
        rows = [(number, text) for number, text in lines if not text.startswith("class ")]
        parsed = [_field_from_item(text, number, lenient=False) for number, text in rows]
        if not rows or sum(1 for p in parsed if p) * 2 <= len(rows):
            return False
        source = self._field_source(draft, "code block", fence.line)
        for (number, text), field_line in zip(rows, parsed, strict=True):
            if field_line is None:
                self._read_text(number, text, NOTES, draft)
            else:
                _add_field(source, field_line, draft)
        return True

    def _code(self, fence: Fence, *, model_context: bool) -> _Code | None:
        key = id(fence)
        if key not in self.codes:
            self.codes[key] = self._read_code(fence, model_context)
        return self.codes[key]

    def _read_code(self, fence: Fence, model_context: bool) -> _Code | None:
        origin = _code_origin(fence, model_context)
        if origin is None:
            return None
        readers = self.report.code_readers
        read = readers.sql if origin == "SQL" else readers.sqlmodel
        code = self._code_as_written(fence)
        if origin == "SQL":
            code = self._completed_sql(code, fence)
        models, warnings = read(code, first_line=fence.lines[0][0], file=self.report.file)
        for warning in warnings:
            if self._loses_models(warning, origin, model_context):
                self.report.error(warning.line, _lost_code(warning.message))
            else:
                self.report.warnings.append(warning)
        self.sources += [_code_source(model, origin) for model in models]
        return _Code(fence, origin, models)

    def _code_as_written(self, fence: Fence) -> str:
        """The code of a fence from the original lines (the blocks were read with ASCII arrows),
        without the fence's own indentation, as blocks.py removes it."""
        opening = self.lines[fence.line - 1] if fence.line <= len(self.lines) else ""
        indent = len(opening) - len(opening.lstrip())
        lines = []
        for number, text in fence.lines:
            raw = self.lines[number - 1] if number <= len(self.lines) else text
            lines.append(raw[indent:] if raw[:indent].isspace() else raw)
        return "\n".join(lines)

    def _completed_sql(self, code: str, fence: Fence) -> str:
        """Table definitions written as `users ( … )` without CREATE TABLE, and `IX_x ON t (c)`
        lines under an `Indexes:` label, completed into statements line for line (so line
        numbers still match) for sqlglot to read."""
        completed = complete_sql_statements(code)
        if completed != code:
            self.report.warn(
                fence.line,
                "SQL without CREATE TABLE / CREATE INDEX keywords or semicolons: read as "
                "CREATE TABLE and CREATE INDEX statements",
            )
        return completed

    def _loses_models(self, warning: ImportNote, origin: str, model_context: bool) -> bool:
        """True for code that could not be read where it would define models: an error, since
        the importer would otherwise drop those models without a word."""
        if not _NOT_READ.search(warning.message):
            return False
        if origin == "SQLModel":
            return True
        statement = self.lines[warning.line - 1].strip() if warning.line <= len(self.lines) else ""
        if _CREATE_TABLE.match(statement):
            return True
        return model_context and not _OTHER_STATEMENT.match(statement)

    # -- top-level parts -------------------------------------------------------------------------

    def _read_top_part(self, section: _Section, kind: str, after: _Source | None) -> None:
        start = len(self.pending)
        for block, part, hint in self._top_stream(section, kind, ""):
            if isinstance(block, Heading):
                if part == RELATIONSHIPS:
                    self.pending.append(
                        _Pending(part, block.line, block.text, None, hint, title_only=True)
                    )
            elif isinstance(block, Table):
                self._read_top_table(block, part, section, hint)
            elif isinstance(block, Fence):
                self._read_top_fence(block, section)
            elif isinstance(block, ListItem | Paragraph) and not _is_none(block.text):
                self.pending.append(
                    _Pending(part, block.line, block.text, None, hint, section=section)
                )
        for item in self.pending[start:]:
            item.fallback = after

    def _top_stream(
        self, section: _Section, kind: str, hint: str
    ) -> Iterator[tuple[Block, str, str]]:
        blocks = list(_labelled(self._joined(section.blocks), kind, top_level=True))
        if kind == INDEXES:
            blocks = _combined_index_blocks(blocks)
        for block, part in blocks:
            yield block, part, hint
        for child in section.children:
            child_kind = _heading_kind(child)
            child_hint = hint if child_kind else child.title
            child_kind = child_kind if child_kind in TOP_LEVEL_PARTS else kind
            yield child.heading, child_kind, child_hint
            yield from self._top_stream(child, child_kind, child_hint)

    def _read_top_table(self, table: Table, kind: str, section: _Section, hint: str) -> None:
        if kind == INDEXES and _is_index_table(table, True):
            self.pending += self._index_rows(table, None, section, hint)
            return
        named = [i for i, cell in enumerate(table.header) if _normal_label(cell) == "table"]
        for line, cells in table.rows:
            text = _row_text(table.header, cells)
            row_hint = cells[named[0]] if named and named[0] < len(cells) else hint
            self.pending.append(_Pending(kind, line, text, None, row_hint, section=section))

    def _read_top_fence(self, fence: Fence, section: _Section) -> None:
        code = self._code(fence, model_context=False)
        if code is None or not code.models:
            end = _block_end(fence)
            self.warn(
                fence.line,
                f"“{section.title}”: code block (lines {fence.line}-{end}) skipped: it defines "
                "no table",
            )
