-- Copyright (c) 2026 TDP Scope contributors.
-- SPDX-License-Identifier: EPL-2.0
--
-- Headless Neovim (0.7 or newer) against `tdpscope lsp`, as a user's editor starts it: no root
-- directory (a single file opened outside a project: rootUri null, no workspace folders). Opens an
-- example scenario and a broken copy of it and checks diagnostics, hover, document symbols,
-- go to definition, completion, formatting, semantic tokens (requested raw: 0.7 has no client for
-- them) and a quick fix applied through vim.lsp.buf.code_action(). Prints one PASS or FAIL line
-- per check and exits with 0 when all passed, 1 otherwise.
--
--   TDPSCOPE=/path/to/tdpscope nvim --headless -u NONE -i NONE -n -c 'luafile releng/lsp-clients/nvim-check.lua'
--
-- releng/lsp-clients/nvim-check wraps this. Environment: TDPSCOPE (the launcher; default
-- `tdpscope` on the PATH), TDPSCOPE_EXAMPLE (the seed example, examples/seed-terminate.tdp, found
-- next to this script by default; the hover and definition checks use its names W, Z, v1 and B),
-- NVIM_CHECK_TIMEOUT (seconds per wait; default 120). Any error in this script is a FAIL too, and
-- Neovim exits with 1: it never stays running.

local uv = vim.loop
local timeout = (tonumber(os.getenv('NVIM_CHECK_TIMEOUT') or '') or 120) * 1000
local script_dir = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local launcher = os.getenv('TDPSCOPE') or 'tdpscope'
local example = os.getenv('TDPSCOPE_EXAMPLE') or (script_dir .. '/../../examples/seed-terminate.tdp')

local failures, results = 0, {}
local function check(name, ok, detail)
  local line = (ok and 'PASS ' or 'FAIL ') .. name .. ((detail and detail ~= '') and (': ' .. detail) or '')
  table.insert(results, line)
  io.stdout:write(line .. '\n')
  if not ok then failures = failures + 1 end
