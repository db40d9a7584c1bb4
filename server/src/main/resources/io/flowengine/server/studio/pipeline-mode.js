// A pipeline's YAML, with the JavaScript of block scripts (javascript: |, filter: |, ...) highlighted as JavaScript.
(function () {
  "use strict";
  const SCRIPT_KEY = /^\s*(?:-\s+)?(javascript|filter|script|expression|init)\s*:\s*[|>][-+0-9]*\s*(#.*)?$/;
  CodeMirror.defineMode("flowengine-pipeline", function (config) {
    const yaml = CodeMirror.getMode(config, "yaml");
    const js = CodeMirror.getMode(config, "javascript");
    return {
      startState: () => ({ yaml: CodeMirror.startState(yaml), js: null, keyIndent: -1, indent: -1 }),
      copyState: (s) => ({
        yaml: CodeMirror.copyState(yaml, s.yaml),
        js: s.js && CodeMirror.copyState(js, s.js),
        keyIndent: s.keyIndent,
        indent: s.indent,
      }),
      token(stream, s) {
        if (stream.sol() && !stream.match(/^\s*$/, false)) {
          const ind = stream.indentation();
          if (s.keyIndent >= 0) { // the line after a script key: the block, if indented more than the key
            if (ind > s.keyIndent) {
              s.js = CodeMirror.startState(js);
              s.indent = ind;
            }
            s.keyIndent = -1;
          } else if (s.js && ind < s.indent) {
            s.js = null;
          }
          if (!s.js && SCRIPT_KEY.test(stream.string)) {
            s.keyIndent = ind;
          }
        }
        return s.js ? js.token(stream, s.js) : yaml.token(stream, s.yaml);
      },
      blankLine(s) {
        if (s.js && js.blankLine) js.blankLine(s.js);
      },
      innerMode: (s) => (s.js ? { state: s.js, mode: js } : { state: s.yaml, mode: yaml }),
      lineComment: "#",
    };
  });
})();
