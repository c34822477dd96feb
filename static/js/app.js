// The only script besides htmx. Everything works without it; it adds two things.

// 1. Move focus to the error summary so screen readers announce it.
function focusSummary() {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
}

// 2. Drafts that survive a dropped link: a form marked data-draft="key" is copied to localStorage as
//    it is typed (hidden one-time token included, so a resubmit after a reload still makes one
//    record), filled back in after a reload, and forgotten once the server confirms it saved that
//    token (an element with data-draft-saved, in the body so that boosted pages carry it too).
function draftKey(form) { return "draft:" + form.getAttribute("data-draft"); }

function saveDraft(form) {
  var data = {};
  Array.prototype.forEach.call(form.elements, function (el) {
    if (!el.name || el.name === "csrf_token" || el.type === "submit") return;
    if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
    data[el.name] = el.value;
  });
  try { localStorage.setItem(draftKey(form), JSON.stringify(data)); } catch (e) { /* storage full or off */ }
}

function restoreDraft(form) {
  var raw = null;
  try { raw = localStorage.getItem(draftKey(form)); } catch (e) { return; }
  if (!raw || form.querySelector(".has-error")) return;  // the server's copy of a failed submit wins
  var data = JSON.parse(raw);
  Array.prototype.forEach.call(form.elements, function (el) {
    if (!el.name || !(el.name in data) || el.name === "csrf_token") return;
    if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === data[el.name];
    else el.value = data[el.name];
  });
  var note = form.querySelector(".draft-note");
  if (note) note.hidden = false;
}

function forgetSaved() {
  var marker = document.querySelector("[data-draft-saved]");
  var saved = marker && marker.getAttribute("data-draft-saved");
  if (!saved) return;
  for (var i = localStorage.length - 1; i >= 0; i--) {
    var key = localStorage.key(i);
    if (key.indexOf("draft:") !== 0) continue;
    try { if (JSON.parse(localStorage.getItem(key)).form_token === saved) localStorage.removeItem(key); }
    catch (e) { localStorage.removeItem(key); }
  }
}

function initDrafts(root) {
  forgetSaved();
  Array.prototype.forEach.call(root.querySelectorAll("form[data-draft]"), function (form) {
    if (form.hasAttribute("data-draft-ready")) return;
    form.setAttribute("data-draft-ready", "");
    restoreDraft(form);
    form.addEventListener("input", function () { saveDraft(form); });
    form.addEventListener("change", function () { saveDraft(form); });
  });
}

document.addEventListener("DOMContentLoaded", function () { focusSummary(); initDrafts(document); });
document.addEventListener("htmx:afterSettle", function () { focusSummary(); initDrafts(document); });