end
local function finish()
  io.stdout:write(string.format('%s: %d of %d checks failed\n', failures == 0 and 'PASS' or 'FAIL',
    failures, #results))
  io.stdout:flush()
  vim.cmd((failures == 0) and 'qall!' or 'cquit! 1')
end
local function short(s)
  s = tostring(s):gsub('%s+', ' ')
  return #s > 160 and (s:sub(1, 157) .. '...') or s
end

local function main()
  -- the files: a copy of the example and a broken copy, in a fresh directory outside any project
  local text = table.concat(vim.fn.readfile(example), '\n') .. '\n'
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local good_path = dir .. '/seed.tdp'
  local broken_path = dir .. '/broken.tdp'
  vim.fn.writefile(vim.split(text, '\n', true), good_path)
  local broken = text:gsub('W until yield', 'Q until yield', 1) -- a thread nobody declared
  vim.fn.writefile(vim.split(broken, '\n', true), broken_path)

  -- diagnostics as the server publishes them, by file name
  local published = {}
  local handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      published[vim.uri_to_fname(result.uri)] = result.diagnostics
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
    end,
  }

  local exit_code
  local stderr_lines = {}
  local client_id = vim.lsp.start_client({
    name = 'tdpscope',
    cmd = { launcher, 'lsp' },
    root_dir = nil, -- a single file: rootUri null, no workspace folders
    handlers = handlers,
    on_exit = function(code, signal) exit_code = code end,
  })
  if not client_id then
    check('start `' .. launcher .. ' lsp`', false, 'vim.lsp.start_client failed')
    return
  end
  local client = vim.lsp.get_client_by_id(client_id)

  local initialized = vim.wait(timeout, function() return client.initialized or exit_code ~= nil end, 100)
  check('initialize without a root directory', initialized and client.initialized,
    exit_code and ('the server exited with ' .. exit_code) or (initialized and '' or 'no answer'))
  if not client.initialized then return end
  local caps = client.server_capabilities or {}
  check('no signature help advertised', caps.signatureHelpProvider == nil, vim.inspect(caps.signatureHelpProvider))

  local function open(path)
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    local buf = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(buf, client_id)
    return buf
  end
  local good = open(good_path)
  local bad = open(broken_path)

  local got = vim.wait(timeout, function() return published[good_path] ~= nil and published[broken_path] ~= nil end, 100)
  check('diagnostics published for both files', got, got and '' or vim.inspect(vim.tbl_keys(published)))
  local good_errors = 0
  for _, d in ipairs(published[good_path] or {}) do
    if d.severity == 1 then good_errors = good_errors + 1 end
  end
  check('the example has no errors', published[good_path] ~= nil and good_errors == 0,
    short(vim.inspect(published[good_path])))
  local bad_diags = published[broken_path] or {}
  local names_q, qualified = false, false
  for _, d in ipairs(bad_diags) do
    if d.message:find("'Q'", 1, true) then names_q = true end
    if d.message:find('org.eclipse', 1, true) or tostring(d.code or ''):find('%.') then qualified = true end
  end
  check('the broken copy has an error naming the unknown thread Q', names_q, short(vim.inspect(bad_diags)))
  check('diagnostics carry no Xtext issue codes', #bad_diags > 0 and not qualified, short(vim.inspect(bad_diags)))

  -- positions in the example
  local lines = vim.api.nvim_buf_get_lines(good, 0, -1, false)
  local function find(line_has, word)
    for i, l in ipairs(lines) do
      local code = l:gsub('//.*$', '')
      local col = code:find(line_has, 1, true) and code:find(word, 1, true)
      if col then return { line = i - 1, character = col - 1 } end
    end
  end
  local function request(method, params)
    local res, err = client.request_sync(method, params, timeout, good)
    if not res then return nil, err end
    if res.err then return nil, vim.inspect(res.err) end
    return res.result
  end
  local uri = vim.uri_from_bufnr(good)
  local function hover_text(line_has, word)
    local pos = find(line_has, word)
    local r, err = request('textDocument/hover', { textDocument = { uri = uri }, position = pos })
    if not r then return '', err end
    local c = r.contents
    if type(c) == 'table' and c.value then return c.value end
    if type(c) == 'string' then return c end
    return vim.inspect(c)
  end

  local h = hover_text('W until yield', 'W')
  check('hover on a thread says what it does', h:find('walker W', 1, true) and h:find('write-protect', 1, true),
    short(h))
  h = hover_text('W visited [B]', 'B]')
  check("hover on a root says which root and its role", h:find('root B', 1, true) and h:find('smm', 1, true), short(h))
  h = hover_text('invalidator Z', 'fast')
  check("hover on a keyword says what it means", h:find('zap', 1, true) ~= nil and #h > 40, short(h))

  local symbols, err = request('textDocument/documentSymbol', { textDocument = { uri = uri } })
  local top = symbols and symbols[1]
  local section_names, threads = {}, nil
  for _, s in ipairs(top and top.children or {}) do
    table.insert(section_names, s.name)
    if s.name == 'threads' then threads = s end
  end
  check('document symbols are a tree: scenario > sections', top and top.kind == 2 and #symbols == 1
    and vim.tbl_contains(section_names, 'vm') and vim.tbl_contains(section_names, 'schedule')
    and vim.tbl_contains(section_names, 'expect'), short(err or table.concat(section_names, ', ')))
  local thread_ok = threads ~= nil and #threads.children == 4
  for _, t in ipairs(threads and threads.children or {}) do
    thread_ok = thread_ok and t.kind == 12
  end
  check('threads are functions under threads', thread_ok, threads and short(vim.inspect(vim.tbl_map(
    function(t) return t.name end, threads.children))) or 'no threads section')

  local def = request('textDocument/definition', { textDocument = { uri = uri }, position = find('W until yield', 'W') })
  local target = def and (def[1] or def)
  local def_line = target and (target.range or target.targetSelectionRange or {}).start
  local walker_line = find('walker W:', 'W').line
  check('go to definition of a thread', def_line ~= nil and def_line.line == walker_line, short(vim.inspect(def)))

  local completion = request('textDocument/completion', { textDocument = { uri = uri },
    position = { line = find('policy compare all', 'compare').line, character = #'  policy ' } })
  local items = completion and (completion.items or completion) or {}
  local labels = vim.tbl_map(function(i) return i.label end, items)
  check('completion offers the policies', vim.tbl_contains(labels, 'fifo'), short(table.concat(labels, ' ')))

  local edits, ferr = request('textDocument/formatting', { textDocument = { uri = uri },
    options = { tabSize = 2, insertSpaces = true } })
  check('formatting answers with edits', ferr == nil and type(edits) == 'table', short(ferr or (#(edits or {}) .. ' edits')))

  -- semantic tokens: Neovim 0.7 has no built-in support, so the raw result is decoded with the
  -- legend the server advertised and checked word by word
  local provider = caps.semanticTokensProvider or {}
  local legend = provider.legend or { tokenTypes = {}, tokenModifiers = {} }
  check('semantic tokens advertised with a legend of standard types', provider.full ~= nil
    and vim.tbl_contains(legend.tokenTypes, 'variable') and vim.tbl_contains(legend.tokenTypes, 'enumMember'),
    short(vim.inspect(provider)))
  local tokens, terr = request('textDocument/semanticTokens/full', { textDocument = { uri = uri } })
  local typed = {} -- 'line:character' -> { text, type }
  if tokens and tokens.data then
    local line, char = 0, 0
    for i = 1, #tokens.data, 5 do
      local dl, dc, len, ty = tokens.data[i], tokens.data[i + 1], tokens.data[i + 2], tokens.data[i + 3]
      line = line + dl
      char = (dl == 0) and (char + dc) or dc
      local text_of = (lines[line + 1] or ''):sub(char + 1, char + len)
      typed[line .. ':' .. char] = { text = text_of, type = legend.tokenTypes[ty + 1] }
    end
  end
  local function token_type(line_has, word)
    local pos = find(line_has, word)
    local t = pos and typed[pos.line .. ':' .. pos.character]
    return t and t.text == word and t.type or tostring(t and vim.inspect(t))
  end
  local wanted = {
    { 'W until yield', 'W', 'variable' }, { 'v0 to end', 'v0', 'parameter' },
    { 'W visited [B]', 'B', 'class' }, { 'under fifo: roots', 'fifo', 'enumMember' },
    { 'kernel v5.16', 'v5.16', 'enumMember' }, { 'memslot 0:', '0x40000', 'number' },
    { 'Z to end', 'to', 'keyword' },
  }
  local wrong = {}
  for _, w in ipairs(wanted) do
    local got_type = token_type(w[1], w[2])
    if got_type ~= w[3] then table.insert(wrong, w[2] .. ' is ' .. got_type .. ', not ' .. w[3]) end
  end
  check('semantic tokens type threads, vCPUs, roots, policies and eras', tokens ~= nil and #wrong == 0,
    short(terr or table.concat(wrong, '; ')))

  -- a quick fix as a user applies it: the cursor on the unknown thread, :lua vim.lsp.buf.code_action(),
  -- the fix chosen from the menu; Neovim applies the edit and sends the change, the error goes
  vim.cmd('buffer ' .. bad)
  local bad_lines = vim.api.nvim_buf_get_lines(bad, 0, -1, false)
  local q_line
  for i, l in ipairs(bad_lines) do
    if l:find('Q until yield', 1, true) then q_line = i end
  end
  local offered, chosen = {}, nil
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      local action = item[2] or item.action or item -- {client_id, action} in 0.7
      table.insert(offered, action.title)
      if action.title == "Change to 'W'" and not chosen then chosen = item end
    end
    on_choice(chosen)
  end
  published[broken_path] = nil
  vim.api.nvim_win_set_cursor(0, { q_line, (bad_lines[q_line]:find('Q', 1, true)) - 1 })
  vim.lsp.buf.code_action()
  local applied = vim.wait(timeout, function()
    local l = vim.api.nvim_buf_get_lines(bad, q_line - 1, q_line, false)[1] or ''
    return l:find('W until yield', 1, true) ~= nil
  end, 100)
  vim.ui.select = select
  check("a code action fixes the unknown thread (Change to 'W')", applied,
    short(table.concat(offered, ', ') .. ' | ' .. (vim.api.nvim_buf_get_lines(bad, q_line - 1, q_line, false)[1] or '')))
  local cleared = vim.wait(timeout, function()
    local d = published[broken_path]
    if d == nil then return false end
    for _, x in ipairs(d) do
      if x.severity == 1 then return false end
    end
    return true
  end, 100)
  check('after the fix the server reports no error', cleared, short(vim.inspect(published[broken_path])))

  -- shutdown and exit as the editor does on quit
  client.stop()
  local exited = vim.wait(timeout, function() return exit_code ~= nil end, 100)
  check('the server exits after shutdown and exit', exited and exit_code == 0, tostring(exit_code))
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  check('the check script ran to its end', false, err)
  for _, c in ipairs(vim.lsp.get_active_clients()) do
    c.stop(true)
  end
end
finish()
