// Download search only when the reader opens it, not with every page: on mobile data that
// saves about 105 KB a page (the 65 KB index and the 40 KB search worker). Material's
// bundle starts its search worker and requests the index (XMLHttpRequest) as it starts;
// this holds both back until the search box gets focus (a tap on the search button, or
// the "/" and "s" keys), then lets them through. Must run before Material's bundle.
(function () {
  if (location.protocol === "file:") return; // from disk, search loads local files
  var opened = false;
  var waiting = [];
  function whenOpened(callback) {
    if (opened) callback();
    else waiting.push(callback);
  }
  document.addEventListener("focusin", function (event) {
    if (opened || !(event.target.closest && event.target.closest(".md-search"))) return;
    opened = true;
    waiting.splice(0).forEach(function (callback) { callback(); });
  });

  var send = XMLHttpRequest.prototype.send;
  var open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__guideIndex = /\/search\/search_index\.json(\?|#|$)/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (!request.__guideIndex) return send.apply(request, args);
    whenOpened(function () { send.apply(request, args); });
  };

  // A stand-in for the search worker that starts the real one when search is opened,
  // keeping Material's messages until then and passing the worker's answers back.
  var RealWorker = window.Worker;
  if (!RealWorker || typeof EventTarget !== "function") return;
  window.Worker = function (url, options) {
    if (!/\/workers\/search\.[^/]+\.js/.test(String(url))) return new RealWorker(url, options);
    var standIn = new EventTarget();
    var real = null;
    var queue = [];
    whenOpened(function () {
      real = new RealWorker(url, options);
      ["message", "messageerror"].forEach(function (type) {
        real.addEventListener(type, function (event) {
          standIn.dispatchEvent(new MessageEvent(type, { data: event.data }));
        });
      });
      real.addEventListener("error", function () { standIn.dispatchEvent(new Event("error")); });
      queue.splice(0).forEach(function (message) { real.postMessage(message); });
    });
    standIn.postMessage = function (message) {
      if (real) real.postMessage(message);
      else queue.push(message);
    };
    standIn.terminate = function () {
      if (real) real.terminate();
    };
    return standIn;
  };
})();
