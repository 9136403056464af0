from specs_app.models import AuditEvent, Spec


def audit_record(*, spec: Spec, actor, verb: str, target: str = "", **details) -> AuditEvent:
    """Write one audit event; call it inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        workspace_id=spec.workspace_id,
        spec=spec,
        actor=actor,
        verb=verb,
        target=target[:200],
        details=details,
    )
