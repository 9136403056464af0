import re
from collections.abc import Iterator

from specs_app.models import (
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
    TestCase,
)
from specs_app.models.lint import Severity
from specs_app.services.lint.content import OVERVIEWS, LintContent
from specs_app.services.lint.findings import Hit, Item
from specs_app.services.lint.registry import rule
from specs_app.services.lint.rules.completeness import all_rows
from specs_app.services.lint.settings import LintSettings

#: The free-text values read for vague wording, per table.
TEXT_VALUES: dict[type[ContentRow], tuple[str, ...]] = {
    Endpoint: ("name", "user_ownership"),
    Parameter: ("constraints", "description"),
    BodyField: ("constraints", "description"),
    ErrorCase: ("description",),
    BusinessRule: ("text",),
    TestCase: ("text",),
    DataModel: ("name", "ownership"),
    Field: ("other_constraints", "description"),
    Index: ("purpose",),
    ModelConstraint: ("text",),
    MigrationNote: ("text",),
}
# Upper case only: "a todo app" is not a marker.
MARKERS = re.compile(r"(?<![\w])(TBD|TODO|FIXME)(?![\w])|\?\?\?")
VAGUE = re.compile(
    r"(?<![\w])(etc\.|etc\b|and so on|as needed|appropriate|some|maybe|should probably)(?![\w])",
    re.IGNORECASE,
)
MIN_WORDS = 3


def texts(content: LintContent) -> list[tuple[ContentRow | str, str, str]]:
    """(row, what, text) for every non-empty free text of the revision, overviews first (with
    the overview's attribute name for the row), listed once per lint run for the rules that
    read them. `_item` turns a row with a finding into its item: building one for each of the
    tens of thousands of texts of a big spec is what cost time."""
    return content.memo("free texts", lambda: list(_texts(content)))


def _texts(content: LintContent) -> Iterator[tuple[ContentRow | str, str, str]]:
    for attribute, label in OVERVIEWS.items():
        yield attribute, label, getattr(content.revision, attribute)
    for row in all_rows(content):
        for name, what in _TEXT_LABELS.get(type(row), ()):
            if text := getattr(row, name):
                yield row, what, text


def _item(content: LintContent, row: ContentRow | str) -> Item:
    return content.overview_item(row) if isinstance(row, str) else content.item(row)


_TEXT_LABELS = {
    model: tuple((name, model._meta.get_field(name).verbose_name) for name in names)
    for model, names in TEXT_VALUES.items()
}


def _quoted(found: list[str]) -> str:
    return ", ".join(f'"{word}"' for word in dict.fromkeys(found))


@rule(
    "ambiguity.marker",
    severity=Severity.WARNING,
    title="Unfinished marker",
    flags="TBD, TODO or FIXME (upper case, whole words) or ??? in any text.",
    example="`**User Ownership**: TODO decide` or `- 409: ???`.",
    fix="Decide and write the actual behaviour; track open questions in a change request "
    "comment rather than in the spec.",
)
def marker(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for row, what, text in texts(content):
        if found := [match.group(0) for match in MARKERS.finditer(text)]:
            yield (
                _item(content, row),
                f"The {what} holds {_quoted(found)}: replace it with the decision.",
            )


@rule(
    "ambiguity.vague-wording",
    severity=Severity.WARNING,
    title="Vague wording",
    flags='"etc.", "and so on", "as needed", "appropriate", "some", "maybe" or "should '
    'probably" (whole words, any case) in any text.',
    example="`- Returns some fields of the task, etc.`",
    fix="Say exactly what happens: name every field, limit or case instead of hinting at it.",
)
def vague_wording(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for row, what, text in texts(content):
        if found := [match.group(0) for match in VAGUE.finditer(text)]:
            yield (
                _item(content, row),
                f"The {what} says {_quoted(found)}: state exactly what is meant.",
            )


@rule(
    "ambiguity.short-text",
    severity=Severity.WARNING,
    title="Business rule or test case too short",
    flags=f"A business rule or test case of fewer than {MIN_WORDS} words.",
    example="`- [ ] works` or `- Validated`.",
    fix="Write the whole rule or check: what is done, to what, with which result "
    "(`- [ ] POST without a token returns 401`).",
)
def short_text(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for row in all_rows(content):
        if isinstance(row, BusinessRule | TestCase) and 0 < len(row.text.split()) < MIN_WORDS:
            yield (
                content.item(row),
                f'"{row.text}" is too short to check: write what is done, to what, with which '
                "result.",
            )
