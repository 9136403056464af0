"""What the API diff reports: changes, each under a registered check."""

import hashlib
from dataclasses import dataclass, replace

from specs_app.vocabulary import COMPATIBILITY_MODES

BREAKING, WARNING, INFO = "breaking", "warning", "info"
#: The levels, worst first (the order the Impact tab and the changelog list them in).
LEVELS = (BREAKING, WARNING, INFO)

#: A spec's compatibility mode (Spec.compatibility), as Apicurio's rules name them: which
#: breaking changes fail the merge gate. Backward: clients of the previous revision must keep
#: working against the new one. Forward: clients written against the new revision must work
#: against a server of the previous one (the breaking changes of the diff read backwards).
COMPATIBILITY_LABELS = {
    "none": "None: breaking changes are reported, never gated",
    "backward": "Backward: existing clients keep working",
    "forward": "Forward: new clients work against the previous server",
    "full": "Full: both backward and forward",
}
assert tuple(COMPATIBILITY_LABELS) == COMPATIBILITY_MODES


@dataclass(frozen=True)
class Check:
    """A kind of API change: its stable id, level and what it means (the reference page)."""

    id: str
    level: str
    title: str
    #: True when the id is oasdiff's own, with the same meaning.
    oasdiff: bool = False


#: Every check the diff can report, by id (diff.py and its check modules register them).
CHECKS: dict[str, Check] = {}


def register(check_id: str, level: str, title: str, *, oasdiff: bool = False) -> Check:
    if check_id in CHECKS:
        raise ValueError(f"API check {check_id} is registered twice.")
    if level not in LEVELS:
        raise ValueError(f"API check {check_id} has no known level: {level}.")
    CHECKS[check_id] = Check(check_id, level, title, oasdiff)
    return CHECKS[check_id]


def fingerprint(*parts: str) -> str:
    """A short digest of a finding's parts, the same for the same finding in any revision (what
    an approval of it is kept by)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class ApiChange:
    check: str
    level: str
    #: The endpoint or element concerned, as people name it:
    #: "POST /api/v1/tasks, request field title".
    item: str
    message: str
    #: The endpoint the change concerns (its uid is the same on both sides), for grouping.
    endpoint_uid: str = ""
    endpoint: str = ""
    #: "backward" (the diff as read), or "forward" (read backwards, see COMPATIBILITY_MODES).
    direction: str = "backward"

    @property
    def fingerprint(self) -> str:
        """Stable across unrelated edits: the check, the item and the message."""
        return fingerprint(self.direction, self.check, self.item, self.message)

    def as_json(self) -> dict[str, str]:
        return {
            "check": self.check,
            "level": self.level,
            "item": self.item,
            "message": self.message,
        }

    def forward(self) -> "ApiChange":
        """This change of the reversed diff, as a forward-compatibility finding."""
        return replace(self, direction="forward", message=f"Forward: {self.message}")
