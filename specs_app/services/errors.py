class ServiceError(Exception):
    """A request the services refuse; the message is meant for the person who asked."""


class FieldErrors(ServiceError):
    """Values the service refuses, each message by the name of the field the value came from,
    so that a form shows it beside that field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class RevisionImmutable(ServiceError):
    pass


class StaleVersion(ServiceError):
    def __init__(self, message: str, *, current) -> None:
        super().__init__(message)
        self.current = current
