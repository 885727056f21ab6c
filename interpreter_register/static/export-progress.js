// A month's export on its way (queued or being built by the background worker): look again
// every few seconds until it is ready or failed. Without JavaScript the page says to
// reload it, and a mail says when it is ready.
(function () {
  "use strict";
  if (!document.querySelector("[data-export-pending]")) { return; }
  window.setTimeout(function () { window.location.reload(); }, 3000);
})();
