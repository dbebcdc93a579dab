/* triplec: small behaviours of every page, bound here because the Content-Security-Policy allows no
 * inline scripts or on...= attributes in the templates.
 *
 *   <select data-autosubmit>         submits its form when changed
 *   <button data-show-older>         shows the hidden tr.older rows of the table just before it, then goes
 *   <form data-confirm="question">   asks before submitting (forms that undo something)
 *   <details class="nav-menu">       Escape closes an open menu of the main navigation (Pico's dropdown
 *                                    already closes it on a click elsewhere)
 */
(function () {
  "use strict";

  document.addEventListener("change", function (ev) {
    var field = ev.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) { field.form.requestSubmit(); }
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("[data-show-older]");
    if (!button) { return; }
    var table = button.previousElementSibling;
    if (table) { table.querySelectorAll("tr.older").forEach(function (row) { row.hidden = false; }); }
    button.remove();
  });

  document.addEventListener("submit", function (ev) {
    var question = ev.target.dataset && ev.target.dataset.confirm;
    if (question && !window.confirm(question)) { ev.preventDefault(); }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    document.querySelectorAll("details.nav-menu[open]").forEach(function (menu) { menu.open = false; });
  });
})();
