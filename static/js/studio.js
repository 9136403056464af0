// Spec Studio's own behaviour. Everything works without it; this only adds conveniences.
// Copy buttons: data-copy-target names the element whose text (or value) is copied. The button
// says "Copied" for two seconds (and a polite live region says it to screen readers). The
// clipboard API needs a secure context (HTTPS or localhost): elsewhere the text is selected and
// copied the old way, or left selected with a hint to press Ctrl+C.
function selectText(source) {
  if (source.select) {
    source.select();
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(source);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

function copyStatus() {
  let status = document.getElementById("copy-status");
  if (!status) {
    status = document.createElement("div");
    status.id = "copy-status";
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.append(status);
  }
  return status;
}

async function copyText(source) {
  const text = source.value ?? source.textContent;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (error) {
      // refused (no permission, page not focused): fall back below
    }
  }
  selectText(source);
  try {
    return document.execCommand("copy");
  } catch (error) {
    return false;
  }
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source) return;
  button.dataset.copyLabel ??= button.innerHTML;
  const copied = await copyText(source);
  const said = copied ? "Copied" : "Press Ctrl+C to copy";
  button.textContent = said;
  button.classList.toggle("is-copied", copied);
  copyStatus().textContent = said;
  clearTimeout(Number(button.dataset.copyTimer));
  button.dataset.copyTimer = setTimeout(() => {
    button.innerHTML = button.dataset.copyLabel;
    button.classList.remove("is-copied");
    copyStatus().textContent = "";
  }, 2000);
});

// Warn before leaving a page with typing that was not saved. A field counts when it sits in, or
// belongs to a form in, an element marked data-warn-unsaved and differs from what the server
// sent. A form whose htmx save was refused (400: the errors and the typing come back as the
// new defaults) stays unsaved until a save succeeds.
const refusedForms = new Set();
let submittingForm = null;

function guarded(field) {
  return field.closest("[data-warn-unsaved]") || field.form?.closest("[data-warn-unsaved]");
}

function changed(field) {
  if (field.type === "checkbox" || field.type === "radio") {
    return field.checked !== field.defaultChecked;
  }
  if (field.tagName === "SELECT") {
    const options = [...field.options];
    const initial = options.some((o) => o.defaultSelected)
      ? options.map((o) => o.defaultSelected)
      : options.map((o, i) => i === 0 && !field.multiple);
    return options.some((o, i) => o.selected !== initial[i]);
  }
  if (["hidden", "submit", "button", "reset", "file"].includes(field.type)) return false;
  return field.value !== field.defaultValue;
}

function unsavedForms() {
  const forms = new Set();
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (guarded(field) && changed(field)) forms.add(field.form ?? field);
  }
  for (const id of refusedForms) {
    const form = document.getElementById(id);
    if (form) forms.add(form);
  }
  forms.delete(submittingForm); // leaving the page by saving this very form
  return forms;
}

document.addEventListener("submit", (event) => {
  if (!event.defaultPrevented) submittingForm = event.target;
});

// Which form sent each htmx request: by the time its answer is swapped in, that form may be gone.
const formOfRequest = new WeakMap();

document.addEventListener("htmx:beforeRequest", (event) => {
  const elt = event.detail.elt;
  const form = elt.closest?.("form") ?? elt.form;
  if (form?.id) formOfRequest.set(event.detail.xhr, form.id);
});

document.addEventListener("htmx:beforeSwap", (event) => {
  const id = formOfRequest.get(event.detail.xhr);
  if (!id) return;
  const status = event.detail.xhr.status;
  if (status === 400) refusedForms.add(id);
  else if (status >= 200 && status < 300) refusedForms.delete(id);
});

window.addEventListener("beforeunload", (event) => {
  if (unsavedForms().size === 0) return;
  event.preventDefault();
  event.returnValue = ""; // older browsers need it set to show the dialog
});

// Error pages: a "Go back" button when there is a page to go back to.
document.addEventListener("DOMContentLoaded", () => {
  if (window.history.length < 2) return;
  for (const button of document.querySelectorAll("[data-history-back]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.history.back());
  }
});

// The import preview: choosing the other mode shows its preview at once (the "Update preview"
// button does the same without JavaScript).
document.addEventListener("change", (event) => {
  const radio = event.target.closest("[data-preview-on-change] input[type=radio]");
  if (!radio) return;
  radio.form.querySelector("[data-preview-button]")?.click();
});
