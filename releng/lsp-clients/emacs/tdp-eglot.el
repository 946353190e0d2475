;;; tdp-eglot.el --- TDP Scope scenarios (.tdp) in Emacs, with eglot  -*- lexical-binding: t -*-

;; Copyright (c) 2026 TDP Scope contributors.
;; SPDX-License-Identifier: EPL-2.0

;;; Commentary:

;; A small major mode for TDP Scope's scenario language (comments, strings, keywords) and the
;; eglot setup that starts the language server, `tdpscope lsp', for every .tdp buffer:
;; diagnostics through flymake, hover through eldoc, go to definition through xref, the
;; scenario's outline through imenu, completion-at-point and eglot-format.
;;
;; Emacs 28 with eglot (Debian: apt-get install emacs-nox elpa-eglot; eglot is built in from
;; Emacs 29). Copy this into your init file or load it:
;;
;;   (setq tdpscope-program "~/src/tdpscope/tdpscope") ; when `tdpscope' is not on the PATH
;;   (load "/path/to/tdp-eglot.el")
;;
;; releng/lsp-clients/emacs-check loads this very file in batch Emacs and drives the server.

;;; Code:

(defvar tdpscope-program "tdpscope"
  "The TDP Scope launcher: `tdpscope lsp' is the language server.")

(defvar tdp-mode-syntax-table
  (let ((st (make-syntax-table)))
    ;; // line comments and /* block comments */, as in the grammar
    (modify-syntax-entry ?/ ". 124b" st)
    (modify-syntax-entry ?* ". 23" st)
    (modify-syntax-entry ?\n "> b" st)
    ;; write-protect, mmu_lock: one symbol each
    (modify-syntax-entry ?- "_" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?\' "\"" st)
    st)
  "Syntax table of `tdp-mode'.")

(defconst tdp-font-lock-keywords
  `((,(regexp-opt '("scenario" "vm" "kernel" "policy" "threads" "schedule" "explore" "expect") 'symbols)
     . font-lock-keyword-face)
    (,(concat (regexp-opt '("walker" "invalidator") 'symbols) "[ \t]+\\(\\_<[A-Za-z_][A-Za-z0-9_]*\\_>\\)")
     (1 font-lock-type-face) (2 font-lock-function-name-face))
    (,(regexp-opt '("vcpu" "walker" "invalidator" "kworker") 'symbols) . font-lock-type-face)
    ("\\_<\\(v[0-9]+\\.[0-9]+\\|mainline\\)\\_>" . font-lock-constant-face)
    (,(regexp-opt '("continue" "restart" "terminate" "fifo" "head" "tail" "delist" "keep-listed" "go-on") 'symbols)
     . font-lock-builtin-face)
    (,(regexp-opt '("use-after-free" "spte-in-invalid-root" "fast-zap-leftover" "notifier-leftover" "missed-root"
                    "livelock" "bad-yield" "root-walked-twice" "lock-discipline") 'symbols)
     . font-lock-warning-face)
    ("\\_<\\(0[xX][0-9a-fA-F_]+\\|[0-9]+[KMGT]?\\)\\_>" . font-lock-constant-face)
    (,(regexp-opt '("memslot" "gfn" "tdp" "guest" "paging" "maps" "map" "gva" "gpa" "role" "type" "host"
                    "maxphyaddr" "compare" "all" "with" "load" "root" "reload" "fault" "access" "notifier" "unmap"
                    "write-protect" "zap" "clear-dirty" "zap-collapsible" "age" "fast" "delete" "move" "to" "enable"
                    "dirty" "logging" "on" "off" "valid" "roots" "mmu_lock" "yield" "after" "every" "always" "in"
                    "never" "broken" "without" "slots_lock" "flag" "walk" "grace" "period" "until" "next" "end" "ops"
                    "op" "depth" "yields" "invalidations" "repeat" "policies" "check" "expectations" "under" "and"
                    "visited" "refcount" "freed" "not" "by" "invalid" "no" "violation" "at" "step" "spte" "present"
                    "writable" "read-only" "dirty-logging" "accessed-dirty")
                  'symbols)
     . font-lock-keyword-face))
  "Highlighting of `tdp-mode'; the language server knows the rest.")

;;;###autoload
(define-derived-mode tdp-mode prog-mode "TDP"
  "Major mode for TDP Scope scenarios (.tdp); eglot and `tdpscope lsp' do the rest."
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(//+\\|/\\*+\\)\\s-*")
  (setq-local font-lock-defaults '(tdp-font-lock-keywords))
  (setq-local indent-tabs-mode nil)
  ;; eglot-format sends tab-width as the indentation step: the examples indent by 2
  (setq-local tab-width 2))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.tdp\\'" . tdp-mode))

(defun tdp-eglot-contact (&optional _interactive)
  "The server's command line for eglot: `tdpscope-program' lsp."
  (list (if (string-match-p "/" tdpscope-program) (expand-file-name tdpscope-program) tdpscope-program)
        "lsp"))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(tdp-mode . tdp-eglot-contact)))

;; start (or join) the server when a .tdp file is opened
(add-hook 'tdp-mode-hook #'eglot-ensure)

(provide 'tdp-eglot)
;;; tdp-eglot.el ends here
