/* Village circles: the live board, words kept across a step change, and grouping reflections
   into themes by drag and drop or by keyboard. Loaded by the room and facilitate pages only.
   Nothing here is needed for the pages to work: without it, every form posts as a page. */
(function () {
  "use strict";

  var body = document.body;
  var keptWords = "";
  var keptHadFocus = false;
  var focusAfterMove = null;

  /* A card added to a list by a poll replaces any copy of it elsewhere on the page (a card
     moved to another theme, or one the page already had). */
  body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (target.id === "circle-now") {
      var text = target.querySelector("textarea[name=text]");
      keptWords = text ? text.value : "";
      keptHadFocus = Boolean(text && document.activeElement === text);
      return;
    }
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.children) { return; }
    Array.prototype.forEach.call(fragment.children, function (child) {
      if (!child.id) { return; }
      var old = document.getElementById(child.id);
      if (old && old !== target) { old.remove(); }
    });
  });

  body.addEventListener("htmx:oobAfterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "circle-now") { restoreWords(); }
    /* Only once the card has arrived in its new list (not on the status line before it). */
    if (focusAfterMove && target && target.classList && target.classList.contains("village-drop")) {
      var card = document.getElementById(focusAfterMove);
      var link = card && card.querySelector(".js-move");
      if (link) {
        focusAfterMove = null;
        link.focus();
      }
    }
  });

  /* The step moved on while someone was writing: their words stay on the page. */
  function restoreWords() {
    if (!keptWords) { return; }
    var now = document.getElementById("circle-now");
    var box = now && now.querySelector("textarea[name=text]");
    if (box) {
      if (!box.value) { box.value = keptWords; }
    } else {
      var kept = now && now.querySelector(".js-kept-words");
      if (kept) {
        kept.hidden = false;
        var area = kept.querySelector("textarea");
        area.value = keptWords;
        if (keptHadFocus) { area.focus(); }
      }
    }
    keptWords = "";
  }

  /* A form that saved (the server asked for a poll) is cleared for the next entry. */
  body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    var xhr = event.detail.xhr;
    if (!form || !xhr || !form.classList || !form.classList.contains("js-reset-after")) { return; }
    if ((xhr.getResponseHeader("HX-Trigger") || "").indexOf("village-poll") !== -1) {
      form.reset();
      var field = form.querySelector("input[type=text]");
      if (field) { field.focus(); }
    }
  });

  /* --- Grouping (the facilitator's page) ------------------------------------------------ */

  var dialog = document.getElementById("move-dialog");
  if (!dialog) { return; }
  var form = dialog.querySelector(".js-move-form");
  var choices = dialog.querySelector(".js-move-choices");
  var choiceTemplate = dialog.querySelector("template.js-move-choice");
  var noTheme = dialog.querySelector(".js-not-in-theme").textContent;

  function destinations() {
    var list = [{ value: "", label: noTheme }];
    document.querySelectorAll("#board-themes .village-theme").forEach(function (section) {
      var name = section.querySelector(".village-theme__name");
      var drop = section.querySelector(".village-drop");
      if (name && drop) { list.push({ value: drop.dataset.theme, label: name.textContent.trim() }); }
    });
    return list;
  }

  function fillChoices(current) {
    choices.innerHTML = "";
    destinations().forEach(function (place, index) {
      var choice = choiceTemplate.content.firstElementChild.cloneNode(true);
      var input = choice.querySelector("input");
      var label = choice.querySelector("label");
      input.id = "move-choice-" + index;
      input.value = place.value;
      input.checked = place.value === current;
      label.htmlFor = input.id;
      label.textContent = place.label;
      choices.appendChild(choice);
    });
  }

  var openedFrom = null;

  function prepare(card) {
    var list = card.closest(".village-drop");
    form.querySelector(".js-move-reflection").value = card.dataset.reflection;
    dialog.querySelector(".js-move-text").textContent =
      card.querySelector(".village-pre").textContent;
    fillChoices(list ? list.dataset.theme : "");
  }

  /* After a move chosen in the dialog, keyboard focus follows the card to its new theme. */
  form.addEventListener("submit", function () { focusAfterMove = openedFrom; });
  dialog.addEventListener("close", function () { openedFrom = null; });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".js-move");
    if (link && typeof dialog.showModal === "function") {
      event.preventDefault();
      var card = link.closest(".village-reflection");
      prepare(card);
      openedFrom = card.id;
      dialog.showModal();
      var checked = choices.querySelector("input:checked") || choices.querySelector("input");
      if (checked) { checked.focus(); }
    }
    if (event.target.closest && event.target.closest(".js-move-cancel")) {
      dialog.close();
    }
  });

  form.addEventListener("htmx:afterRequest", function () {
    if (dialog.open) { dialog.close(); }
  });

  /* Drag and drop: the same move as the dialog, sent without opening it. */
  var dragged = null;

  /* While a card is being dragged the board does not change under it: a poll due then is
     skipped, and the next one brings every change (it asks from the same version). */
  body.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    if (dragged && config && config.verb === "get") { event.preventDefault(); }
  });

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".village-reflection");
    if (!card) { return; }
    dragged = card;
    card.classList.add("village-reflection--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.reflection);
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("village-reflection--dragging"); }
    dragged = null;
    document.querySelectorAll(".village-drop--over").forEach(function (zone) {
      zone.classList.remove("village-drop--over");
    });
  });

  function dropZone(event) {
    var section = event.target.closest && event.target.closest(".village-theme");
    return section ? section.querySelector(".village-drop") : null;
  }

  document.addEventListener("dragover", function (event) {
    var zone = dragged && dropZone(event);
    if (!zone) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("village-drop--over");
  });

  document.addEventListener("dragleave", function (event) {
    var zone = dropZone(event);
    if (zone && !zone.closest(".village-theme").contains(event.relatedTarget)) {
      zone.classList.remove("village-drop--over");
    }
  });

  document.addEventListener("drop", function (event) {
    var zone = dragged && dropZone(event);
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("village-drop--over");
    var card = dragged;
    if (card.parentNode === zone) { return; }
    prepare(card);
    var choice = choices.querySelector("input[value='" + zone.dataset.theme + "']");
    if (choice) { choice.checked = true; }
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); }
  });
})();
