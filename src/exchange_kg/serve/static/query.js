// The query page without a page reload: run the query, show the results part the server
// renders, keep the address shareable. Everything works without this script too.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var run = document.getElementById("run");
  if (!form || !editor || !results || !window.fetch) return;

  var busy = false;

  function runQuery() {
    var query = editor.value;
    if (busy || !query.trim()) return;
    busy = true;
    run.disabled = true;
    status.textContent = "Running…";
    var started = performance.now();
    fetch("/query/results", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: query }).toString()
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      results.innerHTML = html;
      status.textContent = "Done in " + Math.round(performance.now() - started) + " ms";
      if (query.length < 4000) {
        history.replaceState(null, "", "/query?query=" + encodeURIComponent(query));
      }
    }).catch(function () {
      status.textContent = "The server could not be reached.";
    }).then(function () {
      busy = false;
      run.disabled = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    runQuery();
  });

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runQuery();
    } else if (event.key === "Tab" && !event.shiftKey) {
      // indent instead of leaving the editor
      event.preventDefault();
      var start = editor.selectionStart, end = editor.selectionEnd;
      editor.value = editor.value.slice(0, start) + "  " + editor.value.slice(end);
      editor.selectionStart = editor.selectionEnd = start + 2;
    }
  });

  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var template = document.getElementById("example-" + link.getAttribute("data-example"));
      if (!template) return;
      event.preventDefault();
      editor.value = template.content.textContent;
      editor.focus();
      runQuery();
    });
  });
})();
