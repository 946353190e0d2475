// Copyright (c) 2026 TDP Scope contributors.
// SPDX-License-Identifier: EPL-2.0
//
// Every scenario in the repository's examples/ through the TextMate grammar, as VS Code colours it:
// no line may fail, that is no character outside whitespace left without a scope of its own (plain
// `source.tdp`), none marked invalid, and no comment or string left open at the end of the file.
// Run: node --test test/  (TDPSCOPE_EXAMPLES: another folder of .tdp files)
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { tokenize } = require('./textmate');

const examplesDir = process.env.TDPSCOPE_EXAMPLES || path.join(__dirname, '..', '..', '..', 'examples');

function tdpFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tdpFiles(p);
    return e.name.endsWith('.tdp') ? [p] : [];
  }).sort();
}

const files = tdpFiles(examplesDir);

test('the examples folder has scenarios', () => {
  assert.ok(files.length >= 10, `${files.length} .tdp files under ${examplesDir}`);
});

for (const file of files) {
  const name = path.relative(examplesDir, file);
  test(`grammar: examples/${name}`, async () => {
    const { lines, endState } = await tokenize(fs.readFileSync(file, 'utf8'));
    const problems = [];
    for (const l of lines) {
      for (const t of l.tokens) {
        if (!t.text.trim()) continue;
        const where = `examples/${name}:${l.line}:${t.start + 1}`;
        if (t.scopes.length < 2) problems.push(`${where}: '${t.text.trim()}' has no scope`);
        else if (t.scopes.some((s) => s.startsWith('invalid.'))) problems.push(`${where}: '${t.text}' is ${t.scopes.at(-1)}`);
      }
    }
    assert.strictEqual(endState.depth, 1, `examples/${name}: a comment or string is still open at the end of the file`);
    assert.deepStrictEqual(problems, []);
  });
}
