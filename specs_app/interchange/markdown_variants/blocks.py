"""Loose markdown → a flat list of blocks (headings, fences, tables, list items, paragraphs), each
with its line number. The importers of real-world variants read these instead of raw lines, so
that a code fence or a table is never mistaken for the text around it.

This is not a full CommonMark parser: it reads what hand-written and AI-written specs use.
"""

import re
from dataclasses import dataclass, field

from specs_app.interchange.notes import ImportNote

Line = tuple[int, str]

_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[^`\s]*)")
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+•]|\d{1,3}[.)])\s+(?P<text>.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")

#: Files larger than this are refused before parsing: no spec is that long, and parsing junk
#: of that size would only produce a report nobody reads.
MAX_BYTES = 4_000_000
#: Brackets nested deeper than this in a code block are refused: readers of JSON, SQL and
#: Python recurse on nesting, and no schema nests a tenth as deep.
MAX_NESTING = 100


@dataclass
class Heading:
    line: int
    level: int
    text: str


@dataclass
class Fence:
    line: int
    lang: str
    lines: list[Line] = field(default_factory=list)
    closed: bool = True

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.lines)


@dataclass
class Table:
    line: int
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class ListItem:
    line: int
    indent: int
    text: str


@dataclass
class Paragraph:
    line: int
    text: str


Block = Heading | Fence | Table | ListItem | Paragraph


@dataclass
class Document:
    blocks: list[Block]
    warnings: list[ImportNote]
    errors: list[ImportNote]
    #: The normalised text's lines (index 0 is line 1), to quote text as it was written.
    lines: list[str] = field(default_factory=list)


def read_blocks(text: str, file: str) -> Document:
    """The blocks of `text`, with warnings for what was normalised and errors for what makes the
    file unreadable (binary content, an unclosed fence, a size over MAX_BYTES)."""
    warnings: list[ImportNote] = []
    errors: list[ImportNote] = []
    problem = unreadable(text)
    if problem:
        errors.append(ImportNote(file, *problem))
        return Document([], warnings, errors)
    text = _normalise(text, file, warnings)
    raw = text.split("\n")
    blocks = _blocks(list(enumerate(raw, start=1)), file, errors)
    return Document(blocks, warnings, errors, raw)


def unreadable(text: str) -> tuple[int, str] | None:
    """(line, why) when `text` is not a markdown file to read at all: too large, empty or
    binary. Every reader, canonical or lenient, asks this first."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return 1, f"the file is larger than {MAX_BYTES // 1_000_000} MB; nothing was read"
    if not text.strip():
        return 1, "the file is empty"
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        return line, f"the file is binary, not markdown text (a NUL byte on line {line}); " + (
            "nothing was read"
        )
    # C0 controls only: the format's values may hold DEL, C1 or private-use characters (a
    # canonical export must read back), never a C0 control other than a line break or a tab.
    sample = text[:4096]
    control = sum(1 for char in sample if char < " " and char not in "\n\r\t")
    if control > len(sample) * 0.05:
        return 1, "the file is binary, not markdown text; nothing was read"
    return None


def _normalise(text: str, file: str, warnings: list[ImportNote]) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
        warnings.append(ImportNote(file, 1, "byte order mark removed"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        warnings.append(ImportNote(file, 1, "CR or CRLF line endings read as LF"))
    if "\t" in text:
        text = text.replace("\t", "    ")
        warnings.append(ImportNote(file, 1, "tabs read as four spaces"))
    return text


def _blocks(lines: list[Line], file: str, errors: list[ImportNote]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        number, text = lines[index]
        fence = _FENCE.match(text)
        if fence:
            block, index = _read_fence(lines, index, fence)
            if not block.closed:
                errors.append(
                    ImportNote(
                        file,
                        number,
                        f"the code fence opened on line {number} is never closed, so every "
                        "line after it would be read as code",
                    )
                )
            deep = _too_deep(block, file)
            if deep:
                errors += deep
                block.lines = []  # never handed to a reader
            blocks.append(block)
            continue
        if _is_table_start(lines, index):
            block, index = _read_table(lines, index)
            errors += _ragged_rows(block, file)
            blocks.append(block)
            continue
        index += 1
        block = _line_block(number, text, lines, index)
        if block is None:
            continue
        if isinstance(block, Heading) and not text.lstrip().startswith("#"):
            index += 1  # a setext heading's underline is part of it
        blocks.append(block)
    return blocks


def _line_block(number: int, text: str, lines: list[Line], next_index: int) -> Block | None:
    if not text.strip() or _RULE.match(text):
        return None
    heading = _HEADING.match(text)
    if heading:
        text = clean_inline(heading["text"] or "", emoji="all")
        return Heading(number, len(heading["hashes"]), text)
    item = _LIST_ITEM.match(text)
    if item:
        return ListItem(number, len(item["indent"]), clean_inline(item["text"]))
    following = lines[next_index][1] if next_index < len(lines) else ""
    if _SETEXT.match(following) and text.strip() and not text.startswith(" " * 4):
        level = 1 if following.strip().startswith("=") else 2
        return Heading(number, level, clean_inline(text, emoji="all"))
    return Paragraph(number, clean_inline(text))


def _read_fence(lines: list[Line], index: int, opening: re.Match) -> tuple[Fence, int]:
    number = lines[index][0]
    marker = opening["fence"]
    indent = len(opening["indent"])
    block = Fence(number, opening["lang"].lower())
    index += 1
    while index < len(lines):
        line_number, text = lines[index]
        stripped = text.strip()
        if stripped.startswith(marker[0] * len(marker)) and not stripped.strip(marker[0]):
            return block, index + 1
        block.lines.append((line_number, text[indent:] if text[:indent].isspace() else text))
        index += 1
    block.closed = False
    return block, index


_BRACKETS = re.compile(r"[][{}()]")
_OPENING = frozenset("[{(")


def _too_deep(fence: Fence, file: str) -> list[ImportNote]:
    """An error for a code block whose brackets nest deeper than MAX_NESTING: the JSON, SQL and
    Python readers would recurse once per level (strings are not told apart; no real schema
    comes near the limit either way)."""
    depth = deepest = 0
    for _, text in fence.lines:
        for bracket in _BRACKETS.findall(text):
            depth = depth + 1 if bracket in _OPENING else max(depth - 1, 0)
            deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
    if deepest <= MAX_NESTING:
        return []
    return [
        ImportNote(
            file,
            fence.line,
            f"the code block on line {fence.line} nests brackets more than {MAX_NESTING} "
            "levels deep; no schema does, so it was not read. Flatten or remove it",
        )
    ]


def _is_table_start(lines: list[Line], index: int) -> bool:
    text = lines[index][1].strip()
    if "|" not in text or index + 1 >= len(lines):
        return False
    return bool(_TABLE_SEPARATOR.match(lines[index + 1][1])) and "|" in lines[index + 1][1]


def _read_table(lines: list[Line], index: int) -> tuple[Table, int]:
    number, text = lines[index]
    table = Table(number, table_cells(text))
    index += 2
    while index < len(lines) and lines[index][1].strip().startswith("|"):
        table.rows.append((lines[index][0], table_cells(lines[index][1])))
        index += 1
    return table, index


def _ragged_rows(table: Table, file: str) -> list[ImportNote]:
    """A row with missing or extra cells would put values under the wrong column."""
    width = len(table.header)
    return [
        ImportNote(
            file,
            line,
            f"table row has {len(cells)} cells, its header (line {table.line}) has {width}; "
            "add the missing cells (empty ones are fine) or remove the extra ones",
        )
        for line, cells in table.rows
        if len(cells) != width
    ]


def table_cells(text: str) -> list[str]:
    """The cells of a table row, with `\\|` read as a pipe and the outer pipes optional."""
    text = text.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [clean_inline(cell.replace("\\|", "|"), emoji="keep") for cell in cells]


_EMOJI = "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u2300-\u23ff]+"
_ANY_EMOJI = re.compile(_EMOJI)
_LEADING_EMOJI = re.compile(rf"^(?:\s*{_EMOJI})+\s*")


def clean_inline(text: str, *, emoji: str = "leading") -> str:
    """Text without emphasis markers or HTML line breaks; backticks are kept, since they often
    mark a name. Emoji are decoration in headings (`emoji="all"` removes them) and in front of a
    list item or paragraph (`"leading"`); inside a sentence or a table cell (`"keep"`, where ✓
    may mean yes) they are kept."""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    if emoji != "keep":
        text = (_ANY_EMOJI if emoji == "all" else _LEADING_EMOJI).sub("", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"\1", text)
    return " ".join(text.split())
