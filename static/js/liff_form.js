// A form inside LINE (the happiness vote, the complaint form): the LIFF SDK
// signs the person in and the page sends their LINE ID token with the form,
// for the server to verify (it never trusts a user id sent from here).
// Without the SDK (development with LINE_LOGIN_BACKEND=console) the token is
// typed into the field shown instead.
(function () {
  "use strict";
  const form = document.querySelector("[data-liff-form]");
  if (!form) return;
  const field = form.querySelector("[name=id_token]");
  const status = form.querySelector("[data-liff-status]");
  const liffId = form.dataset.liffId;
  const sdk = window.liff;
  let ready = false;

  function say(message) {
    status.textContent = message;
  }

  function takeToken() {
    const token = sdk && ready ? sdk.getIDToken() : null;
    // A token typed for the console login is left as typed.
    if (token && (field.type === "hidden" || !field.value)) field.value = token;
  }

  if (sdk && liffId) {
    sdk
      .init({ liffId: liffId })
      .then(() => {
        if (!sdk.isLoggedIn()) {
          // In a phone's own browser: LINE Login brings the person back here.
          sdk.login({ redirectUri: window.location.href });
          return;
        }
        ready = true;
        takeToken();
      })
      .catch(() => say(form.dataset.msgFailed));
  }

  form.addEventListener("submit", (event) => {
    // A button that only refreshes the form ("Show the districts" without
    // JavaScript) sends nothing that needs the token.
    if (event.submitter && event.submitter.name === "refresh") return;
    takeToken();
    if (field.value || field.type !== "hidden") return;
    // Sent without a token the form would only be refused: say why instead.
    event.preventDefault();
    say(sdk && liffId ? form.dataset.msgWait : form.dataset.msgOutside);
  });
})();
