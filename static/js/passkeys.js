// Passkeys (WebAuthn): the browser half. Buttons carry their endpoints in data-*
// attributes; the server (py_webauthn) makes the challenge and checks the answer.
(function () {
  "use strict";

  function toBytes(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function toBase64url(buffer) {
    const text = String.fromCharCode.apply(null, new Uint8Array(buffer));
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    const field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? "{}" : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      // A sensitive change with an old second factor: give it again first.
      if (data.step_up_url) {
        window.location.assign(data.step_up_url);
      }
      throw new Error(data.title || response.statusText);
    }
    return data;
  }

  function showError(button, error) {
    const box = document.getElementById(button.dataset.errorTarget);
    if (box) {
      box.hidden = false;
      box.textContent = error.message || String(error);
      box.focus();
    }
  }

  async function register(button) {
    const options = await post(button.dataset.optionsUrl);
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    (options.excludeCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
    const credential = await navigator.credentials.create({ publicKey: options });
    const nameField = document.getElementById(button.dataset.nameField);
    const result = await post(button.dataset.verifyUrl, {
      name: nameField ? nameField.value : "",
      credential: {
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toBase64url(credential.response.clientDataJSON),
          attestationObject: toBase64url(credential.response.attestationObject),
          transports: credential.response.getTransports ? credential.response.getTransports() : [],
        },
        clientExtensionResults: credential.getClientExtensionResults(),
      },
    });
    window.location.assign(result.next);
  }

  async function authenticate(button) {
    const options = await post(button.dataset.optionsUrl);
    options.challenge = toBytes(options.challenge);
    (options.allowCredentials || []).forEach((c) => { c.id = toBytes(c.id); });
    const credential = await navigator.credentials.get({ publicKey: options });
    const result = await post(button.dataset.verifyUrl, {
      credential: {
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toBase64url(credential.response.clientDataJSON),
          authenticatorData: toBase64url(credential.response.authenticatorData),
          signature: toBase64url(credential.response.signature),
          userHandle: credential.response.userHandle ? toBase64url(credential.response.userHandle) : null,
        },
        clientExtensionResults: credential.getClientExtensionResults(),
      },
    });
    window.location.assign(result.next);
  }

  function wire(selector, action) {
    document.querySelectorAll(selector).forEach((button) => {
      if (!window.PublicKeyCredential) {
        button.hidden = true;
        return;
      }
      button.hidden = false;
      button.addEventListener("click", () => {
        action(button).catch((error) => showError(button, error));
      });
    });
  }

  wire("[data-passkey-register]", register);
  wire("[data-passkey-authenticate]", authenticate);
})();
