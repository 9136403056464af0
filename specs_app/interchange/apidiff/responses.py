"""The response's statuses: the success status and the error cases (paired by uid, then by code
and description, then by code)."""

from collections.abc import Iterator

from specs_app.interchange.apidiff.change import BREAKING, INFO, ApiChange, register
from specs_app.interchange.apidiff.common import Where, aligned, by_uid, pair
from specs_app.interchange.records import ParsedEndpoint, ParsedError

SUCCESS_STATUS_CHANGED = register(
    "response-success-status-removed",
    BREAKING,
    "The success status changed (the previous one is no longer returned)",
    oasdiff=True,
)
ERROR_REMOVED = register(
    "response-non-success-status-removed", INFO, "An error case was removed", oasdiff=True
)
ERROR_ADDED = register(
    "response-non-success-status-added", INFO, "An error case was added", oasdiff=True
)
ERROR_STATUS_CHANGED = register(
    "response-non-success-status-changed", INFO, "An error case's status code changed"
)


def success_changes(where: Where, old: ParsedEndpoint, new: ParsedEndpoint) -> list[ApiChange]:
    if old.success_status is None or new.success_status is None:
        return []
    if old.success_status == new.success_status:
        return []
    return [
        where.change(
            SUCCESS_STATUS_CHANGED,
            where.item("success status"),
            f"{where.label}: the success status changed from {old.success_status} to "
            f"{new.success_status}. Clients that check for {old.success_status} will treat "
            "success as a failure.",
        )
    ]


def _error(error: ParsedError) -> str:
    return (
        f"{error.status_code} ({error.description})"
        if error.description
        else str(error.status_code)
    )


def error_changes(where: Where, old: ParsedEndpoint, new: ParsedEndpoint) -> Iterator[ApiChange]:
    pairs = pair(
        old.errors,
        new.errors,
        [
            by_uid,
            lambda e: (e.status_code, " ".join(e.description.split())),
            lambda e: e.status_code,
            lambda e: " ".join(e.description.split()) or None,
        ],
    )
    for before, after in aligned(old.errors, new.errors, pairs):
        if before is None:
            yield where.change(
                ERROR_ADDED,
                where.item(f"error {after.status_code}"),
                f"{where.label}: the error case {_error(after)} was added.",
            )
        elif after is None:
            yield where.change(
                ERROR_REMOVED,
                where.item(f"error {before.status_code}"),
                f"{where.label}: the error case {_error(before)} was removed.",
            )
        elif before.status_code != after.status_code:
            yield where.change(
                ERROR_STATUS_CHANGED,
                where.item(f"error {after.status_code}"),
                f"{where.label}: the error case {_error(before)} now answers with "
                f"{after.status_code}.",
            )
