/* Progressive enhancement: new comments appear without reloading the page.
 * Every action works without this script; it only fetches, every 20 seconds while the page is
 * visible, the comments posted since the last one shown, and announces them politely. */
(function () {
  "use strict";
  var section = document.querySelector("section.discussion[data-new-url]");
  var list = document.getElementById("comments-list");
  var status = document.getElementById("live-status");
  if (!section || !list || !window.fetch) { return; }

  function lastId() {
    var max = 0;
    section.querySelectorAll("li.comment[id^='commentaire-']").forEach(function (item) {
      var id = parseInt(item.id.replace("commentaire-", ""), 10);
      if (id > max) { max = id; }
    });
    return max;
  }

  function poll() {
    if (document.hidden) { return; }
    fetch(section.dataset.newUrl + "?apres=" + lastId(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var items = holder.content.querySelectorAll("li.comment");
        if (!items.length) { return; }
        var empty = list.querySelector("li.empty");
        if (empty) { empty.remove(); }
        items.forEach(function (item) {
          if (!document.getElementById(item.id)) { list.appendChild(item); }
        });
        status.textContent = items.length === 1
          ? (section.dataset.oneNew || "1 nouveau commentaire")
          : items.length + " " + (section.dataset.manyNew || "nouveaux commentaires");
      })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  window.setInterval(poll, 20000);
  // Also when the reader comes back to the tab, and on demand (used by the browser tests).
  document.addEventListener("visibilitychange", poll);
  document.addEventListener("discussion:poll", poll);
})();
