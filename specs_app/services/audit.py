from specs_app.models import AuditEvent, Spec, Workspace


def audit_record(
    *,
    actor,
    verb: str,
    spec: Spec | None = None,
    workspace: Workspace | None = None,
    target: str = "",
    **details,
) -> AuditEvent:
    """Write one audit event; call it inside the transaction of the change it records.
    A spec's event belongs to the spec's workspace; a workspace event (members) has no spec."""
    return AuditEvent.objects.create(
        workspace_id=spec.workspace_id if spec is not None else workspace.pk,
        spec=spec,
        actor=actor,
        verb=verb,
        target=target[:200],
        details=details,
    )
