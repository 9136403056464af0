"""What lint reports: findings, each pointing at one item of the spec."""

from dataclasses import dataclass, field

from specs_app.models.lint import Severity


@dataclass(frozen=True)
class Item:
    """A row of the spec a finding points at, and the endpoint or model page that shows it.

    `page_kind` is "endpoint", "model" or "spec" (the overviews, shown on the spec page).
    """

    kind: str
    uid: str
    label: str
    page_kind: str
    page_uid: str
    page_label: str
    #: Where the item comes in the spec (overviews, endpoints, models; then position).
    order: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    item: Item
    message: str

    @property
    def item_uid(self) -> str:
        return self.item.uid

    @property
    def item_label(self) -> str:
        return self.item.label

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "item": self.item.label,
            "message": self.message,
        }


#: What a rule's check yields: the item and the message.
Hit = tuple[Item, str]
