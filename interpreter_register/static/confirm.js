// Actions that are hard to undo ask first: a form with data-confirm shows its question in
// a dialog and, once the person agrees, says so to the server (which otherwise asks on a
// page of its own: core/edge.py one_click).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset ? form.dataset.confirm : null;
  if (!question || form.querySelector("input[name=confirmed]")) {
    return;
  }
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  const confirmed = document.createElement("input");
  confirmed.type = "hidden";
  confirmed.name = "confirmed";
  confirmed.value = "yes";
  form.appendChild(confirmed);
});
