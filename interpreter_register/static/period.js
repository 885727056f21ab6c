// The report's period form shows only the inputs of the kind of period chosen.
document.addEventListener("change", (event) => {
  if (event.target.id !== "period-kind") {
    return;
  }
  for (const group of event.target.form.querySelectorAll("[data-period]")) {
    group.hidden = group.dataset.period !== event.target.value;
  }
});
