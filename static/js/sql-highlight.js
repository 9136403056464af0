// SQL blocks (<code class="language-sql">) coloured by highlight.js, with only its SQL grammar
// (static/vendor/highlightjs-*). A module, so deferred: the page's blocks are there when it
// runs; blocks that htmx swaps in later are coloured on htmx:load. Without JavaScript the SQL
// is plain text. highlight.js sets classes only, never a style attribute, so the
// Content-Security-Policy (style-src 'self') holds.
import hljs from "../vendor/highlightjs-11.12.0/es/core.min.js";
import sql from "../vendor/highlightjs-11.12.0/es/languages/sql.min.js";

hljs.registerLanguage("sql", sql);

// Colouring blocks the page while it runs: measured in headless Chromium on a 2-core machine,
// 0.1 s for 100 kB of SQL, 0.56 s for 400 kB, 2.2 s for 2 MB. A longer block stays plain text
// (Copy and Download work the same).
const MAX_CHARACTERS = 400_000;

function highlightIn(root) {
  const blocks = root.matches?.("code.language-sql")
    ? [root]
    : root.querySelectorAll("code.language-sql");
  for (const block of blocks) {
    if (block.dataset.highlighted || block.textContent.length > MAX_CHARACTERS) continue;
    hljs.highlightElement(block);
  }
}

highlightIn(document);
document.addEventListener("htmx:load", (event) => highlightIn(event.detail.elt));
