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
});

// The answer of the coverage check on the home page is read first.
document.addEventListener("DOMContentLoaded", function () {
  var answer = document.getElementById("jawaban-cek");
  if (answer) { answer.focus(); }
});

// A wide table scrolls sideways inside .table-wrap on a phone: make that region reachable
// and scrollable from the keyboard, and name it (WCAG 2.1.1; axe "scrollable-region-focusable").
document.addEventListener("DOMContentLoaded", function () {
  var wraps = document.querySelectorAll(".table-wrap");
  for (var i = 0; i < wraps.length; i++) {
    var wrap = wraps[i];
    if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) {
      continue;
    }
    var caption = wrap.querySelector("caption");
    var english = document.documentElement.lang === "en";
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : english ? "Table" : "Tabel");
  }
});

// Form error summary (templates/includes/form_errors.html): take focus when the page loads
// (for browsers that ignore autofocus on a non-field), and a link to a field brings the
// field and its label into view before focusing it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
document.addEventListener("click", function (event) {
  var link = event.target && event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
  if (!link) {
    return;
  }
  var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
  if (!field) {
    return;
  }
  event.preventDefault();
  var box = field.closest(".field") || field;
  box.scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});
