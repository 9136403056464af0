"""A spec's merge rules: how many approvals a change request needs, the lint gate, resolved
conversations, the compatibility mode its API changes are held to, and whether destructive
migrations need an admin's approval (services/stakes.py). Admins change them, in a transaction,
audited with what changed."""

from django.db import transaction

from specs_app.access import require_role
from specs_app.models import Role, Spec
from specs_app.services.audit import audit_record
from specs_app.services.errors import FieldErrors, ServiceError
from specs_app.vocabulary import COMPATIBILITY_MODES

#: The rules, in the order the page shows them.
MERGE_RULES = (
    "required_approvals",
    "lint_gate",
    "require_resolved_conversations",
    "compatibility",
    "destructive_needs_admin",
)
#: More would leave a small team unable to merge anything.
MAX_APPROVALS = 10


def merge_rules_of(spec: Spec) -> dict:
    return {name: getattr(spec, name) for name in MERGE_RULES}


def _check(values: dict) -> None:
    errors = {}
    approvals = values.get("required_approvals")
    if not isinstance(approvals, int) or not 0 <= approvals <= MAX_APPROVALS:
        errors["required_approvals"] = (
            f"Required approvals must be a whole number from 0 to {MAX_APPROVALS}."
        )
    if values.get("compatibility") not in COMPATIBILITY_MODES:
        errors["compatibility"] = f"Compatibility must be one of {', '.join(COMPATIBILITY_MODES)}."
    for name in ("lint_gate", "require_resolved_conversations", "destructive_needs_admin"):
        if not isinstance(values.get(name), bool):
            errors[name] = f"{name} must be on or off."
    if errors:
        raise FieldErrors(errors)


def merge_rules_save(*, spec: Spec, actor, **values) -> dict:
    """Replace the spec's merge rules with `values` (every rule named); a bad value is refused,
    by field, and nothing changes. Returns what changed, rule → [before, after]."""
    require_role(actor, spec.workspace_id, Role.ADMIN)
    unknown = sorted(set(values) - set(MERGE_RULES))
    missing = sorted(set(MERGE_RULES) - set(values))
    if unknown or missing:
        named = ", ".join(unknown or missing)
        raise ServiceError(
            f"Not a merge rule: {named}." if unknown else f"Merge rules missing: {named}."
        )
    _check(values)
    with transaction.atomic():
        locked = Spec.objects.select_for_update().get(pk=spec.pk)
        before = merge_rules_of(locked)
        changed = {
            name: [before[name], values[name]]
            for name in MERGE_RULES
            if before[name] != values[name]
        }
        if changed:
            for name, (_, after) in changed.items():
                setattr(locked, name, after)
            locked.save(update_fields=list(changed))
            audit_record(
                spec=locked,
                actor=actor,
                verb="merge_rules.changed",
                target=locked.slug,
                changed=changed,
            )
    for name in MERGE_RULES:
        setattr(spec, name, getattr(locked, name))
    return changed
