// On a document opened from a search: jump to the first marked word, and let 上一处 / 下一处
// (or the n / p keys) move between the marks, saying which one is shown.
(function () {
  const nav = document.querySelector("nav.marks");
  const marks = Array.from(document.querySelectorAll(".document .body mark[id]"));
  if (!nav || marks.length === 0) return;
  const label = nav.querySelector(".where-am-i");
  let current = -1;

  function show(index) {
    if (current >= 0) marks[current].classList.remove("current");
    current = (index + marks.length) % marks.length;
    const mark = marks[current];
    mark.classList.add("current");
    mark.scrollIntoView({block: "center"});
    label.textContent = "第 " + (current + 1) + " / " + marks.length + " 处";
    history.replaceState(null, "", "#" + mark.id);
  }

  nav.querySelector(".next").addEventListener("click", function (event) {
    event.preventDefault();
    show(current + 1);
  });
  nav.querySelector(".prev").addEventListener("click", function (event) {
    event.preventDefault();
    show(current - 1);
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest("input, textarea") || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === "n") show(current + 1);
    if (event.key === "p") show(current - 1);
  });
  const start = marks.findIndex(function (m) { return "#" + m.id === location.hash; });
  show(start >= 0 ? start : 0);
})();
