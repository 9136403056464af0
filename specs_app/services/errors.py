class ServiceError(Exception):
    """A request the services refuse; the message is meant for the person who asked."""


class RevisionImmutable(ServiceError):
    pass


class StaleVersion(ServiceError):
    def __init__(self, message: str, *, current) -> None:
        super().__init__(message)
        self.current = current
