// Small, page-independent behaviour. Everything works without it; it only adds shortcuts.
// Keyboard: on pages with a list of claims (elements with [data-claim-nav]), "j"/"k" move to the
// next/previous claim link and Enter opens it; on a claim page, "j"/"k" follow the
// rel="next"/rel="prev" links. Typing in a field never triggers a shortcut.
(function () {
  "use strict";
  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    if (event.key !== "j" && event.key !== "k") return;
    var forward = event.key === "j";
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-claim-nav]"));
    if (links.length) {
      var index = links.indexOf(document.activeElement);
      var next = index === -1 ? (forward ? 0 : links.length - 1) : index + (forward ? 1 : -1);
      if (next >= 0 && next < links.length) { links[next].focus(); event.preventDefault(); }
      return;
    }
    var rel = document.querySelector(forward ? "a[rel=next]" : "a[rel=prev]");
    if (rel) { window.location.assign(rel.href); event.preventDefault(); }
  });
})();
