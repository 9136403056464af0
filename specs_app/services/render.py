"""Markdown to HTML for display: Python-Markdown with tables and fenced code, then nh3 keeps
only harmless tags and attributes (no script, no event handlers, no javascript: links).

The canonical files put JSON fences inside list items, indented two spaces, which
Python-Markdown's own fenced_code does not read; pymdownx.superfences does."""

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


def markdown_to_safe_html(text: str) -> str:
    """Markdown rendered and sanitised; the same text is rendered once (see services/cache.py)."""
    return remembered(("markdown", text_key(text)), lambda: _render(text))


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
