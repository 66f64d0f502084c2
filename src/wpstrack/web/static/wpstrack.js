/* wpstrack: two small enhancements of our own; every page works without them.
 *
 * 1. Drop zone: files dropped on a form marked data-dropzone go into its file input, and
 *    the chosen names are listed. The form then submits as usual.
 * 2. Fragment swap (HTMX style): a GET form or link inside an element marked
 *    data-swap="#target" fetches the page it points to, takes the element with the same id
 *    out of the answer and swaps it in, then updates the address bar. The answer is parsed
 *    by DOMParser, whose scripts never run; the server escaped every value in it.
 */
(function () {
  "use strict";

  function listFiles(input, list) {
    if (!list) return;
    list.replaceChildren();
    Array.from(input.files || []).forEach(function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + Math.ceil(file.size / 1024) + " KB)";
      list.appendChild(item);
    });
  }

  function setupDropzone(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".dropzone") || form;
    var list = form.querySelector(".chosen");
    if (!input) return;
    input.addEventListener("change", function () { listFiles(input, list); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        listFiles(input, list);
      }
    });
  }

  function swap(url, selector) {
    var target = document.querySelector(selector);
    if (!target) { window.location.assign(url); return; }
    target.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(selector);
        if (!fresh) throw new Error("no " + selector);
        target.replaceWith(fresh);
        history.pushState({}, "", url);
      })
      .catch(function () { window.location.assign(url); });
  }

  function setupSwap(form) {
    var selector = form.getAttribute("data-swap");
    form.addEventListener("submit", function (event) {
      if ((form.method || "get").toLowerCase() !== "get") return;
      event.preventDefault();
      var params = new URLSearchParams(new FormData(form));
      swap(form.action.split("?")[0] + "?" + params.toString(), selector);
    });
    var region = document.querySelector(selector);
    if (region) {
      region.addEventListener("click", function (event) {
        var link = event.target.closest("a[rel=next]");
        if (!link) return;
        event.preventDefault();
        swap(link.href, selector);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-dropzone]").forEach(setupDropzone);
    document.querySelectorAll("form[data-swap]").forEach(setupSwap);
  });
  window.addEventListener("popstate", function () { window.location.reload(); });
})();
