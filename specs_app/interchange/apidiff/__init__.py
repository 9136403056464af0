"""What a change does to the clients of an API: the changes between two revisions' endpoints,
matched by uid (so a renamed path or field is one change, not a removal and an addition), each
with a stable check id (oasdiff's where the meaning is the same) and a level: breaking, warning
or info. Pure, like the formats: records in, changes out."""

from specs_app.interchange.apidiff.change import (
    BREAKING,
    CHECKS,
    COMPATIBILITY_LABELS,
    INFO,
    LEVELS,
    WARNING,
    ApiChange,
    Check,
)
from specs_app.interchange.apidiff.diff import api_changes_between, compatibility_breaks

__all__ = [
    "BREAKING",
    "CHECKS",
    "COMPATIBILITY_LABELS",
    "INFO",
    "LEVELS",
    "WARNING",
    "ApiChange",
    "Check",
    "api_changes_between",
    "compatibility_breaks",
]
