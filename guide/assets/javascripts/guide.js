// Small accessibility fixes on top of Material for MkDocs, and the lightbox on demand.
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

  // Material gives each code block's copy button a <nav>: one landmark per code block, all
  // with the same name. They are not page regions: drop the landmark, keep the button.
  function unlandmark() {
    document.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  }
  new MutationObserver(unlandmark).observe(document.body, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", unlandmark);

  // The lightbox (GLightbox, about 70 KB) loads the first time a reader taps a figure,
  // not with the page. The build leaves its options and files in #init-glightbox.
  var setup = document.getElementById("init-glightbox");
  if (!setup) return;
  var loading = null;
  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var style = document.createElement("link");
        style.rel = "stylesheet";
        style.href = setup.dataset.css;
        document.head.appendChild(style);
        var script = document.createElement("script");
        script.src = setup.dataset.js;
        script.onload = function () { resolve(GLightbox(JSON.parse(setup.textContent))); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.glightbox");
    if (!link || window.GLightbox) return; // once loaded, GLightbox handles its own clicks
    event.preventDefault();
    var links = Array.prototype.slice.call(document.querySelectorAll("a.glightbox"));
    load().then(function (lightbox) {
      lightbox.openAt(links.indexOf(link));
    }, function () {
      location.href = link.href; // the drawing on its own, if the script cannot load
    });
  });
})();
