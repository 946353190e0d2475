// Copyright (c) 2026 TDP Scope contributors.
// SPDX-License-Identifier: EPL-2.0
//
// The packaged extension loads outside VS Code: extracts the .vsix, requires its extension.js with
// a stand-in for the `vscode` module (only VS Code provides the real one), so the language client
// and all it needs must resolve from the package's own node_modules, and checks the server's
// command line from the settings. Usage: node test/extension-load.js tdpscope-X.Y.Z.vsix
'use strict';
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const yauzl = require('yauzl');

function extract(file, dir) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('entry', (entry) => {
        const target = path.join(dir, entry.fileName);
        if (!target.startsWith(dir + path.sep)) return reject(new Error(`${entry.fileName} leaves the folder`));
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        fs.mkdirSync(path.dirname(target), { recursive: true });
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          stream.pipe(fs.createWriteStream(target)).on('finish', () => zip.readEntry());
        });
      });
      zip.on('end', resolve);
      zip.readEntry();
    });
  });
}

function config(values) {
  return { get: (key) => values[key] };
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdpscope-vsix-'));
  try {
    await extract(process.argv[2], dir);
    const extensionDir = path.join(dir, 'extension');
    // a stand-in `vscode`: what vscode-languageclient touches while it loads
    const vscodeStub = new Proxy({}, { get: (t, k) => (k === '__esModule' ? false : new Proxy(function () {}, { get: () => ({}) })) });
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
      if (request === 'vscode') return vscodeStub;
      const resolved = Module._resolveFilename(request, parent, isMain);
      // everything the extension loads must come from the package itself or Node's built-ins
      if (path.isAbsolute(resolved) && !resolved.startsWith(extensionDir + path.sep)) {
        throw new Error(`${request} resolved outside the package: ${resolved}`);
      }
      return load.apply(this, arguments);
    };
    const ext = require(path.join(extensionDir, 'extension.js'));
    Module._load = load;
    assert.strictEqual(typeof ext.activate, 'function');
    assert.strictEqual(typeof ext.deactivate, 'function');
    const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
    assert.strictEqual(pkg.main, './extension.js');
    assert.deepStrictEqual(pkg.contributes.languages[0].extensions, ['.tdp']);
    assert.strictEqual(pkg.contributes.configuration.properties['tdpscope.server.path'].default, 'tdpscope');

    const folders = [{ uri: { fsPath: path.join(os.tmpdir(), 'checkout') } }];
    let cmd = ext.serverCommand(config({}), undefined, { PATH: '/bin' });
    assert.deepStrictEqual(cmd, { command: 'tdpscope', args: ['lsp'], env: { PATH: '/bin' } });
    cmd = ext.serverCommand(config({ 'server.path': '${workspaceFolder}/tdpscope', 'server.args': ['--x'],
      'server.env': { TDPSCOPE_VM_ARGS: '-Xmx1g' } }), folders, { PATH: '/bin' });
    assert.deepStrictEqual(cmd, { command: path.join(os.tmpdir(), 'checkout', 'tdpscope'), args: ['lsp', '--x'],
      env: { PATH: '/bin', TDPSCOPE_VM_ARGS: '-Xmx1g' } });
    cmd = ext.serverCommand(config({ 'server.path': '~/bin/tdpscope' }), undefined, {});
    assert.strictEqual(cmd.command, path.join(os.homedir(), 'bin', 'tdpscope'));
    assert.throws(() => ext.serverCommand(config({ 'server.path': '${workspaceFolder}/tdpscope' }), undefined, {}),
      /no folder is open/);
    console.log('extension-load: the packaged extension.js loads vscode-languageclient from the package; settings give the expected command lines');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(`extension-load: ${e.stack || e}`);
  process.exit(1);
});
