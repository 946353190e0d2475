// Copyright (c) 2026 TDP Scope contributors.
// SPDX-License-Identifier: EPL-2.0
//
// The extension's TextMate grammar loaded the way VS Code loads it (vscode-textmate on the
// Oniguruma regular expressions of vscode-oniguruma), for the tests: no VS Code needed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const grammarPath = path.join(__dirname, '..', 'syntaxes', 'tdp.tmLanguage.json');

let registry;
function loadGrammar() {
  if (!registry) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength))
      .then(() => ({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }));
    registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => scopeName === 'source.tdp'
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
    });
  }
  return registry.loadGrammar('source.tdp');
}

/** Tokens of a text, line by line: [{ line, text, tokens: [{ start, end, text, scopes }] }] and the final rule stack. */
async function tokenize(text) {
  const grammar = await loadGrammar();
  let stack = vsctm.INITIAL;
  const lines = text.split(/\r?\n/).map((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return {
      line: i + 1,
      text: line,
      tokens: r.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    };
  });
  return { lines, endState: stack };
}

module.exports = { loadGrammar, tokenize, INITIAL: vsctm.INITIAL };
