// Copyright (c) 2026 TDP Scope contributors.
// SPDX-License-Identifier: EPL-2.0
//
// The language server as VS Code's client talks to it: vscode-jsonrpc (the library under
// vscode-languageclient) drives `tdpscope lsp` over stdio with no workspace (rootUri null, no
// workspaceFolders: a single file opened outside a project), opens an example and a broken copy
// of it and checks diagnostics, hover, go to definition, document symbols, completion and
// formatting, then shutdown and exit with code 0.
// Run: node --test test/server.test.js   (TDPSCOPE: the launcher, default ../../tdpscope;
// TDPSCOPE_EXAMPLE: the example, default examples/seed-terminate.tdp, whose names W, Z, v0, v1
// and B the checks use; TDPSCOPE_LSP_TIMEOUT: seconds per answer, default 120)
'use strict';
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { launcher, startServer } = require('./lsp-session');

const timeout = (Number(process.env.TDPSCOPE_LSP_TIMEOUT) || 120) * 1000;
const examplePath = process.env.TDPSCOPE_EXAMPLE || path.join(__dirname, '..', '..', '..', 'examples', 'seed-terminate.tdp');
const SEVERITY_ERROR = 1;
const SEVERITY_WARNING = 2;
const SYMBOL = { Namespace: 3, Module: 2, Function: 12 };

/** Where `word` is on the first line (outside its comment) that contains `lineHas`: an LSP position. */
function find(text, lineHas, word) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const code = lines[i].replace(/\/\/.*$/, '');
    if (code.includes(lineHas)) {
      const col = code.indexOf(word, code.indexOf(lineHas));
      if (col >= 0) return { line: i, character: col };
    }
  }
  throw new Error(`no line with '${lineHas}' and '${word}' in ${examplePath}`);
}

/** The text after LSP text edits (ranges of the original text, applied from the last one backwards). */
function applyEdits(text, edits) {
  const lines = text.split('\n');
  const offset = (p) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start)
    .reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

function hoverText(h) {
  if (!h || !h.contents) return '';
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return c.value || '';
}

