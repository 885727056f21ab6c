// Show only the parts of the request form that fit the chosen way of working
// (on site, telephone, video, written), and the end of a series only when it repeats.
// Without JavaScript every part shows.
(function () {
  "use strict";
  function toggle(form, attribute, value) {
    form.querySelectorAll("[" + attribute + "]").forEach(function (part) {
      var wanted = part.getAttribute(attribute).split(" ");
      part.hidden = value !== null && wanted.indexOf(value) < 0;
    });
  }
  document.querySelectorAll("form.request-form").forEach(function (form) {
    var radios = form.querySelectorAll("input[name=modality]");
    var repeat = form.querySelector("select[name=repeat]");
    function update() {
      var chosen = form.querySelector("input[name=modality]:checked");
      toggle(form, "data-for-modality", chosen ? chosen.value : null);
      if (repeat) { toggle(form, "data-for-repeat", repeat.value); }
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    if (repeat) { repeat.addEventListener("change", update); }
    update();
  });
})();
