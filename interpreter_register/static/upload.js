// Upload progress for forms marked data-upload-progress: send the form with
// XMLHttpRequest so the browser reports how much is sent, then show the server's
// answer as a normal page. Without JavaScript the form posts as usual.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var box = document.getElementById(form.dataset.uploadProgress);
    var bar = box && box.querySelector("progress");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !bar) { return; }
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          bar.value = Math.round(100 * progress.loaded / progress.total);
        }
      });
      request.upload.addEventListener("load", function () {
        bar.removeAttribute("value");  // sent; the server is checking: indeterminate
      });
      request.addEventListener("load", function () {
        // Show the answer as it came (loading its address again would lose the one-time
        // message it carries), under the address it came from.
        if (request.responseURL && request.responseURL !== window.location.href) {
          window.history.replaceState(null, "", request.responseURL);
        }
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () { form.submit(); });
      box.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      request.send(new FormData(form));
    });
  });
})();
