// Copyright (c) 2026 TDP Scope contributors.
// SPDX-License-Identifier: EPL-2.0
//
// A language-server session as VS Code's client holds it, over vscode-jsonrpc: spawns
// `tdpscope lsp`, collects the server's published diagnostics by URI and its stderr, and stops it
// with shutdown and exit, resolving with its exit code.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const rpc = require('vscode-jsonrpc/node');

/** The launcher: $TDPSCOPE, else the repository's ./tdpscope. */
function launcher() {
  return process.env.TDPSCOPE || path.join(__dirname, '..', '..', '..', 'tdpscope');
}

function startServer(args = ['lsp']) {
  const proc = spawn(launcher(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => {
    proc.on('error', (e) => resolve({ code: null, error: e }));
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  const diagnostics = new Map();
  const waiters = [];
  connection.onNotification('textDocument/publishDiagnostics', (p) => {
    diagnostics.set(p.uri, p.diagnostics);
    for (const w of waiters.splice(0)) w();
  });
  // requests from the server a client must answer (registrations, configuration, messages)
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', (p) => (p.items || []).map(() => null));
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification('window/logMessage', () => {});
  connection.listen();

  /** Resolves with the diagnostics of a URI once they are published (or rejects after ms). */
  function diagnosticsOf(uri, ms) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${ms} ms; stderr: ${stderr.slice(-2000)}`)), ms);
      timer.unref();
      const check = () => {
        if (diagnostics.has(uri)) {
          clearTimeout(timer);
          resolve(diagnostics.get(uri));
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  }

  return { proc, connection, exited, diagnosticsOf, stderr: () => stderr };
}

module.exports = { launcher, startServer };
