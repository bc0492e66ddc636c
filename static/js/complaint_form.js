// The complaint pages: the character counter of "what happened", "use my
// location" (the browser's geolocation fills the latitude and longitude),
// emptying the subdistricts when another province is chosen, and "copy the
// link" on the page that gives the tracking link. Everything also works
// without this script: the fields are typed in, the lists are refreshed by
// a button.
(function () {
  "use strict";

  const text = document.querySelector("[data-count-to]");
  const count = document.getElementById("id_description-count");
  if (text && count) {
    const most = Number(text.dataset.countTo);
    const show = () => {
      const length = text.value.trim().length;
      const template = length > most ? count.dataset.countOver : count.dataset.countText;
      count.textContent = template.replace("{count}", length.toLocaleString());
      count.classList.toggle("error-message", length > most);
    };
    text.addEventListener("input", show);
    show();
  }

  const locate = document.querySelector("[data-locate]");
  if (locate && "geolocation" in navigator) {
    const status = document.querySelector("[data-locate-status]");
    const latitude = document.getElementById("id_latitude");
    const longitude = document.getElementById("id_longitude");
    locate.hidden = false;
    locate.addEventListener("click", () => {
      status.textContent = locate.dataset.msgWait;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          status.textContent = locate.dataset.msgDone;
        },
        () => {
          status.textContent = locate.dataset.msgFailed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
  }

  const province = document.getElementById("id_province");
  const subdistrict = document.getElementById("id_subdistrict");
  if (province && subdistrict) {
    province.addEventListener("change", () => {
      subdistrict.length = 1;
      subdistrict.selectedIndex = 0;
    });
  }

  const copy = document.querySelector("[data-copy]");
  const source = document.querySelector("[data-copy-source]");
  if (copy && source && navigator.clipboard) {
    const status = document.querySelector("[data-copy-status]");
    copy.hidden = false;
    copy.addEventListener("click", () => {
      navigator.clipboard.writeText(source.value).then(
        () => { status.textContent = copy.dataset.msgDone; },
        () => { source.select(); },
      );
    });
  }
})();
