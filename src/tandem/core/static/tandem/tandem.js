// Small behaviours that need script; every page works without it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copy);
  if (target && navigator.clipboard) {
    navigator.clipboard.writeText(target.textContent.trim()).then(() => {
      button.textContent = button.dataset.copied || "Copied";
    });
  }
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// A form posted to an address that only takes a POST answered with its page: show the page's own
// address, so a reload or a bookmark opens the page instead of a "method not allowed".
const pageUrl = document.querySelector('meta[name="tandem-page-url"]');
if (pageUrl && window.history.replaceState) {
  window.history.replaceState(null, "", pageUrl.content + window.location.hash);
}
