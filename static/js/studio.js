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

// The import preview: choosing the other mode shows its preview at once (the "Update preview"
// button does the same without JavaScript).
document.addEventListener("change", (event) => {
  const radio = event.target.closest("[data-preview-on-change] input[type=radio]");
  if (!radio) return;
  radio.form.querySelector("[data-preview-button]")?.click();
});
