/* Village: quick exit, and small progressive enhancements. No build step. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js-enabled");

  function leave(url) {
    document.body.innerHTML = "";
    document.title = ".";
    window.location.replace(url);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".js-quick-exit");
    if (link) {
      event.preventDefault();
      leave(link.href);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".js-print");
    if (button) { window.print(); }
  });

  // After the last answer the vote buttons are gone: focus the heading that says so,
  // rather than leaving keyboard and screen reader users at the top of the page.
  document.addEventListener("htmx:afterSettle", function () {
    var done = document.getElementById("ballot-done");
    if (done && document.activeElement === document.body) { done.focus(); }
  });

  var lastEscape = 0;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    var link = document.querySelector(".js-quick-exit");
    if (link && now - lastEscape < 1000) { leave(link.href); }
    lastEscape = now;
  });

})();
