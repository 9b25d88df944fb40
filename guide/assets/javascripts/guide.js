// Small accessibility fixes on top of Material for MkDocs.
(function () {
  // Give the search dialog an accessible name (screen readers announce "Search").
  var search = document.querySelector(".md-search[role='dialog']");
  if (search && !search.hasAttribute("aria-label")) {
    search.setAttribute("aria-label", "Search");
  }
  // Tables wider than the screen scroll sideways: let keyboard users scroll them too.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else {
        table.removeAttribute("tabindex");
      }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
})();
