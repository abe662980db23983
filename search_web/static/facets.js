// The filters are open beside the results on wide screens and folded behind "筛选" on narrow
// ones. Loaded right after them (not deferred), so a wide page is drawn with them open.
(function () {
  const facets = document.getElementById("facets");
  if (!facets) return;
  const wide = window.matchMedia("(min-width: 801px)");
  function fit() { facets.open = wide.matches; }
  fit();
  wide.addEventListener("change", fit);
})();
