// Small progressive help; every page works without it.
// 1) The guardrails' feedback while a reply is typed (a JSON check, nothing recorded).
// 2) A confirm before ignoring a review.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  var form = document.querySelector("form[data-check]");
  if (!form) return;
  var box = form.querySelector("textarea");
  var out = document.getElementById("guard");
  var timer = null;
  var seq = 0;

  function show(result) {
    out.textContent = "";
    out.className = "guard";
    if (result.error) { out.textContent = result.error; return; }
    if (result.ok) { out.textContent = "✓ 可以发布"; out.className = "guard ok"; return; }
    var title = document.createElement("div");
    title.textContent = "不能发布：";
    var list = document.createElement("ul");
    result.violations.forEach(function (v) {
      var item = document.createElement("li");
      item.textContent = v.message + (v.suggestion ? v.suggestion : "") + (v.span ? "（「" + v.span + "」）" : "");
      list.appendChild(item);
    });
    out.appendChild(title);
    out.appendChild(list);
  }

  function check() {
    var mine = ++seq;
    fetch(form.getAttribute("data-check"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ text: box.value })
    }).then(function (r) { return r.json(); })
      .then(function (result) { if (mine === seq) show(result); })
      .catch(function () {});
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  });
})();
