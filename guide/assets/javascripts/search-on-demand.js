// Download the search index only when the reader opens the search, not on every page load:
// on mobile data that saves about 65 KB a page. Material's bundle requests the index
// (XMLHttpRequest) as it starts; this holds that one request back until the search box
// gets focus (a tap on the search button, or the "/" and "s" keys), then sends it.
(function () {
  if (location.protocol === "file:") return; // from disk the index is a local script
  var send = XMLHttpRequest.prototype.send;
  var open = XMLHttpRequest.prototype.open;
  var waiting = [];
  var opened = false;
  function release() {
    if (opened) return;
    opened = true;
    waiting.splice(0).forEach(function (held) { send.apply(held.request, held.args); });
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".md-search")) release();
  });
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__guideIndex = /\/search\/search_index\.json(\?|#|$)/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.__guideIndex && !opened) {
      waiting.push({ request: this, args: arguments });
      return;
    }
    return send.apply(this, arguments);
  };
})();
