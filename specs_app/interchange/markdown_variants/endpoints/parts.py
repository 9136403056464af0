"""Parts of an endpoint: labelled lines and the blocks under a part (parameters, body, status)."""

import re

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Fence,
    ListItem,
    Paragraph,
    Table,
)
from specs_app.interchange.markdown_variants.endpoints.labels import (
    _CHECKBOX,
    _KEEP_LABELLED,
    _LABEL,
    _LEADING_STATUS,
    _METHOD_PATH,
    _PARAMETER_PARTS,
    _SYNONYMS,
    AUTH,
    BODY,
    ENDPOINT,
    ERRORS,
    METHOD,
    METHODS,
    MODEL,
    OWNERSHIP,
    PARAMS,
    PATH,
    REQUEST,
    REQUEST_BODY,
    RESPONSE,
    RULES,
    STATUS_CODES,
    TESTS,
    _clean_path,
    _close,
    _Open,
    _Reader,
    _skip,
    part_of,
)
from specs_app.interchange.markdown_variants.values import (
    body_fields_from_fence,
    body_fields_from_items,
    body_fields_from_table,
    column_index,
    parameter_from_text,
    parameters_from_table,
    status_codes_in,
)
from specs_app.interchange.names import strip_code
from specs_app.interchange.records import (
    ParsedEndpoint,
    ParsedError,
    ParsedItem,
    ParsedTestCase,
)

# ---------------------------------------------------------------------------------------------
# Parts of an endpoint


def _read_content(block: Block, reader: _Reader) -> None:
    current = reader.current
    if not current.from_heading and not isinstance(block, Fence):
        # A list item or table row endpoint owns only the code block right under it.
        _close(reader)
        _skip(block, reader)
        return
    if isinstance(block, (Paragraph, ListItem)) and _label_line(block, current, reader):
        return
    _read_into_part(block, current, reader)


def _label_line(block: Paragraph | ListItem, current: _Open, reader: _Reader) -> bool:
    """`Label: value` starting a part: sets the part and reads its inline value."""
    checkbox = _CHECKBOX.match(block.text)
    if checkbox:
        return False
    label = _LABEL.match(block.text)
    kind, code = part_of(label["label"]) if label else part_of(block.text)
    if kind is None and not (label and isinstance(block, Paragraph) and _looks_like_label(label)):
        return False
    value = label["value"].strip() if label else ""
    if current.part in _PARAMETER_PARTS and isinstance(block, ListItem) and _is_parameter(block):
        return False
    _set_part(current, label["label"] if label else block.text, block.line, value, reader, code)
    return True


def _looks_like_label(label: re.Match) -> bool:
    """`Caching: 60 seconds` on a line of its own starts a part the format does not have."""
    words = label["label"].split()
    return len(words) <= 4 and words[0][:1].isupper() and "`" not in label["label"]


def _is_parameter(item: ListItem) -> bool:
    """`- \\`status\\`: …` under a parameters label is a parameter, even when its name happens
    to be a label such as `status`."""
    return item.text.startswith("`")


def _set_part(
    current: _Open, label: str, line: int, value: str, reader: _Reader, code: int | None = None
) -> None:
    kind, label_code = part_of(label)
    code = code or label_code
    endpoint = current.endpoint
    if kind == BODY:
        kind = RESPONSE if current.context == RESPONSE else REQUEST_BODY
    current.part, current.part_label = kind, strip_code(label).strip(" :")
    if kind in (REQUEST, RESPONSE):
        current.context = kind
    if kind is None:
        current.part = RULES
        if value:
            _keep_as_rule(endpoint, line, f"{current.part_label}: {value}", reader)
        return
    _inline_value(kind, value, code, line, current, reader)


