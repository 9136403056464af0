"""Markdown to HTML for display: Python-Markdown with tables and fenced code, then nh3 keeps
only harmless tags and attributes (no script, no event handlers, no javascript: links)."""

import markdown
import nh3

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
    "input": {"type", "checked", "disabled"},
    "td": {"align"},
    "th": {"align"},
}


def markdown_to_safe_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["tables", "fenced_code"], output_format="html")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
