/* Progressive enhancement of the "file being prepared" page (templates/publication/
 * preparing.html): asks every few seconds, while the page is visible, whether the file is ready
 * (a HEAD request to its address), and when it is, says so in the polite live region and offers
 * the download link. Nothing reloads and nothing starts by itself: the person chooses. Without
 * this script the "Réessayer maintenant" link does the same by hand. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-file-url]");
  if (!panel || !window.fetch) { return; }
  var url = panel.getAttribute("data-file-url");
  var delay = 1000 * (parseInt(panel.getAttribute("data-retry-after"), 10) || 10);
  var status = panel.querySelector("[data-file-status]");
  var ready = panel.querySelector("[data-file-ready]");
  var waiting = panel.querySelectorAll("[data-file-waiting]");
  var timer = null;

  function check() {
    timer = null;
    if (document.hidden) { return; }
    window.fetch(url, {method: "HEAD", credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (response.ok) {
          status.textContent = ready.getAttribute("data-message");
          ready.hidden = false;
          waiting.forEach(function (element) { element.hidden = true; });
        } else {
          timer = window.setTimeout(check, delay);
        }
      })
      .catch(function () { timer = window.setTimeout(check, 2 * delay); });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null && ready.hidden) { check(); }
  });
  timer = window.setTimeout(check, delay);
}());
