"""Values read from a real-world file are made to fit the format in the smallest way that
passes the editor's validators, and the report says so; what cannot be stored is left out and
reported, never stored half-valid."""

import pytest

from specs_app.interchange.fit import repair_api
from specs_app.interchange.records import (
    ParsedApi,
    ParsedEndpoint,
    ParsedError,
    ParsedParameter,
)
from specs_app.services.imports import ROW_MODELS


def endpoint(name: str, path: str, line: int = 3, **children) -> ParsedEndpoint:
    return ParsedEndpoint(
        line,
        name,
        method="GET",
        path=path,
        authentication="Required",
        success_status=200,
        **children,
    )


def test_values_are_normalised_and_each_normalisation_is_reported():
    parameter = ParsedParameter(5, "query", "`q`", "string (required)", True, "max (10", "")
    api = ParsedApi(endpoints=[endpoint("Search\nall", "/api/search", parameters=[parameter])])

    warnings = repair_api(api, "api.md", ROW_MODELS)

    (repaired,) = api.endpoints
    assert repaired.name == "Search all"
    assert (parameter.name, parameter.type, parameter.constraints) == ("q", "string", "max 10")
    assert sorted((w.line, w.message.split(": ")[1]) for w in warnings) == [
        (3, "name normalised to 'Search all'"),
        (5, "constraints normalised to 'max 10'"),
        (5, "name normalised to 'q'"),
        (5, "type normalised to 'string'"),
    ]


def test_a_repeated_endpoint_name_is_numbered_and_both_are_kept():
    api = ParsedApi(endpoints=[endpoint("List", "/a"), endpoint("List", "/b", line=9)])

    warnings = repair_api(api, "api.md", ROW_MODELS)

    assert [e.name for e in api.endpoints] == ["List", "List (2)"]
    assert [(w.line, "renamed “List (2)”" in w.message) for w in warnings] == [(9, True)]


@pytest.mark.parametrize("code", [99, 1000])
def test_a_row_that_cannot_be_stored_is_left_out_with_its_line(code):
    api = ParsedApi(endpoints=[endpoint("Get", "/a", errors=[ParsedError(7, code, "odd")])])

    warnings = repair_api(api, "api.md", ROW_MODELS)

    assert api.endpoints[0].errors == []
    assert [w.line for w in warnings] == [7] and "not imported" in warnings[0].message
