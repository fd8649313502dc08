(function () {
  "use strict";
  var form = document.getElementById("filter");
  var list = document.getElementById("entries");
  var count = document.getElementById("count");
  if (!form || !list || !count) { return; }
  var entries = Array.prototype.slice.call(list.querySelectorAll("[data-entry]"));
  function matches(values, wanted) {
    if (!wanted) { return true; }
    var words = " " + values + " ";
    return words.indexOf(" " + wanted + " ") >= 0 || words.indexOf(" * ") >= 0;
  }
  function apply() {
    var query = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    entries.forEach(function (entry) {
      var ok = matches(entry.getAttribute("data-municipalities"), form.elements.municipality.value)
        && matches(entry.getAttribute("data-fields"), form.elements.field.value)
        && matches(entry.getAttribute("data-groups"), form.elements.group.value)
        && matches(entry.getAttribute("data-languages"), form.elements.language.value)
        && (!query || entry.textContent.toLowerCase().indexOf(query) >= 0);
      entry.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = String(shown);
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  apply();
}());
