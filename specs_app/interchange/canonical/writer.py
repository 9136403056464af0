"""Content rows → canonical markdown (docs/format.md). Pure: it knows no ORM model and queries
nothing.

The rows are read by attribute (`endpoint.method`, `field.type`, …); services/export.py loads
them (services/content_tree.py) and calls these functions.
"""

from typing import Protocol

from specs_app.interchange.canonical.syntax import (
    API_TITLE,
    FIELDS_HEADER,
    FIELDS_SEPARATOR,
    NO_CONTENT,
    NONE,
    SCHEMA_TITLE,
    compose_field_constraints,
    compose_index,
    json_string,
    label_line,
    table_row,
)
from specs_app.interchange.lines import compose_field_spec, compose_relationship
from specs_app.vocabulary import HEADER, PATH, QUERY, REQUEST, RESPONSE

PARAMETER_LABELS = {HEADER: "Headers", PATH: "Path Parameters", QUERY: "Query Parameters"}


class ContentRows(Protocol):
    """Endpoints or models in order, and each one's children by name (`parameters`, …)."""

    parents: list

    def rows(self, parent, name: str) -> list: ...


# ---------------------------------------------------------------------------------------------
# Files


def write_api_markdown(tree: ContentRows, overview: str) -> str:
    sections = [write_endpoint_section(endpoint, tree) for endpoint in tree.parents]
    return _file(API_TITLE, overview, sections)


def write_schema_markdown(tree: ContentRows, overview: str) -> str:
    sections = [write_model_section(model, tree) for model in tree.parents]
    return _file(SCHEMA_TITLE, overview, sections)


def _file(title: str, overview: str, sections: list[str]) -> str:
    blocks = [title, overview, *sections] if overview else [title, *sections]
    return "\n\n".join(blocks) + "\n"


def _blocks(*blocks: list[str]) -> str:
    return "\n\n".join("\n".join(lines) for lines in blocks)


def _list_items(texts: list[str]) -> list[str]:
    """`- text` lines under a `###` heading; `- None` when there are none."""
    return [f"- {text}" for text in texts] or [f"- {NONE}"]


# ---------------------------------------------------------------------------------------------
# REST endpoints


def write_endpoint_section(endpoint, tree: ContentRows) -> str:
    """One endpoint's `##` section (no trailing newline), as it appears in the API file."""
    rules = [rule.text for rule in tree.rows(endpoint, "business_rules")]
    test_cases = _test_case_texts(tree.rows(endpoint, "test_cases"))
    # The model link is optional: written only when set, so a spec without links keeps its bytes.
    model = getattr(endpoint, "data_model", "")
    return _blocks(
        [f"## {endpoint.name}"],
        [
            label_line("**Method**", endpoint.method),
            label_line("**Path**", endpoint.path),
            label_line("**Authentication**", endpoint.authentication),
            label_line("**User Ownership**", endpoint.user_ownership),
            *([label_line("**Model**", model)] if model else []),
        ],
        ["### Request", *_request_lines(endpoint, tree)],
        ["### Response", *_response_lines(endpoint, tree)],
        ["### Business Rules", *_list_items(rules)],
        ["### Test Cases", *_list_items(test_cases)],
    )


def _request_lines(endpoint, tree: ContentRows) -> list[str]:
    parameters = tree.rows(endpoint, "parameters")
    lines = []
    for location, label in PARAMETER_LABELS.items():
        lines += _parameter_list(label, [p for p in parameters if p.location == location])
    body = [f for f in tree.rows(endpoint, "body_fields") if f.part == REQUEST]
    return lines + _json_item("**Body Schema**", body, NONE)


def _response_lines(endpoint, tree: ContentRows) -> list[str]:
    body = [f for f in tree.rows(endpoint, "body_fields") if f.part == RESPONSE]
    success = _json_item(f"**Success ({endpoint.success_status})**", body, NO_CONTENT)
    return success + _error_list(tree.rows(endpoint, "errors"))


def _parameter_list(label: str, parameters: list) -> list[str]:
    if not parameters:
        return [f"- **{label}**: {NONE}"]
    lines = [f"  - `{p.name}`: {compose_field_spec(p)}" for p in parameters]
    return [f"- **{label}**:", *lines]


def _json_item(label: str, fields: list, empty: str) -> list[str]:
    if not fields:
        return [f"- {label}: {empty}"]
    members = [f"    {json_string(f.name)}: {json_string(compose_field_spec(f))}" for f in fields]
    with_commas = [f"{member}," for member in members[:-1]] + members[-1:]
    return [f"- {label}:", "  ```json", "  {", *with_commas, "  }", "  ```"]


def _error_list(errors: list) -> list[str]:
    if not errors:
        return [f"- **Errors**: {NONE}"]
    ordered = sorted(errors, key=lambda e: (e.status_code, e.position, e.pk or 0))
    return [
        "- **Errors**:",
        *(f"  - {label_line(str(e.status_code), e.description)}" for e in ordered),
    ]


def _test_case_texts(test_cases: list) -> list[str]:
    return [f"[{'x' if case.verified else ' '}] {case.text}" for case in test_cases]


# ---------------------------------------------------------------------------------------------
# Database models


def write_model_section(model, tree: ContentRows) -> str:
    """One model's `##` section (no trailing newline), as it appears in the schema file."""
    fields = tree.rows(model, "fields")
    return _blocks(
        [f"## {model.name}"],
        [label_line("**Table**", model.table), label_line("**Ownership**", model.ownership)],
        ["### Fields", FIELDS_HEADER, FIELDS_SEPARATOR, *(_field_row(f) for f in fields)],
        [
            "### Relationships",
            *_list_items([compose_relationship(r) for r in tree.rows(model, "relationships")]),
        ],
        ["### Indexes", *_list_items([compose_index(i) for i in tree.rows(model, "indexes")])],
        [
            "### Constraints",
            *_list_items([c.text for c in tree.rows(model, "constraints")]),
        ],
        [
            "### Migration Notes",
            *_list_items([n.text for n in tree.rows(model, "migration_notes")]),
        ],
    )


def _field_row(field) -> str:
    constraints = compose_field_constraints(field)
    return table_row([field.name, field.type, constraints, field.description])
