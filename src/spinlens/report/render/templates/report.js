// Toggle highlights by analyzer and show a focused highlight's explanation for keyboard users.
(function () {
  "use strict";
  var toggles = Array.prototype.slice.call(document.querySelectorAll(".legend input[data-analyzer]"));
  var colors = {};
  toggles.forEach(function (t) { colors[t.dataset.analyzer] = t.dataset.color; });
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.hl"));
  var note = document.getElementById("focus-note");

  // Same rule as html._style: tint of the innermost group, one underline per group (at most 3).
  function restyle() {
    var hidden = {};
    toggles.forEach(function (t) { if (!t.checked) { hidden[t.dataset.analyzer] = true; } });
    marks.forEach(function (m) {
      var shown = m.dataset.analyzers.split(" ").filter(function (a) { return !hidden[a]; });
      // a hidden highlight leaves the Tab order too, so keyboard users skip what they hid
      if (shown.length === 0) { m.classList.add("off"); m.tabIndex = -1; return; }
      m.classList.remove("off");
      m.tabIndex = 0;
      var stripes = shown.slice(0, 3);
      var shadows = stripes.map(function (a, i) { return "inset 0 -" + 3 * (i + 1) + "px 0 " + colors[a]; });
      m.style.backgroundColor = colors[shown[0]] + "1f";
      m.style.boxShadow = shadows.join(", ");
      m.style.paddingBottom = 3 * stripes.length + "px";
    });
  }
  toggles.forEach(function (t) { t.addEventListener("change", restyle); });
  // On paper every reason and the formula are shown (a closed fold prints as one line).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.formula, details.more-reasons"), function (d) { d.open = true; });
  });
  marks.forEach(function (m) {
    m.addEventListener("focus", function () { if (note) { note.textContent = m.title; } });
  });
})();
