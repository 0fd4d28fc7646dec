// Once django-otp-webauthn has registered a security key, go where the portal's answer says (the recovery
// codes, shown once, or the profile): the library's script only reports success.
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const answer = event.detail && event.detail.response;
  if (answer && answer.redirect_url) {
    window.location.assign(answer.redirect_url);
  }
});
