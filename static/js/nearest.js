// "Offices near me": asks the browser for its location and reloads the office
// list with it (lat, lon); the server sorts offices by distance. Without
// JavaScript or location, people search by name or province instead.
(function () {
  "use strict";
  const button = document.querySelector("[data-nearest]");
  if (button && navigator.geolocation) {
    button.closest("[hidden]").hidden = false;
    button.addEventListener("click", () => {
      const status = button.nextElementSibling;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const url = new URL(window.location.href);
          url.searchParams.set("lat", position.coords.latitude.toFixed(5));
          url.searchParams.set("lon", position.coords.longitude.toFixed(5));
          window.location.assign(url.toString());
        },
        () => { status.textContent = button.dataset.msgDenied; },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  }
  document.querySelectorAll("[data-submit-on-change]").forEach((select) => {
    select.addEventListener("change", () => {
      const district = select.form.querySelector("[name=district]");
      if (select.name === "province" && district) district.value = "";
      select.form.requestSubmit();
    });
  });
})();
