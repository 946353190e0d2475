// Copyright (c) 2026 TDP Scope contributors.
// SPDX-License-Identifier: EPL-2.0
//
// TDP Scope scenarios in VS Code: the `tdp` language comes from package.json and the TextMate
// grammar; everything else (diagnostics, hover, outline, go to definition, completion, formatting)
// from the TDP Scope language server, `tdpscope lsp` on stdio, started here with
// vscode-languageclient. Settings: tdpscope.server.path / .args / .env, tdpscope.trace.server.
'use strict';
const os = require('node:os');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const SECTION = 'tdpscope';
let client;
let output;

/** The command line of the server from the settings: [command, args, env]. */
function serverCommand(config, folders, env) {
  let command = String(config.get('server.path') || 'tdpscope').trim() || 'tdpscope';
  const folder = folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
  // ~/ and ${workspaceFolder} as in other settings, so a checkout's launcher can be named in a workspace
  if (command === '~' || command.startsWith('~/')) command = path.join(os.homedir(), command.slice(1));
  if (command.includes('${workspaceFolder}')) {
    if (!folder) throw new Error(`${SECTION}.server.path uses \${workspaceFolder} but no folder is open`);
    command = command.split('${workspaceFolder}').join(folder);
  }
  const extra = config.get('server.args') || [];
  const extraEnv = config.get('server.env') || {};
  return {
    command,
    args: ['lsp', ...extra.map(String)],
    env: { ...env, ...Object.fromEntries(Object.entries(extraEnv).map(([k, v]) => [k, String(v)])) },
  };
}

function createClient(cmd) {
  const executable = { command: cmd.command, args: cmd.args, transport: TransportKind.stdio, options: { env: cmd.env } };
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [{ language: 'tdp' }],
    outputChannel: output,
    traceOutputChannel: output,
    // the server's stderr (JVM warnings, the product build on first start) goes to the output channel too
    initializationFailedHandler: (error) => {
      output.appendLine(`initialize failed: ${error && error.message ? error.message : error}`);
      return false;
    },
  };
  return new LanguageClient(SECTION, 'TDP Scope', serverOptions, clientOptions);
}

async function start() {
  const config = vscode.workspace.getConfiguration(SECTION);
  let cmd;
  try {
    cmd = serverCommand(config, vscode.workspace.workspaceFolders, process.env);
  } catch (e) {
    await complain(e.message);
    return;
  }
  output.appendLine(`starting ${[cmd.command, ...cmd.args].join(' ')}`);
  client = createClient(cmd);
  try {
    await client.start();
  } catch (e) {
    const c = client;
    client = undefined;
    try { await c.dispose(); } catch (ignored) { /* never started */ }
    await complain(`could not start \`${[cmd.command, ...cmd.args].join(' ')}\`: ${e && e.message ? e.message : e}`);
  }
}

async function stop() {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}

async function complain(message) {
  output.appendLine(message);
  const choice = await vscode.window.showErrorMessage(`TDP Scope: ${message}. Set tdpscope.server.path to the tdpscope launcher.`,
    'Open Settings', 'Show Log');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server`);
  } else if (choice === 'Show Log') {
    output.show(true);
  }
}

async function activate(context) {
  output = vscode.window.createOutputChannel('TDP Scope');
  context.subscriptions.push(output);
  context.subscriptions.push(vscode.commands.registerCommand(`${SECTION}.restartServer`, async () => {
    await stop();
    await start();
  }));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (e.affectsConfiguration(`${SECTION}.server`)) {
      await stop();
      await start();
    }
  }));
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand };
