"""Names and short texts shared by the readers: table → model name, snake case and plurals, index
names, one-line messages, backticks, ON DELETE."""

import re

from specs_app.vocabulary import ON_DELETE_ACTIONS

# ---------------------------------------------------------------------------------------------
# Names

_IRREGULAR_PLURALS = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "series": "series",
    "species": "species",
    "news": "news",
    "data": "data",
    "media": "media",
}


def model_name_for_table(table: str) -> str:
    """`task_tags` → `TaskTag`: the table name without quotes or schema, last word singular,
    every word capitalised."""
    bare = _bare_table(table)
    parts = [part for part in re.split(r"[\W_]+", bare) if part]
    if not parts:
        return bare or table.strip()
    if bare.isupper():
        parts = [part.lower() for part in parts]
    parts[-1] = _singular(parts[-1])
    return "".join(part[:1].upper() + part[1:] for part in parts)


def _bare_table(table: str) -> str:
    """`"public"."users"` → `users`."""
    unquoted = re.sub(r'["`\[\]]', "", table.strip())
    return unquoted.rsplit(".", 1)[-1].strip()


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[lower]
    if lower.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "statuses")):
        return word[:-2]
    if lower.endswith(("ss", "us", "is")) or not lower.endswith("s") or len(word) == 1:
        return word
    return word[:-1]


def singular_snake(table: str) -> str:
    """`task_tags` → `task_tag`: the usual prefix of a foreign key column naming that table."""
    parts = _bare_table(table).lower().split("_")
    parts[-1] = _singular(parts[-1])
    return "_".join(parts)


def one_line(
    text: str | None, *, max_length: int | None = None, printable_only: bool = False
) -> str:
    """Control characters and line breaks become spaces; runs of spaces collapse. With
    `printable_only`, every character Python would not print (Unicode's invisible ones too)
    becomes a space; a text longer than `max_length` is cut, ending in "…"."""
    text = text or ""
    if printable_only:
        text = "".join(char if char.isprintable() else " " for char in text)
    else:
        text = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in text)
    text = " ".join(text.split())
    if max_length and len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def shortened(text: str, limit: int = 80) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def normalised_on_delete(text: str) -> str | None:
    action = " ".join(text.upper().split())
    return action if action in ON_DELETE_ACTIONS else None


def strip_code(text: str) -> str:
    """Text without backticks."""
    return text.replace("`", "").strip()


def snake_case(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[\s\-]+", "_", name).lower()


def plural(table: str) -> str:
    if not table.isascii() or not table:
        return table
    if table.endswith(("s", "x", "z", "ch", "sh")):
        return table + "es"
    if table.endswith("y") and table[-2:-1] not in tuple("aeiou"):
        return table[:-1] + "ies"
    return table + "s"


def generated_index_name(table: str, columns: str) -> str:
    """`idx_<table>_<columns>`, the name an index without one is given."""
    words = [word for word in re.findall(r"\w+", columns) if word.lower() not in ("asc", "desc")]
    return "_".join(["idx", table, *words]).lower()