describe(`tdpscope lsp through vscode-jsonrpc (${launcher()})`, { timeout: timeout * 4 }, () => {
  const text = fs.readFileSync(examplePath, 'utf8');
  const broken = text.replace('W until yield', 'Q until yield'); // a thread nobody declared
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tdpscope-vscode-'));
  const goodUri = pathToFileURL(path.join(dir, 'seed.tdp')).href;
  const brokenUri = pathToFileURL(path.join(dir, 'broken.tdp')).href;
  let server;
  let init;
  const ask = (method, params) => server.connection.sendRequest(method, params);

  before(async () => {
    assert.notStrictEqual(broken, text, `the example has no line 'W until yield': ${examplePath}`);
    fs.writeFileSync(path.join(dir, 'seed.tdp'), text);
    fs.writeFileSync(path.join(dir, 'broken.tdp'), broken);
    server = startServer();
    const spawnError = server.exited.then((e) => { throw new Error(`the server exited before answering: ${JSON.stringify(e)}; stderr: ${server.stderr()}`); });
    // what VS Code sends for a single file: no folder, no root
    init = await Promise.race([spawnError, ask('initialize', {
      processId: process.pid,
      clientInfo: { name: 'tdpscope-vscode-check' },
      rootUri: null,
      rootPath: null,
      workspaceFolders: null,
      capabilities: {
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          completion: { completionItem: { snippetSupport: false } },
          publishDiagnostics: { relatedInformation: true },
          definition: { linkSupport: false },
        },
        workspace: { workspaceFolders: true, configuration: true },
      },
    })]);
    server.connection.sendNotification('initialized', {});
    for (const [uri, t] of [[goodUri, text], [brokenUri, broken]]) {
      server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'tdp', version: 1, text: t } });
    }
  });

  after(async () => {
    if (server && server.proc.exitCode === null) server.proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('initialize without a root answers with the capabilities VS Code uses', () => {
    const caps = init.capabilities;
    for (const c of ['hoverProvider', 'definitionProvider', 'documentSymbolProvider', 'completionProvider', 'documentFormattingProvider']) {
      assert.ok(caps[c], `${c} missing: ${JSON.stringify(caps)}`);
    }
    assert.ok(caps.textDocumentSync !== undefined, 'no textDocumentSync');
    assert.strictEqual(caps.signatureHelpProvider, undefined, 'signature help advertised');
  });

  it('the example gets no error and no warning', async () => {
    const diags = await server.diagnosticsOf(goodUri, timeout);
    assert.deepStrictEqual(diags.filter((d) => d.severity === SEVERITY_ERROR || d.severity === SEVERITY_WARNING), []);
  });

  it('the broken copy gets one positioned error naming the unknown thread', async () => {
    const diags = await server.diagnosticsOf(brokenUri, timeout);
    const q = find(broken, 'Q until yield', 'Q');
    const errors = diags.filter((d) => d.severity === SEVERITY_ERROR);
    assert.strictEqual(errors.length, 1, JSON.stringify(diags));
    const e = errors[0];
    assert.match(e.message, /'Q'/);
    assert.deepStrictEqual(e.range, { start: q, end: { line: q.line, character: q.character + 1 } });
    assert.ok(!String(e.code || '').includes('.') && !e.message.includes('org.eclipse'), `an Xtext issue code: ${JSON.stringify(e)}`);
  });

  it('a fix of the broken copy clears its diagnostics', async () => {
    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: brokenUri, version: 2 }, contentChanges: [{ text }],
    });
    const deadline = Date.now() + timeout;
    let diags;
    do {
      await new Promise((r) => setTimeout(r, 100));
      diags = await server.diagnosticsOf(brokenUri, timeout);
    } while (diags.some((d) => d.severity === SEVERITY_ERROR) && Date.now() < deadline);
    assert.deepStrictEqual(diags.filter((d) => d.severity === SEVERITY_ERROR), []);
  });

  it('hover on a thread says what it does', async () => {
    const h = hoverText(await ask('textDocument/hover', { textDocument: { uri: goodUri }, position: find(text, 'W until yield', 'W') }));
    assert.match(h, /walker W/);
    assert.match(h, /write-protect/);
  });

  it('hover on a root says which root and its role', async () => {
    const h = hoverText(await ask('textDocument/hover', { textDocument: { uri: goodUri }, position: find(text, 'W visited [B]', 'B]') }));
    assert.match(h, /root B/);
    assert.match(h, /smm/);
  });

  it('hover on a keyword says what it means', async () => {
    const h = hoverText(await ask('textDocument/hover', { textDocument: { uri: goodUri }, position: find(text, 'invalidator Z', 'fast') }));
    assert.match(h, /zap/);
    assert.ok(h.length > 40, h);
  });

  it('go to definition of a thread lands on its declaration', async () => {
    const def = await ask('textDocument/definition', { textDocument: { uri: goodUri }, position: find(text, 'W until yield', 'W') });
    const target = Array.isArray(def) ? def[0] : def;
    assert.ok(target, JSON.stringify(def));
    assert.strictEqual(target.uri || target.targetUri, goodUri);
    const w = find(text, 'walker W:', 'W:');
    assert.deepStrictEqual((target.range || target.targetSelectionRange).start, w);
  });

  it('document symbols are a tree: scenario > vm, threads, schedule, expect', async () => {
    const symbols = await ask('textDocument/documentSymbol', { textDocument: { uri: goodUri } });
    assert.strictEqual(symbols.length, 1, JSON.stringify(symbols).slice(0, 500));
    const top = symbols[0];
    assert.strictEqual(top.kind, SYMBOL.Module);
    assert.ok(top.children, 'flat symbols (SymbolInformation), not a tree');
    const names = top.children.map((s) => s.name);
    for (const section of ['vm', 'threads', 'schedule', 'expect']) assert.ok(names.includes(section), names.join(', '));
    const threads = top.children.find((s) => s.name === 'threads');
    assert.strictEqual(threads.children.length, 4, JSON.stringify(threads.children.map((t) => t.name)));
    assert.ok(threads.children.every((t) => t.kind === SYMBOL.Function), JSON.stringify(threads.children.map((t) => [t.name, t.kind])));
    const vm = top.children.find((s) => s.name === 'vm');
    assert.ok(vm.children.some((s) => /v1/.test(s.name)), JSON.stringify(vm.children.map((s) => s.name)));
  });

  it('completion after `policy` offers the policies', async () => {
    const pos = find(text, 'policy compare all', 'compare');
    const c = await ask('textDocument/completion', { textDocument: { uri: goodUri }, position: pos });
    const labels = (Array.isArray(c) ? c : c.items).map((i) => i.label);
    for (const p of ['continue', 'restart', 'terminate', 'fifo']) assert.ok(labels.includes(p), labels.join(' '));
  });

  it('formatting puts a messed-up layout right and leaves its own output alone', async () => {
    const messy = text.replace(/^ *walker W:/m, 'walker    W :').replace(/^ *schedule \{/m, 'schedule{');
    assert.notStrictEqual(messy, text);
    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: goodUri, version: 2 }, contentChanges: [{ text: messy }],
    });
    const options = { tabSize: 2, insertSpaces: true };
    const edits = await ask('textDocument/formatting', { textDocument: { uri: goodUri }, options });
    assert.ok(Array.isArray(edits) && edits.length > 0, JSON.stringify(edits));
    const formatted = applyEdits(messy, edits);
    assert.match(formatted, /\n {4}walker W: write-protect/);
    assert.match(formatted, /\n {2}schedule \{/);
    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: goodUri, version: 3 }, contentChanges: [{ text: formatted }],
    });
    const again = await ask('textDocument/formatting', { textDocument: { uri: goodUri }, options });
    assert.deepStrictEqual(again, [], 'formatting its own output changed it');
  });

  it('shutdown and exit end the server with exit code 0', async () => {
    await ask('shutdown');
    server.connection.sendNotification('exit');
    const result = await Promise.race([server.exited,
      new Promise((r) => setTimeout(() => r({ code: 'still running' }), timeout).unref())]);
    assert.strictEqual(result.code, 0, `${JSON.stringify(result)}; stderr: ${server.stderr().slice(-2000)}`);
  });
});