def _inline_value(kind, value, code, line, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    value = value.strip()
    if kind == METHOD:
        method = strip_code(value).upper().split()[0] if value else ""
        if method in METHODS:
            endpoint.method = method
            endpoint.lines["method"] = line
    elif kind in (PATH, ENDPOINT):
        _path_value(value, line, endpoint, reader)
    elif kind == AUTH:
        _authentication(value, line, endpoint, reader)
    elif kind == OWNERSHIP and value:
        endpoint.user_ownership = value
        endpoint.lines["user_ownership"] = line
    elif kind == MODEL and value:
        endpoint.data_model = strip_code(value).strip()
        endpoint.lines["data_model"] = line
    elif kind == RESPONSE:
        _response_value(value, code, line, current, reader)
    elif kind in (ERRORS, STATUS_CODES) and value:
        _status_codes_text(value, line, current, reader)
    elif kind in _PARAMETER_PARTS and value and not _is_none(value):
        _add_parameter(value, line, current, reader)
    elif kind in (REQUEST, REQUEST_BODY) and value and not _is_none(value):
        fields, _ = body_fields_from_items([Paragraph(line, value)], "request", reader.file)
        if fields and value.startswith("`"):
            endpoint.body_fields += fields
        else:
            _keep_as_rule(endpoint, line, f"{current.part_label}: {value}", reader)
    elif kind == RULES and value:
        text = value if current.part_label.lower() in _KEEP_LABELLED[RULES] else None
        endpoint.business_rules.append(ParsedItem(line, text or f"{current.part_label}: {value}"))
    elif kind == TESTS and value:
        endpoint.test_cases.append(ParsedTestCase(line, value))


def _is_none(value: str) -> bool:
    words = strip_code(value).lower().strip(" .")
    return words in ("none", "n/a", "-", "no body", "empty", "no request body", "no content", "")


def _path_value(value: str, line: int, endpoint: ParsedEndpoint, reader: _Reader) -> None:
    plain = strip_code(value)
    found = _METHOD_PATH.search(plain)
    if found:
        endpoint.method = found["method"]
        endpoint.path = _clean_path(found["path"])
        endpoint.lines.update(method=line, path=line)
        return
    path = re.search(r"(?:https?://[^\s/]+)?/\S*", plain)
    if path:
        endpoint.path = _clean_path(path.group(0))
        endpoint.lines["path"] = line


def _authentication(value: str, line: int, endpoint: ParsedEndpoint, reader: _Reader) -> None:
    words = strip_code(value).lower()
    if re.search(r"\b(not required|none|no|public|false|anonymous|unauthenticated)\b", words):
        chosen = "None"
    elif "optional" in words:
        chosen = "Optional"
    else:
        chosen = "Required"
    endpoint.authentication = chosen
    endpoint.lines["authentication"] = line
    if words.strip(" .") not in (chosen.lower(), "none (public)"):
        reader.warn(line, f"authentication “{value}” read as {chosen}")
        if len(words.split()) > 2:
            endpoint.business_rules.append(ParsedItem(line, f"Authentication: {value}"))


def _response_value(value: str, code, line: int, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    if code is None and value:
        leading = _LEADING_STATUS.match(strip_code(value))
        code = int(leading["code"]) if leading else None
    if code is not None and code >= 400:
        reason = _after_code(current.part_label.split(str(code), 1)[-1])
        description = ": ".join(filter(None, [reason, _after_code(value)]))
        endpoint.errors.append(ParsedError(line, code, description))
        current.part = ERRORS
        return
    if code is not None and endpoint.success_status is None:
        endpoint.success_status = code
        endpoint.lines["success_status"] = line
    bare_status = re.fullmatch(r"(?:HTTP\s+)?[1-5]\d\d[\w\s]{0,20}", strip_code(value))
    if value and not _is_none(value) and not bare_status:
        _keep_as_rule(endpoint, line, f"{current.part_label}: {value}", reader)


def _after_code(text: str) -> str:
    return re.sub(r"^(?:HTTP\s+)?[1-5]\d\d\s*[-:–—]?\s*", "", strip_code(text)).strip()


def _status_item(text: str) -> tuple[int, str] | None:
    """`404 Not Found: no such task` or `Forbidden: HTTP 403 (not yours)` → (code, reason)."""
    plain = strip_code(text)
    leading = _LEADING_STATUS.match(plain)
    if leading:
        return int(leading["code"]), _after_code(plain)
    named = re.search(r"\b(?:HTTP|status(?: code)?)\s*:?\s*(?P<code>[1-5]\d\d)\b", plain, re.I)
    if named is None:
        return None
    reason = (plain[: named.start()] + plain[named.end() :]).strip(" :-–—")
    return int(named["code"]), " ".join(reason.split())


def _status_codes_text(text: str, line: int, current: _Open, reader: _Reader) -> None:
    found = status_codes_in(text)
    if not found:
        _keep_as_rule(current.endpoint, line, f"{current.part_label}: {text}", reader)
        return
    for code, description in found:
        _add_status(code, description, line, current, reader)


def _add_status(code: int, description: str, line: int, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    if code >= 400:
        endpoint.errors.append(ParsedError(line, code, description))
    elif endpoint.success_status is None:
        endpoint.success_status = code
        endpoint.lines["success_status"] = line
    elif code != endpoint.success_status:
        reader.warn(
            line,
            f"endpoint “{_label(endpoint)}”: status {code} is neither its success status "
            f"({endpoint.success_status}) nor an error; kept as a business rule",
        )
        endpoint.business_rules.append(ParsedItem(line, f"Also returns {code} {description}"))


def _keep_as_rule(endpoint: ParsedEndpoint, line: int, text: str, reader: _Reader) -> None:
    endpoint.business_rules.append(ParsedItem(line, text))
    reader.warn(line, f"endpoint “{_label(endpoint)}”: kept as a business rule: {text[:80]!r}")


def _label(endpoint: ParsedEndpoint) -> str:
    return endpoint.name or f"{endpoint.method} {endpoint.path}".strip()


def _read_into_part(block: Block, current: _Open, reader: _Reader) -> None:
    part = current.part
    if part in _PARAMETER_PARTS:
        _parameters_block(block, current, reader)
    elif part in (REQUEST, REQUEST_BODY, RESPONSE):
        _body_block(block, current, reader)
    elif part in (ERRORS, STATUS_CODES):
        _status_block(block, current, reader)
    elif part == TESTS and isinstance(block, (ListItem, Paragraph)):
        _test_case(block, current.endpoint)
    elif isinstance(block, (ListItem, Paragraph)):
        _rule_text(block, current, reader)
    elif isinstance(block, Table):
        _loose_table(block, current, reader)
    else:
        _skip_code(block, current, reader)


def _loose_table(table: Table, current: _Open, reader: _Reader) -> None:
    """A table outside any known part: `| Field | Value |` rows are label lines, a table with
    name and type columns lists parameters, anything else is kept row by row."""
    header = [strip_code(cell).lower() for cell in table.header]
    if len(header) == 2 and header[1] in ("value", "details", "description", "info"):
        for line, cells in table.rows:
            if part_of(cells[0])[0] is not None:
                _set_part(current, cells[0], line, cells[1], reader)
            else:
                _keep_as_rule(current.endpoint, line, f"{cells[0]}: {cells[1]}", reader)
        return
    is_parameters = column_index(table.header, ("type", "data type")) is not None
    if current.part is None and is_parameters:
        current.part, current.part_label = PARAMS, "Parameters"
        _parameters_block(table, current, reader)
        return
    for line, cells in table.rows:
        text = "; ".join(f"{h}: {c}" for h, c in zip(table.header, cells, strict=False) if c)
        _keep_as_rule(current.endpoint, line, text, reader)


def _rule_text(block: ListItem | Paragraph, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    if current.part == RULES and current.part_label.lower() in _SYNONYMS[RULES]:
        endpoint.business_rules.append(ParsedItem(block.line, block.text))
    elif current.part == RULES:
        _keep_as_rule(endpoint, block.line, f"{current.part_label}: {block.text}", reader)
    else:
        _keep_as_rule(endpoint, block.line, block.text, reader)


def _test_case(block: ListItem | Paragraph, endpoint: ParsedEndpoint) -> None:
    checkbox = _CHECKBOX.match(block.text)
    if checkbox:
        verified = checkbox["mark"] != " "
        endpoint.test_cases.append(ParsedTestCase(block.line, checkbox["text"], verified))
    else:
        endpoint.test_cases.append(ParsedTestCase(block.line, block.text))


def _skip_code(block: Fence, current: _Open, reader: _Reader) -> None:
    end = block.lines[-1][0] if block.lines else block.line
    reader.warn(
        block.line,
        f"endpoint “{_label(current.endpoint)}”: code block (lines {block.line}-{end + 1}) "
        f"under “{current.part_label or 'no label'}” not imported",
    )


def _parameters_block(block: Block, current: _Open, reader: _Reader) -> None:
    location = _PARAMETER_PARTS[current.part]
    endpoint = current.endpoint
    if isinstance(block, Table):
        parameters, warnings = parameters_from_table(block, location, endpoint.path, reader.file)
        endpoint.parameters += parameters
        reader.warnings += warnings
    elif isinstance(block, (ListItem, Paragraph)):
        if not _is_none(block.text):
            _add_parameter(block.text, block.line, current, reader)
    elif isinstance(block, Fence):
        for line, text in block.lines:
            if text.strip():
                _add_parameter(text.strip(), line, current, reader)


def _add_parameter(text: str, line: int, current: _Open, reader: _Reader) -> None:
    location = _PARAMETER_PARTS.get(current.part, "query")
    parameter, remark = parameter_from_text(text, line, location, current.endpoint.path)
    if parameter is None:
        _keep_as_rule(current.endpoint, line, f"{current.part_label}: {text}", reader)
        return
    if remark:
        reader.warn(line, f"parameter “{parameter.name}”: {remark}")
    current.endpoint.parameters.append(parameter)


def _body_block(block: Block, current: _Open, reader: _Reader) -> None:
    part = "response" if current.part == RESPONSE else "request"
    endpoint = current.endpoint
    if isinstance(block, Fence):
        fields, warnings = body_fields_from_fence(block, part, reader.file)
    elif isinstance(block, Table):
        fields, warnings = body_fields_from_table(block, part, reader.file)
    elif isinstance(block, ListItem) and _status_item(block.text):
        code, reason = _status_item(block.text)
        _add_status(code, reason, block.line, current, reader)
        return
    elif isinstance(block, ListItem):
        fields, warnings = body_fields_from_items([block], part, reader.file)
        if not fields:
            _rule_text(block, current, reader)
            return
    else:
        if part == "response" and re.match(r"`?[1-5]\d\d\b", block.text):
            _response_value(block.text, None, block.line, current, reader)
        elif not _is_none(block.text):
            _keep_as_rule(endpoint, block.line, block.text, reader)
        return
    endpoint.body_fields += fields
    reader.warnings += warnings


def _status_block(block: Block, current: _Open, reader: _Reader) -> None:
    if isinstance(block, Table):
        code_at = column_index(block.header, ("status", "code", "status code", "http status"))
        for line, cells in block.rows:
            text = " ".join(cells) if code_at is None else " - ".join(cells[code_at:])
            _status_codes_text(text, line, current, reader)
    elif isinstance(block, (ListItem, Paragraph)):
        found = status_codes_in(block.text)
        if found and block.text.lstrip("`").startswith(str(found[0][0])):
            code, description = found[0][0], _after_code(block.text)
            _add_status(code, description, block.line, current, reader)
        elif found:
            _status_codes_text(block.text, block.line, current, reader)
        else:
            _keep_as_rule(current.endpoint, block.line, block.text, reader)
    else:
        _skip_code(block, current, reader)
