// Copyright (c) 2026 TDP Scope contributors.
// SPDX-License-Identifier: EPL-2.0
//
// A look inside the packaged .vsix (a zip): the pieces the manifest names and the language client
// are there, the tests and dev tools are not, and the extension's own files name no path of the
// machine that built it. Usage: node test/vsix.js tdpscope-X.Y.Z.vsix
'use strict';
const yauzl = require('yauzl');

const file = process.argv[2];
const required = ['extension/package.json', 'extension/extension.js', 'extension/language-configuration.json',
  'extension/syntaxes/tdp.tmLanguage.json', 'extension/LICENSE.txt', 'extension/readme.md',
  'extension/node_modules/vscode-languageclient/package.json', 'extension.vsixmanifest'];
const forbidden = /^extension\/(test\/|check$|package-lock\.json$|node_modules\/(@vscode\/vsce|vscode-tmgrammar-test|vscode-textmate|vscode-oniguruma|yauzl)\/)/;
const machinePath = /(^|[\s"'=(])\/(work|home|root|tmp|usr\/local|opt)\//;

yauzl.open(file, { lazyEntries: true }, (err, zip) => {
  if (err) throw err;
  const names = [];
  const problems = [];
  zip.on('entry', (entry) => {
    names.push(entry.fileName);
    if (forbidden.test(entry.fileName)) problems.push(`${entry.fileName}: test file or dev tool in the package`);
    const own = !entry.fileName.includes('node_modules/') && /\.(json|js|md|txt|vsixmanifest|xml)$/.test(entry.fileName);
    if (!own) return zip.readEntry();
    zip.openReadStream(entry, (e, stream) => {
      if (e) throw e;
      let text = '';
      stream.on('data', (d) => { text += d; });
      stream.on('end', () => {
        const m = text.match(machinePath);
        if (m) problems.push(`${entry.fileName}: a local path (${m[0].trim()}...)`);
        zip.readEntry();
      });
    });
  });
  zip.on('end', () => {
    for (const r of required) if (!names.includes(r)) problems.push(`${r}: missing`);
    if (problems.length > 0) {
      console.error(`vsix: ${file}:\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`vsix: ${file}: ${names.length} entries, the manifest's files and the language client, no tests, no local paths`);
  });
  zip.readEntry();
});
