// Spec Studio's own behaviour. Everything works without it; this only adds conveniences.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(source.value ?? source.textContent);
    button.textContent = "Copied";
  } catch (error) {
    source.select?.();
    button.textContent = "Press Ctrl+C to copy";
  }
  setTimeout(() => { button.textContent = label; }, 2000);
});

// Error pages: a "Go back" button when there is a page to go back to.
document.addEventListener("DOMContentLoaded", () => {
  if (window.history.length < 2) return;
  for (const button of document.querySelectorAll("[data-history-back]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.history.back());
  }
});
