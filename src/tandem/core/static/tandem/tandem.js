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
// A date picker shows a date in the browser's own order (03/22/2027 or 22/03/2027); under it, echo
// the chosen date the way Tandem's pages show dates ("22 Mar 2027"), so both read the same.
const monthName = new Intl.DateTimeFormat(document.documentElement.lang || "en", { month: "short", timeZone: "UTC" });
function shownDate(value) {
  const [year, month, day] = value.split("-").map(Number);
  if (!year || !month || !day) return "";
  return `${day} ${monthName.format(new Date(Date.UTC(2000, month - 1, 1))).replace(".", "")} ${year}`;
}
function echoDate(input) {
  let echo = input.nextElementSibling;
  if (!echo || !echo.classList.contains("date-echo")) {
    echo = document.createElement("span");
    echo.className = "date-echo";
    echo.setAttribute("aria-hidden", "true"); // the field itself announces its value
    input.after(echo);
  }
  echo.textContent = shownDate(input.value);
}
function echoDates(root) {
  root.querySelectorAll('input[type="date"]').forEach(echoDate);
}
echoDates(document);
document.addEventListener("htmx:load", (event) => echoDates(event.detail.elt));
document.addEventListener("input", (event) => {
  if (event.target.matches && event.target.matches('input[type="date"]')) echoDate(event.target);
});
