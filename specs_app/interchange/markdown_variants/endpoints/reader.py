"""Real-world REST endpoint specs → ParsedApi.

Reads the common variants of the template: method and path in a heading (any level, bare, in
backticks, numbered), a name heading with Method/Path labels, `Endpoint: GET /x`, `GET /x` as
a paragraph or a code block's first line, list items and summary tables that start with a
method and path; and the parts of an endpoint under labels or headings with their usual
synonyms, as lists, tables, JSON (with comments) or inline text.

Everything the format has no place for is kept as a business rule of its endpoint, or named in
a warning with its line. Warnings list what was skipped, guessed or normalised; errors (from
blocks.py) mean content would be lost, and make the importer refuse the file.
"""

import re

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Heading,
    ListItem,
    Paragraph,
    read_blocks,
)
from specs_app.interchange.markdown_variants.endpoints.headings import _read_block
from specs_app.interchange.markdown_variants.endpoints.labels import _METHOD_PATH, _close, _Reader
from specs_app.interchange.names import strip_code
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedApi, ParsedEndpoint, ParsedParameter


def parse_loose_api(text: str, *, file: str) -> tuple[ParsedApi, list[ImportNote], list]:
    """(api, warnings, errors) for a REST endpoints file in any common variant."""
    document = read_blocks(text, file)
    reader = _Reader(file, warnings=list(document.warnings))
    blocks = _take_title(document.blocks, reader)
    _take_overview(blocks, document.lines, reader)
    for block in blocks:
        _read_block(block, reader)
    _close(reader)
    _report_skipped(reader)
    endpoints = _merge_duplicates(reader.api.endpoints, reader)
    for endpoint in endpoints:
        _complete(endpoint, reader)
    reader.api.endpoints = endpoints
    return reader.api, reader.warnings, list(document.errors)


def _take_title(blocks: list[Block], reader: _Reader) -> list[Block]:
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        reader.api.title = blocks[0].text
        return blocks[1:]
    return blocks


def _take_overview(blocks: list[Block], lines: list[str], reader: _Reader) -> None:
    """The prose before the first heading is the overview, as written; a table, code block or
    endpoint line there ends it and is read like any other block."""
    taken = 0
    while taken < len(blocks) and _is_prose(blocks[taken]):
        taken += 1
    if not taken:
        return
    start, end = blocks[0].line, blocks[taken].line if taken < len(blocks) else len(lines) + 1
    overview = "\n".join(lines[start - 1 : end - 1]).strip()
    if overview:
        reader.api.overview = overview
        reader.api.overview_line = start
    del blocks[:taken]


def _is_prose(block: Block) -> bool:
    if not isinstance(block, (Paragraph, ListItem)):
        return False
    return _METHOD_PATH.match(strip_code(block.text)) is None


def _report_skipped(reader: _Reader) -> None:
    for heading_line, lines in reader.skipped.items():
        title = reader.skipped_titles[heading_line]
        where = f"section “{title}”" if title else "text outside any section"
        line = heading_line or lines[0]
        reader.warn(
            line, f"{where} (lines {lines[0]}-{lines[-1]}) is not an endpoint; not imported"
        )


# ---------------------------------------------------------------------------------------------
# After reading


def _merge_duplicates(endpoints: list[ParsedEndpoint], reader: _Reader) -> list[ParsedEndpoint]:
    """An endpoint described twice (a summary table, then its section) is one endpoint."""
    kept: dict[tuple[str, str], ParsedEndpoint] = {}
    result = []
    for endpoint in endpoints:
        if not endpoint.method or not endpoint.path:
            reader.warn(
                endpoint.line,
                f"“{endpoint.name}” has no method and path; not imported as an endpoint",
            )
            continue
        key = (endpoint.method, endpoint.path)
        first = kept.get(key)
        if first is None:
            kept[key] = endpoint
            result.append(endpoint)
            continue
        reader.warn(
            endpoint.line,
            f"{endpoint.method} {endpoint.path} appears again; merged into the endpoint on "
            f"line {first.line}",
        )
        _merge_into(first, endpoint)
    return result


def _merge_into(first: ParsedEndpoint, other: ParsedEndpoint) -> None:
    if not first.name and other.name:
        first.name = other.name
    for attribute in ("authentication", "user_ownership", "success_status"):
        if not getattr(first, attribute) and getattr(other, attribute):
            setattr(first, attribute, getattr(other, attribute))
            first.lines[attribute] = other.lines.get(attribute, other.line)
    _extend_new(first.parameters, other.parameters, lambda p: (p.location, p.name))
    _extend_new(first.body_fields, other.body_fields, lambda f: (f.part, f.name))
    _extend_new(first.errors, other.errors, lambda e: e.status_code)
    _extend_new(first.business_rules, other.business_rules, lambda r: r.text)
    _extend_new(first.test_cases, other.test_cases, lambda t: t.text)


def _extend_new(items: list, more: list, key) -> None:
    seen = {key(item) for item in items}
    for item in more:
        if key(item) not in seen:
            items.append(item)
            seen.add(key(item))


def _complete(endpoint: ParsedEndpoint, reader: _Reader) -> None:
    """Fill what the format requires and the file left out, saying so."""
    label = f"{endpoint.method} {endpoint.path}"
    if not endpoint.name:
        endpoint.name = label
        reader.warn(endpoint.line, f"endpoint {label}: no name given; named “{label}”")
    if not endpoint.authentication:
        endpoint.authentication = "Required"
        reader.warn(endpoint.line, f"endpoint {label}: authentication not stated; Required assumed")
    if endpoint.success_status is None:
        endpoint.success_status = 201 if endpoint.method == "POST" else 200
        reader.warn(
            endpoint.line,
            f"endpoint {label}: success status not stated; {endpoint.success_status} assumed",
        )
    _dedupe_children(endpoint, reader)
    _path_parameters_from_path(endpoint, reader)


def _dedupe_children(endpoint: ParsedEndpoint, reader: _Reader) -> None:
    for attribute, key in (
        ("parameters", lambda p: (p.location, p.name)),
        ("body_fields", lambda f: (f.part, f.name)),
        ("errors", lambda e: (e.status_code, e.description)),
    ):
        unique: dict = {}
        for item in getattr(endpoint, attribute):
            if key(item) in unique:
                reader.warn(item.line, f"endpoint “{endpoint.name}”: repeated {key(item)} skipped")
            else:
                unique[key(item)] = item
        setattr(endpoint, attribute, list(unique.values()))


def _path_parameters_from_path(endpoint: ParsedEndpoint, reader: _Reader) -> None:
    declared = {p.name for p in endpoint.parameters if p.location == "path"}
    for name in re.findall(r"\{([^{}/]+)\}|(?<=/):(\w+)", endpoint.path):
        name = next(part for part in name if part)
        if name in declared:
            continue
        line = endpoint.lines.get("path", endpoint.line)
        endpoint.parameters.append(ParsedParameter(line, "path", name, "string", True))
        reader.warn(line, f"endpoint “{endpoint.name}”: path parameter “{name}” read from the path")
        declared.add(name)
