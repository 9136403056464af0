"""Blocks that open, mark or list endpoints: headings, `GET /path` lines, summary tables."""

import re

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Fence,
    Heading,
    ListItem,
    Paragraph,
    Table,
)
from specs_app.interchange.markdown_variants.endpoints.labels import (
    _LABEL,
    _METHOD_PATH,
    _NUMBERING,
    ENDPOINT,
    METHOD,
    METHODS,
    PATH,
    _clean_path,
    _close,
    _Open,
    _Reader,
    _skip,
    part_of,
)
from specs_app.interchange.markdown_variants.endpoints.parts import _read_content, _set_part
from specs_app.interchange.markdown_variants.values import (
    column_index,
)
from specs_app.interchange.names import strip_code
from specs_app.interchange.records import (
    ParsedEndpoint,
    ParsedItem,
    ParsedParameter,
)

# ---------------------------------------------------------------------------------------------
# Blocks


def _read_block(block: Block, reader: _Reader) -> None:
    if isinstance(block, Heading):
        _read_heading(block, reader)
    elif not _starts_endpoint(block, reader):
        if reader.current is None:
            _skip(block, reader)
            return
        if not isinstance(block, Paragraph):
            reader.pending = None  # content, not a description: the sub-heading was a part
        _read_content(block, reader)


def _read_heading(heading: Heading, reader: _Reader) -> None:
    found = _METHOD_PATH.search(strip_code(heading.text))
    current = reader.current
    if not (current and current.from_heading and heading.level > current.level):
        reader.section, reader.named_by_section = heading, None
    if found:
        _close(reader)
        name = _name_beside(heading.text, found)
        opened = _open(reader, heading.line, found, name, level=heading.level)
        opened.method_in_heading = True
        return
    if current and current.from_heading and heading.level > current.level:
        _set_part(current, heading.text, heading.line, "", reader)
        # A sub-heading that is not a part may name an endpoint of its own (`### Empty the
        # cart` then a request line), or be a part the format lacks; what follows tells.
        reader.pending = heading if part_of(heading.text)[0] is None else None
        return
    _close(reader)
    reader.pending = heading


def _name_beside(text: str, found: re.Match) -> str:
    """What a heading says besides its method and path: `Create task` in `2. Create task: POST
    /tasks`."""
    plain = strip_code(text)
    rest = (plain[: found.start()] + " " + plain[found.end() :]).strip()
    rest = _NUMBERING.sub("", rest)
    rest = re.sub(r"^(?:endpoint|route)\s*:?\s*", "", rest, flags=re.IGNORECASE)
    return rest.strip(" -–—:|()[]").strip()


def _open(reader: _Reader, line: int, found: re.Match, name: str, *, level: int) -> _Open:
    method, path = found["method"], _clean_path(found["path"])
    endpoint = ParsedEndpoint(line, name, method=method, path=path, lines={"name": line})
    endpoint.lines.update(method=line, path=line)
    reader.current = _Open(endpoint, level, from_heading=level > 0)
    reader.api.endpoints.append(endpoint)
    reader.pending = None
    return reader.current


def _starts_endpoint(block: Block, reader: _Reader) -> bool:
    """Is `block` a marker of a new endpoint (and was it read as one)?"""
    if reader.current is not None and reader.current.method_in_heading and reader.pending is None:
        return False
    if isinstance(block, Table):
        return _summary_table(block, reader)
    if isinstance(block, Fence):
        first = next((text.strip() for _, text in block.lines if text.strip()), "")
        found = _METHOD_PATH.match(first)
        if found is None or block.lang in ("json", "javascript", "js"):
            return False
        if reader.current is not None and reader.current.endpoint.method and not reader.pending:
            return False
        _marker(block.line, found, "", reader)
        _headers_after_request_line(block, reader)
        return True
    text = _without_item_id(strip_code(block.text)) if isinstance(block, ListItem) else None
    text = text or strip_code(block.text)
    found = _METHOD_PATH.match(text)
    if found:
        rest = text[found.end() :].strip(" :-–—")
        if isinstance(block, ListItem) and not _expects_endpoint_list(reader):
            return False
        return _marker(block.line, found, rest, reader, list_item=isinstance(block, ListItem))
    label = _LABEL.match(text)
    if label and part_of(label["label"])[0] in (ENDPOINT, PATH):
        found = _METHOD_PATH.search(label["value"])
        if found:
            return _marker(block.line, found, "", reader)
    if label and part_of(label["label"])[0] == METHOD and reader.current is None:
        return _method_label(block.line, label["value"], reader)
    return False


