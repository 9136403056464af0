"""Report lines: what a reader or the importer says about a file, with where it says it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportNote:
    """One line of an import report (a warning or an error)."""

    file: str
    line: int
    message: str

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"
