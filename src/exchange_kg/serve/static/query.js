// The query page's editor and results without page reloads. Everything here is an addition:
// without this script (or without CodeMirror, static/vendor/codemirror.min.js) the form sends
// the query and the server renders the same results, sorted and paged by form buttons.
//
// - the editor: CodeMirror 6 with SPARQL highlighting, completion of prefixes, of the classes,
//   properties and concepts the dataset uses (/query/completions.json) and of institution
//   names (/institutions.json?q=), markers for undeclared prefixes (with a fix) and for the
//   server's syntax error, at its line and column;
// - results swapped in from /query/results, their sort and page buttons too; the address bar
//   always holds a link to the query; "Copy link" puts it on the clipboard;
// - the session's queries, kept in sessionStorage (this tab only) and listed beside the editor.
(function () {
  "use strict";
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const run = document.getElementById("run");
  if (!form || !textarea || !results || !window.fetch) return;
  document.querySelectorAll(".js-only").forEach((el) => { el.hidden = false; });

  const editor = window.CM ? codeMirror(window.CM) : plainTextarea();

  // --- running a query ----------------------------------------------------------------------

  let busy = false;

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    });
  }

  function show(response, query, started) {
    return response.text().then((html) => {
      results.innerHTML = html;
      const page = response.headers.get("X-Query-Page");
      if (page && page.length < 8000) history.replaceState(null, "", page);
      const error = document.getElementById("syntax-error");
      if (error) {
        editor.showError(Number(error.dataset.line), Number(error.dataset.column),
                         error.dataset.message);
      } else {
        editor.showError(null);
      }
      const summary = document.getElementById("result-summary");
      const outcome = summary ? Number(summary.dataset.rows) : (error ? "syntax error" : "error");
      status.textContent = "Done in " + Math.round(performance.now() - started) + " ms";
      return outcome;
    });
  }

  function runQuery() {
    const query = editor.value();
    if (busy || !query.trim()) return;
    busy = true;
    run.disabled = true;
    status.textContent = "Running…";
    const started = performance.now();
    post("/query/results", new URLSearchParams({ query: query }))
      .then((response) => show(response, query, started))
      .then((outcome) => remember(query, outcome))
      .catch(() => { status.textContent = "The server could not be reached."; })
      .then(() => { busy = false; run.disabled = false; });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runQuery();
  });

  // the result's headings and pager are buttons of the #result-controls form
  results.addEventListener("submit", (event) => {
    const controls = event.target;
    if (controls.id !== "result-controls" || busy) return;
    event.preventDefault();
    const data = new URLSearchParams(new FormData(controls, event.submitter));
    busy = true;
    status.textContent = "Loading…";
    const started = performance.now();
    const focused = event.submitter && event.submitter.name === "sort"
      ? event.submitter.value : null;
    post("/query/results", data)
      .then((response) => show(response, data.get("query"), started))
      .then(() => {
        // keep the keyboard where it was: on the heading just clicked, else on the table
        const target = focused
          ? results.querySelector('button.sort[value="' + CSS.escape(focused) + '"]')
          : results.querySelector("table.results");
        if (target) {
          if (!focused) target.setAttribute("tabindex", "-1");
          target.focus();
        }
      })
      .catch(() => { status.textContent = "The server could not be reached."; })
      .then(() => { busy = false; });
  });

  document.querySelectorAll("[data-example]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const template = document.getElementById("example-" + link.getAttribute("data-example"));
      if (!template) return;
      event.preventDefault();
      editor.setValue(template.content.textContent);
      editor.focus();
      runQuery();
    });
  });

  // --- sharing ------------------------------------------------------------------------------

  const share = document.getElementById("share");
  if (share) {
    share.addEventListener("click", () => {
      const link = location.origin + "/query?query=" + encodeURIComponent(editor.value());
      const done = () => { status.textContent = "Link copied to the clipboard."; };
      const shown = () => {
        history.replaceState(null, "", link);
        status.textContent = "The address bar now links to this query.";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(done, shown);
      } else {
        shown();
      }
    });
  }

  // --- the session's queries ----------------------------------------------------------------

  const HISTORY_KEY = "exchange-kg.query-history";
  const HISTORY_SIZE = 30;
  const historyList = document.getElementById("history-list");

  function readHistory() {
    try {
      return JSON.parse(sessionStorage.getItem(HISTORY_KEY) || "[]");
    } catch (e) {
      return [];
    }
  }

  function writeHistory(entries) {
    try {
      sessionStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, HISTORY_SIZE)));
    } catch (e) { /* storage full or disabled: the list stays as it is */ }
    renderHistory();
  }

  function remember(query, outcome) {
    const entries = readHistory().filter((e) => e.query !== query);
    entries.unshift({ query: query, at: Date.now(), outcome: outcome });
    writeHistory(entries);
  }

  function title(query) {
    // a query's leading comment names it (as the examples do); else its first real line
    const lines = query.split("\n").map((l) => l.trim()).filter(Boolean);
    const comment = lines.find((l) => l.startsWith("#"));
    if (comment && lines[0].startsWith("#")) return comment.replace(/^#+\s*/, "");
    return lines.find((l) => !/^(prefix|base)\b/i.test(l)) || lines[0] || "";
  }

  function renderHistory() {
    if (!historyList) return;
    const entries = readHistory();
    historyList.replaceChildren(...entries.map((entry) => {
      const item = document.createElement("li");
      const load = document.createElement("button");
      load.type = "button";
      load.className = "link";
      load.textContent = title(entry.query).slice(0, 120);
      load.title = entry.query;
      load.addEventListener("click", () => {
        editor.setValue(entry.query);
        editor.focus();
        status.textContent = "Loaded into the editor; run it with Ctrl+Enter.";
      });
      const meta = document.createElement("span");
      meta.className = "note";
      const when = new Date(entry.at).toLocaleTimeString([], { hour: "2-digit",
                                                               minute: "2-digit" });
      meta.textContent = " " + when + " · " + (typeof entry.outcome === "number"
        ? entry.outcome.toLocaleString() + (entry.outcome === 1 ? " row" : " rows")
        : entry.outcome);
      item.append(load, meta);
      return item;
    }));
    document.getElementById("history-empty").hidden = entries.length > 0;
    document.getElementById("history-clear").hidden = entries.length === 0;
  }

  const clear = document.getElementById("history-clear");
  if (clear) clear.addEventListener("click", () => writeHistory([]));
  renderHistory();

  // --- the editor ---------------------------------------------------------------------------

  function plainTextarea() {
    // without CodeMirror: the textarea, with Ctrl+Enter and Tab
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        runQuery();
      }
    });
    return {
      value: () => textarea.value,
      setValue: (text) => { textarea.value = text; },
      focus: () => textarea.focus(),
      showError: () => {}
    };
  }

  function codeMirror(CM) {
    const vocabulary = fetch("/query/completions.json")
      .then((r) => r.json())
      .catch(() => ({ prefixes: {}, terms: [] }));

    // SPARQL tokens from CodeMirror's SPARQL mode, with IRIs, prefixed names and numbers
    // told apart (the mode calls all three "atom" or "variable")
    const mode = Object.assign({}, CM.sparql, {
      token(stream, state) {
        const style = CM.sparql.token(stream, state);
        const text = stream.current();
        if (style === "atom") return text.startsWith("<") ? "url" : "namespace";
        if (style === "variable" && /^[+-]?\d/.test(text)) return "number";
        return style;
      }
    });
    const highlight = CM.HighlightStyle.define([
      { tag: CM.tags.keyword, color: "#8250df", fontWeight: "600" },
      { tag: CM.tags.standard(CM.tags.variableName), color: "#8250df" },
      { tag: CM.tags.local(CM.tags.variableName), color: "#953800" },
      { tag: CM.tags.url, color: "#0550ae" },
      { tag: CM.tags.namespace, color: "#0550ae" },
      { tag: CM.tags.string, color: "#116329" },
      { tag: CM.tags.meta, color: "#116329" },
      { tag: CM.tags.number, color: "#0a3069" },
      { tag: CM.tags.comment, color: "#57606a", fontStyle: "italic" },
      { tag: CM.tags.operator, color: "#cf222e" }
    ]);

    // --- diagnostics: the server's syntax error and undeclared prefixes

    const setServerError = CM.StateEffect.define();
    const serverError = CM.StateField.define({
      create: () => null,
      update(value, tr) {
        for (const effect of tr.effects) if (effect.is(setServerError)) return effect.value;
        if (!value || !tr.docChanged) return value;
        // an edit at the marked spot means the user is fixing it
        if (tr.changes.touchesRange(value.from, value.to)) return null;
        return Object.assign({}, value, { from: tr.changes.mapPos(value.from),
                                          to: tr.changes.mapPos(value.to) });
      }
    });

    function declared(text) {
      const names = new Set();
      const re = /\bprefix\s+([A-Za-z][\w.-]*)?:\s*</gi;
      let m;
      while ((m = re.exec(text))) names.add(m[1] || "");
      return names;
    }

    function declare(view, name, namespace) {
      // a PREFIX line after the last one (or at the top, after leading comments)
      const doc = view.state.doc;
      let at = 0;
      for (let i = 1; i <= doc.lines; i++) {
        const line = doc.line(i);
        if (/^\s*(prefix|base)\b/i.test(line.text)) at = line.to + 1;
        else if (/^\s*#/.test(line.text) && at === line.from) at = line.to + 1;
        else if (line.text.trim()) break;
      }
      at = Math.min(at, doc.length);
      const text = "PREFIX " + name + ": <" + namespace + ">\n";
      return { from: at, insert: at === doc.length && doc.length && !doc.toString().endsWith("\n")
        ? "\n" + text : text };
    }

    let known = { prefixes: {}, terms: [] };
    vocabulary.then((v) => { known = v; });

    function lintQuery(view) {
      const found = [];
      const state = view.state;
      const names = declared(state.doc.toString());
      CM.syntaxTree(state).iterate({
        enter(node) {
          if (node.name !== "namespace") return;
          const text = state.doc.sliceString(node.from, node.to);
          const colon = text.indexOf(":");
          if (colon < 0) return;
          const name = text.slice(0, colon);
          // the declaration itself: "PREFIX xkg:"
          const before = state.doc.sliceString(Math.max(0, node.from - 20), node.from);
          if (/prefix\s+$/i.test(before) || names.has(name)) return;
          const namespace = known.prefixes[name];
          found.push({
            from: node.from,
            to: node.from + colon + 1,
            severity: "error",
            message: "The prefix " + name + ": is not declared" +
              (namespace ? " (" + name + ": is usually <" + namespace + ">)." : "."),
            actions: namespace ? [{
              name: "Declare " + name + ":",
              apply(v) { v.dispatch({ changes: declare(v, name, namespace) }); }
            }] : []
          });
        }
      });
      const error = state.field(serverError);
      if (error) found.push(error);
      return found;
    }

    // --- completion

    const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "PREFIX", "BASE", "CONSTRUCT", "DESCRIBE",
      "ASK", "FROM", "NAMED", "GRAPH", "OPTIONAL", "FILTER", "UNION", "MINUS", "BIND", "VALUES",
      "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "COUNT", "SUM", "MIN",
      "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND",
      "IRI", "CONTAINS", "STRSTARTS", "REGEX", "LCASE", "UCASE", "YEAR", "COALESCE", "IF",
      "EXISTS", "NOT EXISTS", "AS", "IN", "NOT IN", "SEPARATOR"];
    const KIND_RANK = { class: 3, property: 2, concept: 1, scheme: 0 };

    function termDetail(term) {
      const count = term.count ? term.count.toLocaleString() + "×" : "";
      return [term.kind, count].filter(Boolean).join(" · ");
    }

    function termInfo(term) {
      return () => {
        const box = document.createElement("div");
        const head = document.createElement("strong");
        head.textContent = term.label || term.iri;
        const iri = document.createElement("div");
        iri.className = "cm-info-iri";
        iri.textContent = term.iri;
        box.append(head, iri);
        if (term.comment) {
          const text = document.createElement("p");
          const comment = term.comment.replace(/\s+/g, " ").trim();
          text.textContent = comment.length > 400 ? comment.slice(0, 399) + "…" : comment;
          box.append(text);
        }
        return box;
      };
    }

    function withDeclaration(name, namespace, text) {
      return (view, completion, from, to) => {
        const changes = [{ from: from, to: to, insert: text }];
        if (!declared(view.state.doc.toString()).has(name)) {
          changes.push(declare(view, name, namespace));
        }
        view.dispatch({ changes: changes, selection: { anchor: from + text.length },
                        scrollIntoView: true });
      };
    }

    function institutions(word, signal) {
      const url = "/institutions.json?" + new URLSearchParams({ q: word, size: "12",
                                                                sort: "agreements", desc: "1" });
      return fetch(url, { signal: signal }).then((r) => r.json()).then((data) => data.rows)
        .catch(() => []);
    }

    function complete(context) {
      const state = context.state;
      const node = CM.syntaxTree(state).resolveInner(context.pos, -1);
      if (node.name === "comment") return null;
      const line = state.doc.lineAt(context.pos);
      const before = line.text.slice(0, context.pos - line.from);
      return vocabulary.then((vocab) => {
        // inside a string: institution names (for a label filter)
        if (node.name === "string") {
          const open = before.search(/["'][^"']*$/);
          const word = open >= 0 ? before.slice(open + 1) : "";
          if (word.length < 3) return null;
          const controller = new AbortController();
          context.addEventListener("abort", () => controller.abort());
          return institutions(word, controller.signal).then((rows) => ({
            from: context.pos - word.length,
            options: rows.filter((r) => r.label).map((r) => ({
              label: r.label, type: "text",
              detail: [r.country, r.agreements + " agreements"].filter(Boolean).join(" · ")
            })),
            filter: false
          }));
        }
        // PREFIX declarations
        const declaring = /\bprefix\s+([\w.-]*)$/i.exec(before);
        if (declaring) {
          return {
            from: context.pos - declaring[1].length,
            options: Object.entries(vocab.prefixes).map(([name, ns]) => ({
              label: name + ":", apply: name + ": <" + ns + ">", detail: ns, type: "namespace"
            }))
          };
        }
        // a prefixed name: terms in that namespace
        const prefixed = /([A-Za-z][\w.-]*)?:([\w.-]*)$/.exec(before);
        if (prefixed && !/[<"]/.test(before.slice(-prefixed[0].length - 1, -prefixed[0].length))) {
          const name = prefixed[1] || "";
          const docPrefixes = {};
          const re = /\bprefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>/gi;
          let m;
          const text = state.doc.toString();
          while ((m = re.exec(text))) docPrefixes[m[1] || ""] = m[2];
          const namespace = docPrefixes[name] || vocab.prefixes[name];
          if (!namespace) return null;
          const afterA = /\sa\s+[\w.-]*:[\w.-]*$/.test(before);
          const options = vocab.terms.filter((t) => t.iri.startsWith(namespace) &&
                                                    t.iri.length > namespace.length)
            .map((t) => {
              const local = t.iri.slice(namespace.length);
              const text = name + ":" + local;
              return {
                label: text, detail: termDetail(t), info: termInfo(t),
                type: t.kind === "class" ? "class" : t.kind === "property" ? "property"
                  : "constant",
                boost: (afterA ? (t.kind === "class" ? 20 : -20) : 0) + KIND_RANK[t.kind],
                apply: withDeclaration(name, namespace, text)
              };
            });
          return { from: context.pos - prefixed[0].length, options: options,
                   validFor: /^[\w.-]*:?[\w.-]*$/ };
        }
        // variables already in the query
        const variable = /[?$][\w]*$/.exec(before);
        if (variable) {
          const seen = new Set(state.doc.toString().match(/[?$][A-Za-z_]\w*/g) || []);
          seen.delete(variable[0]);
          return { from: context.pos - variable[0].length,
                   options: [...seen].map((v) => ({ label: v, type: "variable" })) };
        }
        // a word: keywords, prefixes, and institutions by name (inserted as their IRI)
        const word = context.matchBefore(/[A-Za-z][\w-]*/);
        if (!word && !context.explicit) return null;
        const from = word ? word.from : context.pos;
        const typed = word ? word.text : "";
        const options = KEYWORDS.map((k) => ({ label: k, type: "keyword", boost: 2 }))
          .concat(Object.entries(vocab.prefixes).map(([name, ns]) => ({
            label: name + ":", detail: ns, type: "namespace", boost: 1,
            apply: withDeclaration(name, ns, name + ":")
          })));
        if (typed.length < 3) return { from: from, options: options };
        // institutions come filtered by the server; the rest is filtered here to match
        const lower = typed.toLowerCase();
        const matching = options.filter((o) => o.label.toLowerCase().startsWith(lower));
        const controller = new AbortController();
        context.addEventListener("abort", () => controller.abort());
        return institutions(typed, controller.signal).then((rows) => ({
          from: from,
          options: matching.concat(rows.map((r) => ({
            label: r.label || r.iri, type: "text", boost: -1,
            detail: [r.country, r.agreements + " agreements"].filter(Boolean).join(" · "),
            info: "Inserts the institution's IRI: <" + r.iri + ">",
            apply: "<" + r.iri + ">"
          }))),
          filter: false
        }));
      });
    }

    const theme = CM.EditorView.theme({
      "&": { fontSize: "0.86rem", border: "1px solid #b8c2cc", borderRadius: "8px",
             background: "#fbfcfd" },
      "&.cm-focused": { outline: "3px solid #f0b400", outlineOffset: "2px", background: "#fff" },
      ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5", minHeight: "18rem",
                        maxHeight: "70vh", overflow: "auto" },
      ".cm-content": { padding: "0.6rem 0" },
      ".cm-gutters": { background: "#f6f8fa", color: "#59636e", borderRight: "1px solid #d8dee4",
                       borderRadius: "8px 0 0 8px" },
      ".cm-activeLine": { background: "#f3f6fa" },
      ".cm-activeLineGutter": { background: "#e6ebf1", color: "#1f2328" },
      ".cm-tooltip.cm-tooltip-autocomplete > ul": { fontFamily: "var(--mono)",
                                                    maxHeight: "16rem" },
      ".cm-completionDetail": { color: "#59636e", fontStyle: "normal", marginLeft: "0.8em" },
      ".cm-tooltip-autocomplete ul li[aria-selected] .cm-completionDetail": { color: "#fff" },
      ".cm-tooltip": { border: "1px solid #d8dee4", background: "#fff" },
      ".cm-completionInfo": { maxWidth: "26rem", padding: "0.4rem 0.6rem" },
      ".cm-info-iri": { fontFamily: "var(--mono)", fontSize: "0.8em", color: "#59636e",
                        wordBreak: "break-all" },
      ".cm-diagnostic-error": { borderLeft: "4px solid #b42318" },
      ".cm-lintRange-error": { backgroundColor: "#fde2df" },
      ".cm-panels": { background: "#fdf2f1", color: "#1f2328", borderRadius: "0 0 8px 8px" },
      ".cm-panel.cm-panel-lint ul [aria-selected]": { background: "#fde2df" },
      ".cm-panel.cm-panel-lint ul:focus [aria-selected]": { background: "#f9cfca",
                                                            color: "#1f2328" }
    });

    // The editor lives in a shadow root: CodeMirror then styles it with constructed style
    // sheets, which the page's Content-Security-Policy (style-src 'self') allows, where it
    // would otherwise add <style> elements, which that policy refuses.
    const host = document.createElement("div");
    host.className = "cm-host";
    host.id = "query-editor";
    textarea.after(host);
    textarea.hidden = true;
    const root = host.attachShadow({ mode: "open" });

    const view = new CM.EditorView({
      root: root,
      parent: root,
      state: CM.EditorState.create({
        doc: textarea.value,
        extensions: [
          CM.lineNumbers(), CM.highlightActiveLineGutter(), CM.highlightSpecialChars(),
          CM.history(), CM.drawSelection(), CM.indentOnInput(), CM.bracketMatching(),
          CM.closeBrackets(), CM.highlightActiveLine(), CM.EditorView.lineWrapping,
          CM.StreamLanguage.define(mode), CM.syntaxHighlighting(highlight),
          serverError, CM.linter(lintQuery, { delay: 400 }), CM.lintGutter(),
          CM.autocompletion({ override: [complete], activateOnTypingDelay: 150 }),
          CM.Prec.highest(CM.keymap.of([{ key: "Mod-Enter", run: () => { runQuery(); return true; } }])),
          CM.keymap.of([...CM.closeBracketsKeymap, ...CM.defaultKeymap, ...CM.historyKeymap,
                        ...CM.completionKeymap, ...CM.lintKeymap, CM.indentWithTab]),
          // an IDREF cannot reach out of the shadow root: the label is given again here
          CM.EditorView.contentAttributes.of({ "aria-label": "SPARQL query",
                                               spellcheck: "false", autocapitalize: "off" }),
          CM.EditorView.updateListener.of((update) => {
            if (update.docChanged) textarea.value = update.state.doc.toString();
          }),
          theme
        ]
      })
    });

    return {
      view: view,
      value: () => view.state.doc.toString(),
      setValue(text) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text },
                        effects: setServerError.of(null) });
      },
      focus: () => view.focus(),
      showError(line, column, message) {
        let error = null;
        const doc = view.state.doc;
        if (line && line >= 1 && line <= doc.lines) {
          const at = doc.line(line);
          const from = Math.min(at.from + Math.max(column - 1, 0), at.to);
          const to = from < at.to ? from + 1 : from;
          error = { from: from, to: to, severity: "error",
                    message: "Line " + line + ", column " + column + ": " + message };
        }
        const spec = { effects: setServerError.of(error) };
        if (error) {
          spec.selection = { anchor: error.from };
          spec.scrollIntoView = true;
        }
        view.dispatch(spec);
        CM.forceLinting(view);
        // the panel under the editor lists the message at its line; opening it takes the
        // focus, which goes back where it was (Ctrl+Shift+M reaches the panel, F8 the marker)
        const focused = document.activeElement;
        if (error) CM.openLintPanel(view);
        else CM.closeLintPanel(view);
        if (focused === host) view.focus();
        else if (focused && focused !== document.body) focused.focus();
      }
    };
  }
})();
