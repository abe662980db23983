// Fill the search box's <datalist> with completions from /api/complete as the user types.
(function () {
  const input = document.querySelector("form.search input[name=q]");
  const list = document.getElementById("completions");
  if (!input || !list) return;
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    const words = input.value.split(/\s+/);
    const last = words.pop();
    if (!last) return;
    timer = setTimeout(async function () {
      const response = await fetch("/api/complete?q=" + encodeURIComponent(last));
      if (!response.ok) return;
      const data = await response.json();
      list.replaceChildren(...data.completions.map(function (word) {
        const option = document.createElement("option");
        option.value = words.concat([word]).join(" ");
        return option;
      }));
    }, 150);
  });
})();
