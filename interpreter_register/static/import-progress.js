// The progress of a register import running in the background: ask the server how far it
// is every second, move the bar, and show the result page once it is done. Without
// JavaScript the page has a link to look again.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("import-progress-bar");
  var stage = document.getElementById("import-stage");
  var writing = box.dataset.writingText;

  function ask() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin",
                                    headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.done) { window.location.reload(); return; }
        bar.value = state.progress;
        bar.textContent = state.progress + "%";
        if (state.stage === "writing") {
          stage.textContent = writing.replace("{done}", state.rows_done)
                                     .replace("{rows}", state.rows);
        }
        window.setTimeout(ask, 1000);
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
})();