def _without_item_id(text: str) -> str | None:
    """`FR-002: GET /api/tasks …` → `GET /api/tasks …`: a short identifier before the method."""
    labelled = re.match(r"^[\w.-]{1,12}\s*:\s*(?=(?:" + "|".join(METHODS) + r")\s)", text)
    return text[labelled.end() :] if labelled else None


def _headers_after_request_line(fence: Fence, reader: _Reader) -> None:
    """The `Name: value` lines after `POST /path` in a code block are request headers."""
    lines = [(n, text.strip()) for n, text in fence.lines if text.strip()][1:]
    for line, text in lines:
        if not re.match(r"^[A-Za-z][\w-]*: \S", text):
            break
        name, value = text.split(": ", 1)
        parameter = ParsedParameter(line, "header", name, "string", True, "", value)
        reader.current.endpoint.parameters.append(parameter)


def _expects_endpoint_list(reader: _Reader) -> bool:
    """A list item starting with a method and path is an endpoint unless it sits in a part of
    an endpoint that lists other things."""
    current = reader.current
    return current is None or current.part is None or not current.from_heading


def _marker(line: int, found: re.Match, rest: str, reader: _Reader, list_item=False) -> bool:
    current = reader.current
    if current and current.from_heading and not current.endpoint.method:
        endpoint = current.endpoint
        endpoint.method, endpoint.path = found["method"], _clean_path(found["path"])
        endpoint.lines.update(method=line, path=line)
        return True
    if reader.pending is not None and not list_item:
        heading = reader.pending
        opened = _open(reader, heading.line, found, heading.text, level=heading.level)
        opened.endpoint.lines.update(method=line, path=line)
        reader.named_by_section = opened.endpoint
        return True
    _close(reader)
    if reader.named_by_section is not None and not list_item:
        # A second endpoint under the same heading: the heading names a group, not each one.
        reader.named_by_section.name = ""
        reader.named_by_section = None
    section_level = reader.section.level if reader.section and not list_item else 0
    opened = _open(reader, line, found, "", level=section_level)
    opened.from_heading = section_level > 0
    if rest:
        opened.endpoint.business_rules.append(ParsedItem(line, rest))
    return True


def _method_label(line: int, value: str, reader: _Reader) -> bool:
    """`Method: GET` under a name heading opens that heading's endpoint; its path follows."""
    method = strip_code(value).upper().split()[0] if value.strip() else ""
    if method not in METHODS or reader.pending is None:
        return False
    heading = reader.pending
    endpoint = ParsedEndpoint(heading.line, heading.text, method=method, lines={"name": line})
    endpoint.lines["method"] = line
    reader.current = _Open(endpoint, heading.level)
    reader.api.endpoints.append(endpoint)
    reader.pending = None
    return True


def _summary_table(table: Table, reader: _Reader) -> bool:
    """A table whose rows name a method and a path lists endpoints."""
    found_any = False
    description = column_index(table.header, ("description", "purpose", "summary", "notes"))
    for line, cells in table.rows:
        found = _method_path_in_cells(cells)
        if found is None:
            continue
        found_any = True
        _close(reader)
        opened = _open(reader, line, found, "", level=0)
        opened.from_heading = False
        if description is not None and description < len(cells) and cells[description]:
            opened.endpoint.business_rules.append(ParsedItem(line, cells[description]))
    if found_any:
        _close(reader)
    return found_any


def _method_path_in_cells(cells: list[str]) -> re.Match | None:
    plain = [strip_code(cell) for cell in cells]
    for cell in plain:
        found = _METHOD_PATH.match(cell)
        if found:
            return found
    methods = [cell.upper() for cell in plain if cell.upper() in METHODS]
    paths = [cell for cell in plain if cell.startswith("/")]
    if methods and paths:
        return _METHOD_PATH.match(f"{methods[0]} {paths[0].split()[0]}")
    return None
