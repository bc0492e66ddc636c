// "Read the card": asks the card agent on this computer (card_agent.py) for the
// ID card in the reader and fills the enrolment form. The server checks what is
// filled against the civil registry exactly as it checks typed details.
(function () {
  "use strict";
  const LIFETIME = "9999-12-31";

  function fill(form, name, value) {
    const input = form.querySelector("[name=" + name + "]");
    if (input && value) {
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  async function readCard(button) {
    const form = button.closest("form");
    const status = document.getElementById(button.dataset.status);
    const say = (key) => {
      status.textContent = button.dataset[key] || button.dataset.msg_read_failed;
    };
    button.disabled = true;
    say("msgReading");
    try {
      const response = await fetch(button.dataset.cardAgent + "/card", {
        cache: "no-store",
      });
      const card = await response.json();
      if (!response.ok) {
        say("msg_" + card.error);
        return;
      }
      fill(form, "personal_id", card.personal_id);
      fill(form, "first_name", card.first_name);
      fill(form, "last_name", card.last_name);
      fill(form, "birth_date", card.birth_date);
      fill(form, "card_expiry", card.card_for_life ? LIFETIME : card.card_expiry);
      say(card.card_for_life ? "msgReadForLife" : "msgRead");
      form.querySelector("[name=personal_id]").focus();
    } catch (error) {
      say("msgNoAgent");
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-card-agent]");
    if (button) {
      event.preventDefault();
      readCard(button);
    }
  });
})();
