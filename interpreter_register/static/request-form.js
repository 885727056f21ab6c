// Show only the parts of the request form that fit the chosen way of working
// (on site, telephone, video, written). Without JavaScript every part shows.
(function () {
  "use strict";
  document.querySelectorAll("form.request-form").forEach(function (form) {
    var radios = form.querySelectorAll("input[name=modality]");
    function update() {
      var chosen = form.querySelector("input[name=modality]:checked");
      var value = chosen ? chosen.value : "";
      form.querySelectorAll("[data-for-modality]").forEach(function (part) {
        part.hidden = value !== "" && part.dataset.forModality.split(" ").indexOf(value) < 0;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
