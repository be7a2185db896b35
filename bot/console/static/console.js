// まどぐち 職員用: small enhancements only; every page works without this script.
// A form with data-live-count shows, as its boxes are ticked, how many residents it reaches.
document.querySelectorAll("form[data-live-count]").forEach((form) => {
  const out = document.querySelector(form.dataset.liveCount);
  form.addEventListener("change", async () => {
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    const body = await response.json();
    out.textContent = response.ok ? `この条件で届く人: ${body.total} 人` : body.problem;
  });
});

// A form with data-confirm asks before it goes (sending a notice to residents cannot be undone).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
