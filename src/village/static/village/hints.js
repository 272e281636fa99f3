/* Village: language hints beside a text box, as a person pauses typing. No build step.
   A panel [data-hints-for=BOX] with data-hints-url asks for hints about BOX's words about
   300 ms after typing stops (a POST, so the draft never sits in an address); any panel
   [data-hints-for=BOX] offers buttons that put a kinder word in place of a flagged one.
   The panel is a polite live region, and nothing here moves focus while someone types.
   When a form is sent and every panel in it holds the hints for its box's words as sent,
   its hidden [data-hints-shown] fields say so, and the server does not hold the post back
   to show them again (village/language/after_post.py). */
(function () {
  "use strict";
  var PAUSE_MS = 300;
  // Each box -> the words its panel's hints are for: first the words the page came with.
  var shown = new WeakMap();
  var asking = new WeakMap();

  function shownFor(box) {
    if (!shown.has(box)) { shown.set(box, box.defaultValue); }
    return shown.get(box);
  }

  function csrfToken(box) {
    var field = box.form && box.form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function watch(panel) {
    var box = document.getElementById(panel.getAttribute("data-hints-for"));
    var url = panel.getAttribute("data-hints-url");
    if (!box || !url || box.getAttribute("data-hints-watched")) { return; }
    box.setAttribute("data-hints-watched", "1");
    var timer = null;
    var asked = 0;
    var lastSent = null;

    function ask() {
      if (box.value === lastSent) { return; }
      lastSent = box.value;
      var body = new FormData();
      body.append("text", box.value);
      body.append("for", box.id);
      body.append("glossary", panel.getAttribute("data-glossary") || "");
      var ticket = ++asked;
      var sent = box.value;
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(box) }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html !== null && ticket === asked) {
          var live = document.getElementById("hints-" + box.id) || panel;
          live.innerHTML = html;
          shown.set(box, sent);
        }
      }).catch(function () { /* hints are a help, never a hurdle: keep the last ones */ });
    }

    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, PAUSE_MS);
    });
  }

  // A panel that HTMX fills (a conversation statement's checks) is up to date when the
  // request its box made has answered.
  function boxWithPanel(element) {
    return element && element.id && element.form &&
      element.form.querySelector('[data-hints-for="' + element.id + '"]') ? element : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var box = boxWithPanel(event.detail.elt);
    if (box) { shownFor(box); asking.set(event.detail.xhr, box.value); }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var box = boxWithPanel(event.detail.elt);
    if (box && event.detail.successful && asking.has(event.detail.xhr)) {
      shown.set(box, asking.get(event.detail.xhr));
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var panels = form.querySelectorAll("[data-hints-for]");
    for (var i = 0; i < panels.length; i++) {
      var box = document.getElementById(panels[i].getAttribute("data-hints-for"));
      if (!box || shownFor(box) !== box.value) { return; }
    }
    var marks = form.querySelectorAll("input[data-hints-shown]");
    for (var j = 0; j < marks.length; j++) { marks[j].value = "True"; }
  }, true);

  function watchAll() {
    var panels = document.querySelectorAll("[data-hints-url]");
    for (var i = 0; i < panels.length; i++) { watch(panels[i]); }
  }

  function swap(button) {
    var panel = button.closest("[data-hints-for]");
    var box = panel && document.getElementById(panel.getAttribute("data-hints-for"));
    if (!box) { return; }
    var from = button.getAttribute("data-from");
    var to = button.getAttribute("data-to");
    var at = box.value.indexOf(from);
    if (at < 0) { at = box.value.toLowerCase().indexOf(from.toLowerCase()); }
    if (at < 0) { return; }
    box.value = box.value.slice(0, at) + to + box.value.slice(at + from.length);
    // The button is about to go with the hint it belonged to: carry on in the box, just
    // after the new word, rather than be left nowhere.
    box.focus();
    box.setSelectionRange(at + to.length, at + to.length);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".js-hint-swap");
    if (button) { swap(button); }
  });

  document.addEventListener("DOMContentLoaded", watchAll);
  document.addEventListener("htmx:afterSettle", watchAll);
})();
