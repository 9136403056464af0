// SQL blocks (<code class="language-sql">) coloured by highlight.js, with only its SQL grammar
// (static/vendor/highlightjs-*). A module, so deferred: the page's blocks are there when it
// runs; blocks that htmx swaps in later are coloured on htmx:load. Without JavaScript the SQL
// is plain text. highlight.js sets classes only, never a style attribute, so the
// Content-Security-Policy (style-src 'self') holds.
import hljs from "../vendor/highlightjs-11.12.0/es/core.min.js";
import sql from "../vendor/highlightjs-11.12.0/es/languages/sql.min.js";

hljs.registerLanguage("sql", sql);

function highlightIn(root) {
  const blocks = root.matches?.("code.language-sql")
    ? [root]
    : root.querySelectorAll("code.language-sql");
  for (const block of blocks) {
    if (!block.dataset.highlighted) hljs.highlightElement(block);
  }
}

highlightIn(document);
document.addEventListener("htmx:load", (event) => highlightIn(event.detail.elt));
