// E-service forms (templates/eservices/fields/): only enhances pages that work
// without it. Hides and shows questions whose condition is on the same page,
// fills the district and subdistrict lists of an address from the areas API
// as the province and district change, and adds or removes table rows in the
// page instead of going to the server.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  const summary = document.querySelector("[data-error-summary][role=alert]");
  if (summary) summary.focus();

  // --- Conditions -------------------------------------------------------------
  function answersOf(form, name) {
    const inputs = Array.from(form.querySelectorAll("[name]")).filter(
      (input) => input.name === name
    );
    const values = [];
    inputs.forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else if (input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function applyConditions(form) {
    form.querySelectorAll("[data-show-if-field]").forEach((wrapper) => {
      const values = answersOf(form, wrapper.dataset.showIfField);
      wrapper.hidden = !values.includes(wrapper.dataset.showIfEquals);
    });
  }

  document.querySelectorAll("form[data-eform]").forEach((form) => {
    if (!form.querySelector("[data-show-if-field]")) return;
    applyConditions(form);
    form.addEventListener("change", () => applyConditions(form));
  });

  // --- Address: province, district, subdistrict ---------------------------------
  const english = document.documentElement.lang === "en";

  function nameOf(row) {
    return (english && row.name_en) || row.name_th;
  }

  function fill(select, rows) {
    const first = select.options[0];
    select.replaceChildren(first);
    rows
      .slice()
      .sort((a, b) => nameOf(a).localeCompare(nameOf(b), english ? "en" : "th"))
      .forEach((row) => {
        const option = document.createElement("option");
        option.value = row.code;
        option.textContent = nameOf(row);
        option.dataset.postalCodes = (row.postal_codes || []).join(" ");
        select.append(option);
      });
    select.value = "";
  }

  function load(url, select, status) {
    select.disabled = true;
    return fetch(url, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject()))
      .then((body) => fill(select, body.items || []))
      .catch(() => {
        if (status) status.hidden = false;
      })
      .finally(() => {
        select.disabled = false;
      });
  }

  document.querySelectorAll("[data-address]").forEach((group) => {
    const key = group.dataset.address;
    const part = (name) => group.querySelector(`[name="${key}__${name}"]`);
    const province = part("province");
    const district = part("district");
    const subdistrict = part("subdistrict");
    const postal = part("postal_code");
    if (!province || !district || !subdistrict) return;
    province.addEventListener("change", () => {
      fill(subdistrict, []);
      if (!province.value) return fill(district, []);
      const url = new URL(group.dataset.districtsUrl, window.location.origin);
      url.searchParams.set("province", province.value);
      url.searchParams.set("page_size", "200");
      load(url, district);
    });
    district.addEventListener("change", () => {
      if (!district.value) return fill(subdistrict, []);
      const url = new URL(group.dataset.subdistrictsUrl, window.location.origin);
      url.searchParams.set("district", district.value);
      url.searchParams.set("page_size", "200");
      load(url, subdistrict);
    });
    subdistrict.addEventListener("change", () => {
      const chosen = subdistrict.selectedOptions[0];
      const codes = chosen ? (chosen.dataset.postalCodes || "").split(" ") : [];
      if (postal && codes.length === 1 && codes[0]) postal.value = codes[0];
    });
  });

  // --- Tables: add another row, remove a row -----------------------------------
  function renumber(row, key, from, to) {
    const old = `${key}-${from}-`;
    const fresh = `${key}-${to}-`;
    row.dataset.row = String(to);
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((node) => {
      ["name", "id", "for", "aria-describedby"].forEach((attribute) => {
        const value = node.getAttribute(attribute);
        if (value) node.setAttribute(attribute, value.split(old).join(fresh));
      });
    });
    const legend = row.querySelector("legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(to + 1));
    const remove = row.querySelector("button[name=remove_row]");
    if (remove) {
      remove.value = `${key}-${to}`;
      remove.textContent = remove.textContent.replace(/\d+/, String(to + 1));
    }
  }

  document.querySelectorAll("[data-table]").forEach((table) => {
    const add = table.querySelector("button[name=add_row]");
    const rows = () => Array.from(table.querySelectorAll(".eform-row"));
    const limit = Number(table.dataset.maxRows || "0");
    const count = table.querySelector("[data-table-count]");
    // The server reads rows 0 .. count-1; a removed row's gap is read as blank.
    const recount = () => {
      if (!count) return;
      const numbers = rows().map((row) => Number(row.dataset.row));
      count.value = String(numbers.length ? Math.max(...numbers) + 1 : 0);
    };
    table.addEventListener("click", (event) => {
      const remove = event.target.closest("button[name=remove_row]");
      if (!remove) return;
      event.preventDefault();
      const row = remove.closest(".eform-row");
      if (rows().length > 1) {
        const next = row.nextElementSibling || add;
        row.remove();
        if (next) next.focus();
      } else {
        row.querySelectorAll("input, select").forEach((input) => {
          input.value = "";
        });
      }
      if (add) add.hidden = limit > 0 && rows().length >= limit;
      recount();
    });
    if (!add) return;
    add.addEventListener("click", (event) => {
      const all = rows();
      if (!all.length || (limit > 0 && all.length >= limit)) return;
      event.preventDefault();
      const last = all[all.length - 1];
      const highest = Math.max(...all.map((row) => Number(row.dataset.row)));
      const copy = last.cloneNode(true);
      copy.querySelectorAll(".error-message").forEach((node) => node.remove());
      copy.querySelectorAll("[aria-invalid]").forEach((node) => {
        node.removeAttribute("aria-invalid");
      });
      copy.querySelectorAll("[aria-describedby]").forEach((node) => {
        const kept = node
          .getAttribute("aria-describedby")
          .split(" ")
          .filter((id) => id && !id.endsWith("-error"));
        if (kept.length) node.setAttribute("aria-describedby", kept.join(" "));
        else node.removeAttribute("aria-describedby");
      });
      copy.querySelectorAll(".part-error").forEach((node) => {
        node.classList.remove("part-error");
      });
      copy.querySelectorAll("input, select").forEach((input) => {
        input.value = "";
      });
      renumber(copy, table.dataset.table, last.dataset.row, highest + 1);
      last.after(copy);
      add.hidden = limit > 0 && rows().length >= limit;
      recount();
      const first = copy.querySelector("input, select");
      if (first) first.focus();
    });
  });
})();
