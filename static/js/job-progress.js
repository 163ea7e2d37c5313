/* Progressive enhancement of a job's progress page (templates/jobs/_progress.html): asks the
 * job's status endpoint where it stands every two seconds while the page is visible, and writes
 * the answer into the polite live region only when it changed, so a screen reader hears each
 * new stage once. Without this script the "Rafraîchir" link does the same by hand. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-job-status-url]");
  if (!panel || !window.fetch) { return; }
  var message = panel.querySelector("[data-job-message]");
  var error = panel.querySelector("[data-job-error]");
  var result = panel.querySelector("[data-job-result]");
  var bar = panel.querySelector("progress");
  var percent = panel.querySelector("[data-job-percent]");
  var delay = 2000;
  var timer = null;
  var asking = false;
  var finished = false;

  function showError(text) {
    error.textContent = "";
    text.split("\n").forEach(function (line) {
      if (!line) { return; }
      var paragraph = document.createElement("p");
      paragraph.textContent = line;
      error.appendChild(paragraph);
    });
    error.hidden = !text;
  }

  function showResult(link) {
    var anchor = document.createElement("a");
    anchor.className = "button";
    anchor.href = link.url;
    anchor.textContent = link.label;
    result.textContent = "";
    result.appendChild(anchor);
    result.hidden = false;
  }

  function show(state) {
    if (message.textContent !== state.message) { message.textContent = state.message; }
    if (bar) {
      bar.value = state.percent;
      bar.textContent = percent.textContent = state.percent + " %";
    }
    if (!state.finished) { return; }
    finished = true;
    if (state.error) { showError(state.error); }
    if (state.result) { showResult(state.result); }
    // What was there for the wait (the bar, the hint, "Rafraîchir") has done its part.
    panel.querySelectorAll("[data-job-waiting]").forEach(function (element) {
      element.hidden = true;
    });
  }

  function schedule() {
    if (!finished) { timer = window.setTimeout(poll, delay); }
  }

  function poll() {
    timer = null;
    if (document.hidden) { return; }  // polled again when the page is shown
    asking = true;
    fetch(panel.dataset.jobStatusUrl, {credentials: "same-origin",
                                      headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        asking = false;
        delay = 2000;
        show(state);
        schedule();
      })
      .catch(function () {
        asking = false;
        // Offline or signed out: ask less and less often, up to once a minute.
        delay = Math.min(delay * 2, 60000);
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !finished && timer === null && !asking) { poll(); }
  });
  schedule();
})();
