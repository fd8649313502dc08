(function () {
  "use strict";
  var form = document.getElementById("filter");
  var list = document.getElementById("offers");
  var count = document.getElementById("count");
  var more = document.getElementById("more");
  if (!form || !list || !count || !more) { return; }
  // Only the first LIMIT matches are in the page until the reader asks for all (or
  // prints): laying out thousands of entries on every change would make the filter slow.
  var LIMIT = 100;
  var all = false;
  var matching = [];
  var fields = form.elements;
  // Read every offer's filter values once; filtering then touches only what changes.
  var items = Array.prototype.map.call(list.querySelectorAll("[data-offer]"), function (li) {
    function words(name) { return " " + (li.getAttribute(name) || "") + " "; }
    function age(name) { var v = li.getAttribute(name); return v === "" || v === null ? null : Number(v); }
    return {
      li: li,
      actor: li.getAttribute("data-actor"),
      municipalities: words("data-municipalities"),
      fields: words("data-fields"),
      groups: words("data-groups"),
      languages: words("data-languages"),
      days: words("data-days"),
      free: li.getAttribute("data-free") === "1",
      minAge: age("data-min-age"),
      maxAge: age("data-max-age"),
      text: null
    };
  });
  function has(words, wanted, wildcard) {
    if (!wanted) { return true; }
    return words.indexOf(" " + wanted + " ") >= 0 || (wildcard && words.indexOf(" * ") >= 0);
  }
  function apply() {
    var query = fields.q.value.trim().toLowerCase();
    var ageText = fields.age.value.trim();
    var age = ageText === "" ? null : Number(ageText);
    var municipality = fields.municipality.value, field = fields.field.value;
    var group = fields.group.value, language = fields.language.value;
    var day = fields.day.value, actor = fields.actor.value, free = fields.free.checked;
    matching = [];
    all = false;
    for (var i = 0; i < items.length; i += 1) {
      var it = items[i];
      var ok = has(it.municipalities, municipality, true)
        && has(it.fields, field, false)
        && has(it.groups, group, true)
        && has(it.languages, language, false)
        && has(it.days, day, false)
        && (!actor || it.actor === actor)
        && (!free || it.free)
        && (age === null || isNaN(age)
          || ((it.minAge === null || age >= it.minAge) && (it.maxAge === null || age <= it.maxAge)));
      if (ok && query) {
        if (it.text === null) { it.text = it.li.textContent.toLowerCase(); }
        ok = it.text.indexOf(query) >= 0;
      }
      if (ok) { matching.push(it.li); }
    }
    count.textContent = String(matching.length);
    show();
  }
  function show() {
    var shown = all ? matching : matching.slice(0, LIMIT);
    var fragment = document.createDocumentFragment();
    for (var i = 0; i < shown.length; i += 1) { fragment.appendChild(shown[i]); }
    list.textContent = "";
    list.appendChild(fragment);
    more.hidden = shown.length >= matching.length;
  }
  more.addEventListener("click", function () { all = true; show(); });
  window.addEventListener("beforeprint", function () { if (!all) { all = true; show(); } });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  window.wegweiserFilter = apply;
  form.hidden = false;
  apply();
}());
