// What the query page uses of CodeMirror 6, bundled by bundle.mjs into one script that puts
// it on `window.CM` (the page's own script, static/query.js, stays readable and unbundled).
export { EditorState, StateField, StateEffect, Prec } from "@codemirror/state";
export {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars
} from "@codemirror/view";
export {
  StreamLanguage, HighlightStyle, syntaxHighlighting, bracketMatching, indentOnInput,
  syntaxTree
} from "@codemirror/language";
export { tags } from "@lezer/highlight";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, startCompletion,
  completionStatus
} from "@codemirror/autocomplete";
export { linter, lintGutter, forceLinting, lintKeymap, openLintPanel, closeLintPanel } from "@codemirror/lint";
