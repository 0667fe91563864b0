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

// Menu groups: one open at a time; Escape or a click elsewhere closes it.
document.addEventListener("DOMContentLoaded", function () {
  var groups = document.querySelectorAll("details.nav-group");
  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) { closeAll(group); }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("details.nav-group")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeAll(null); }
  });
  // A table wider than its box can be scrolled with the keyboard too.
  document.querySelectorAll(".table-wrap").forEach(function (wrap) {
    if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
      wrap.setAttribute("tabindex", "0");
    }
  });
});

// The answer of the coverage check on the home page is read first.
document.addEventListener("DOMContentLoaded", function () {
  var answer = document.getElementById("jawaban-cek");
  if (answer) { answer.focus(); }
});
