// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.classList && target.classList.contains("js-autosubmit") && target.form) {
    target.form.submit();
  }
});
