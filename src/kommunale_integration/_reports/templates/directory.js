(function () {
  "use strict";
  var form = document.getElementById("filter");
  var list = document.getElementById("offers");
  var count = document.getElementById("count");
  var more = document.getElementById("more");
  if (!form || !list || !count || !more) { return; }
  // Only the first LIMIT matches are in the page, LIMIT more each time the reader asks
  // for more, all of them while printing: thousands of entries laid out on the screen
  // would make every change of the filter slow (taking them out again costs as much).
  var LIMIT = 100;
  var fields = form.elements;
  var items = Array.prototype.slice.call(list.querySelectorAll("[data-offer]"));
  var n = items.length;
  var WORDS = (n + 31) >>> 5;
  // The filter index, read from the entries' data attributes once: for each filter and
  // value a bitset of the offers it matches (bit i = the i-th entry of the list), so a
  // change of the filter is a few AND operations over n / 32 words.
  var NAMES = { municipality: "data-municipalities", field: "data-fields", group: "data-groups",
    language: "data-languages", day: "data-days", actor: "data-actor" };
  var index = {};
  var wildcard = {};  // "*": an offer for every municipality, or for every target group
  var free = new Uint32Array(WORDS);
  var minAge = new Float64Array(n);
  var maxAge = new Float64Array(n);
  var texts = new Array(n);  // lower-case text of each entry for the search, read when idle
  var textsRead = 0;
  Object.keys(NAMES).forEach(function (name) { index[name] = Object.create(null); });
  function set(bits, i) { bits[i >>> 5] |= 1 << (i & 31); }
  for (var i = 0; i < n; i += 1) {
    var li = items[i];
    for (var name in NAMES) {
      var values = (li.getAttribute(NAMES[name]) || "").split(" ");
      for (var v = 0; v < values.length; v += 1) {
        var value = values[v];
        if (!value) { continue; }
        var table = value === "*" ? wildcard : index[name];
        var key = value === "*" ? name : value;
        if (!table[key]) { table[key] = new Uint32Array(WORDS); }
        set(table[key], i);
      }
    }
    if (li.getAttribute("data-free") === "1") { set(free, i); }
    var low = li.getAttribute("data-min-age"), high = li.getAttribute("data-max-age");
    minAge[i] = low ? Number(low) : -Infinity;
    maxAge[i] = high ? Number(high) : Infinity;
  }
  var EMPTY = new Uint32Array(WORDS);
  var combined = {};  // value bitset OR the wildcard, once per filter and value
  function bitsFor(name, value) {
    var key = name + " " + value;
    if (!combined[key]) {
      var own = index[name][value] || EMPTY, any = wildcard[name];
      if (!any) { combined[key] = own; } else {
        var both = new Uint32Array(WORDS);
        for (var w = 0; w < WORDS; w += 1) { both[w] = own[w] | any[w]; }
        combined[key] = both;
      }
    }
    return combined[key];
  }
  function readTexts(until) {
    for (; textsRead < until; textsRead += 1) {
      texts[textsRead] = items[textsRead].textContent.toLowerCase();
    }
  }
  var matching = [];
  var shown = [];
  var wanted = LIMIT;  // how many matches the reader asked to see
  var printing = false;
  var state = null;
  function apply() {
    var query = fields.q.value.trim().toLowerCase();
    var ageText = fields.age.value.trim();
    var age = ageText === "" ? NaN : Number(ageText);
    var choice = [fields.municipality.value, fields.field.value, fields.group.value,
      fields.language.value, fields.day.value, fields.actor.value, fields.free.checked,
      age, query].join("\u0000");
    if (choice === state) { return; }  // a select fires "input" and "change": once is enough
    state = choice;
    var acc = new Uint32Array(WORDS);
    acc.fill(0xFFFFFFFF);
    var active = [["municipality", fields.municipality.value], ["field", fields.field.value],
      ["group", fields.group.value], ["language", fields.language.value],
      ["day", fields.day.value], ["actor", fields.actor.value]];
    for (var a = 0; a < active.length; a += 1) {
      if (!active[a][1]) { continue; }
      var bits = bitsFor(active[a][0], active[a][1]);
      for (var w = 0; w < WORDS; w += 1) { acc[w] &= bits[w]; }
    }
    if (fields.free.checked) {
      for (var f = 0; f < WORDS; f += 1) { acc[f] &= free[f]; }
    }
    if (query) { readTexts(n); }
    matching = [];
    for (var word = 0; word < WORDS; word += 1) {
      var bitsLeft = acc[word];
      while (bitsLeft) {
        var low = bitsLeft & -bitsLeft;
        var i = (word << 5) + (31 - Math.clz32(low));
        bitsLeft ^= low;
        if (i >= n) { break; }
        if (!isNaN(age) && (age < minAge[i] || age > maxAge[i])) { continue; }
        if (query && texts[i].indexOf(query) < 0) { continue; }
        matching.push(items[i]);
      }
    }
    wanted = LIMIT;
    count.textContent = String(matching.length);
    show();
  }
  function show() {
    var next = printing ? matching : matching.slice(0, wanted);
    var kept = 0;  // the entries already in place at the top of the list stay
    while (kept < next.length && kept < shown.length && next[kept] === shown[kept]) { kept += 1; }
    if (kept < shown.length) {
      if (kept === 0) { list.textContent = ""; } else {
        for (var k = shown.length - 1; k >= kept; k -= 1) { list.removeChild(shown[k]); }
      }
    }
    if (kept < next.length) {
      var fragment = document.createDocumentFragment();
      for (var j = kept; j < next.length; j += 1) { fragment.appendChild(next[j]); }
      list.appendChild(fragment);
    }
    shown = next;
    more.hidden = next.length >= matching.length;
  }
  more.addEventListener("click", function () { wanted += LIMIT; show(); });
  window.addEventListener("beforeprint", function () { printing = true; show(); });
  window.addEventListener("afterprint", function () { printing = false; show(); });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  window.wegweiserFilter = apply;
  shown = items;
  form.hidden = false;
  apply();
  // lay out the shortened list now, while the page loads, not on the reader's first change
  void list.offsetHeight;
  // Read the entries' texts for the search in small steps while the reader is idle, so
  // that the first search does not read all of them at once.
  var idle = window.requestIdleCallback
    ? window.requestIdleCallback.bind(window)
    : function (step) { window.setTimeout(step, 50); };
  (function step() {
    readTexts(Math.min(n, textsRead + 500));
    if (textsRead < n) { idle(step); }
  }());
}());
