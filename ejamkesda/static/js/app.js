// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.classList && target.classList.contains("js-autosubmit") && target.form) {
    target.form.submit();
  }
});

// The main menu is a <details> so it folds away on phones without JavaScript; on wide
// screens it starts open.
document.addEventListener("DOMContentLoaded", function () {
  var menu = document.getElementById("menu-utama");
  if (menu && window.matchMedia("(min-width: 48rem)").matches) {
    menu.open = true;
  }
});
