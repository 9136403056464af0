"""Markdown to HTML for display: Python-Markdown with tables and fenced code, then nh3 keeps
only harmless tags and attributes (no script, no event handlers, no javascript: links).

The canonical files put JSON fences inside list items, indented two spaces, which
Python-Markdown's own fenced_code does not read; pymdownx.superfences does.

Python-Markdown parses nested lists recursively: a few hundred levels ("- - - … x") raise
RecursionError. Text nested deeper than any spec needs is shown as escaped plain text instead."""

import html
import re

import markdown
import nh3

from specs_app.services.cache import remembered, text_key

_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "pre": {"class"},
    "input": {"type", "checked", "disabled"},
    "td": {"align"},
    "th": {"align"},
}


# Deepest nesting (list items, blockquotes, indentation steps) rendered as markdown.
MAX_NESTING = 24
# The container markers at the start of a line: "- ", "* ", "+ ", "1. ", "2) ", ">".
_LEADING_MARKERS = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|[ \t]*>)+")


def markdown_to_safe_html(text: str, mentions: dict[str, str] | None = None) -> str:
    """Markdown rendered and sanitised; the same text is rendered once (see services/cache.py).

    With `mentions` (username -> URL), each `@username` of a known name becomes a link to its
    URL, except inside code spans, code blocks, links and e-mail addresses."""
    rendered = remembered(("markdown", text_key(text)), lambda: _render_bounded(text))
    if mentions and "@" in rendered:
        return _link_mentions(rendered, mentions)
    return rendered


# `@name` where a username may start: not after a word character, a dot, "@", "/" or "+"/"-"
# (e-mail addresses, paths, decorators in code are not mentions). Usernames are Django's:
# letters, digits and @ . + - _; a trailing dot ends the sentence, not the name.
_MENTION = re.compile(r"(?<![\w.@/+\-])@([\w.+\-]*[\w+\-])")
# The sanitised HTML split into tags and text; text inside these elements is never linked.
_TAG = re.compile(r"(<[^>]*>)")
_OPAQUE = {"a", "code", "pre"}


def _text_segments(html_text: str):
    """(segment, linkable) pairs of sanitised HTML: tags and opaque text are not linkable."""
    depth = 0
    for segment in _TAG.split(html_text):
        if segment.startswith("<"):
            name = segment.strip("</>").split(None, 1)[0].lower() if segment.strip("</>") else ""
            if name in _OPAQUE and not segment.endswith("/>"):
                depth += -1 if segment.startswith("</") else 1
            yield segment, False
        else:
            yield segment, depth == 0


def mention_names(html_text: str) -> list[str]:
    """The @names in rendered markdown outside code and links, in order, each once."""
    names: dict[str, None] = {}
    for segment, linkable in _text_segments(html_text):
        if linkable:
            for match in _MENTION.finditer(html.unescape(segment)):
                names.setdefault(match.group(1))
    return list(names)


def _link_mentions(html_text: str, mentions: dict[str, str]) -> str:
    def link(match: re.Match) -> str:
        name = match.group(1)
        url = mentions.get(name)
        if url is None:
            return match.group(0)
        return f'<a class="mention" href="{html.escape(url)}">@{html.escape(name)}</a>'

    return "".join(
        _MENTION.sub(link, segment) if linkable else segment
        for segment, linkable in _text_segments(html_text)
    )


def nesting_depth(text: str) -> int:
    """An upper bound of how deep a line of list items or blockquotes nests: its container
    markers plus its indentation steps (two columns, the smallest indent that nests a list)."""
    deepest = 0
    for line in text.splitlines():
        prefix = _LEADING_MARKERS.match(line)
        if prefix is not None:
            markers = re.findall(r"[-*+>]|\d{1,9}[.)]", prefix.group())
            indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
            deepest = max(deepest, len(markers) + indent // 2)
    return deepest


def _render_bounded(text: str) -> str:
    if nesting_depth(text) > MAX_NESTING:
        return _escaped(text)
    try:
        return _render(text)
    except RecursionError:  # a shape the depth estimate missed: still never a server error
        return _escaped(text)


def _escaped(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


def _render(text: str) -> str:
    html = markdown.markdown(
        text,
        extensions=["tables", "pymdownx.highlight", "pymdownx.superfences"],
        extension_configs={"pymdownx.highlight": {"use_pygments": False}},
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
