;;; emacs-check.el --- batch Emacs + eglot against `tdpscope lsp'  -*- lexical-binding: t -*-

;; Copyright (c) 2026 TDP Scope contributors.
;; SPDX-License-Identifier: EPL-2.0

;;; Commentary:

;; The language server from Emacs as a user has it: loads emacs/tdp-eglot.el (the setup users
;; copy), opens an example and a broken copy of it outside any project, lets eglot-ensure start
;; `tdpscope lsp', and checks flymake diagnostics, hover through eldoc, xref definition, imenu
;; symbols, completion-at-point and eglot-format, then shutdown and exit with code 0. One PASS or
;; FAIL line per check; Emacs exits with 0 when all passed, 1 otherwise.
;;
;;   TDPSCOPE=/path/to/tdpscope emacs --batch -Q -l releng/lsp-clients/emacs-check.el
;;
;; releng/lsp-clients/emacs-check wraps this. Environment: TDPSCOPE (the launcher), TDPSCOPE_EXAMPLE
;; (the seed example, whose names W, Z, v1 and B the checks use), EMACS_CHECK_TIMEOUT (seconds
;; per wait, default 120).

;;; Code:

(require 'package)
(package-initialize) ; Debian's elpa-eglot (and the newer project, xref it needs) under site-lisp/elpa
(require 'cl-lib)
(require 'subr-x)
(require 'eglot)
(require 'flymake)
(require 'xref)
(require 'imenu)
(require 'eldoc)

(defvar emacs-check-dir (file-name-directory (or load-file-name buffer-file-name)))
(defvar emacs-check-timeout (string-to-number (or (getenv "EMACS_CHECK_TIMEOUT") "120")))
(when (<= emacs-check-timeout 0) (setq emacs-check-timeout 120))
(defvar emacs-check-failures 0)
(defvar emacs-check-count 0)

(setq tdpscope-program (or (getenv "TDPSCOPE") "tdpscope"))
(load (expand-file-name "emacs/tdp-eglot.el" emacs-check-dir) nil t)

(setq eglot-sync-connect t                       ; wait for initialize in eglot-ensure's connect
      eglot-connect-timeout emacs-check-timeout
      eglot-autoreconnect nil
      eldoc-echo-area-use-multiline-p t
      make-backup-files nil
      create-lockfiles nil)

(defun emacs-check-short (x)
  (let ((s (replace-regexp-in-string "[ \t\n]+" " " (if (stringp x) x (format "%S" x)))))
    (if (> (length s) 160) (concat (substring s 0 157) "...") s)))

(defun emacs-check (name ok &optional detail)
  (setq emacs-check-count (1+ emacs-check-count))
  (unless ok (setq emacs-check-failures (1+ emacs-check-failures)))
  (princ (format "%s %s%s\n" (if ok "PASS" "FAIL") name
                 (if (and detail (not (equal detail ""))) (concat ": " (emacs-check-short detail)) ""))))

(defun emacs-check-wait (pred)
  "Let Emacs read the server's messages and run its timers until PRED is true or the time is up."
  (let ((deadline (+ (float-time) emacs-check-timeout)) result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    result))

(defun emacs-check-goto (line-has word)
  "Point to WORD on the first line that has LINE-HAS outside its comment."
  (goto-char (point-min))
  (let (found)
    (while (and (not found) (search-forward line-has nil t))
      (let* ((start (match-beginning 0))
             (code-end (save-excursion (beginning-of-line)
                                      (if (re-search-forward "//" (line-end-position) t) (match-beginning 0)
                                        (line-end-position)))))
        (when (<= (point) code-end)
          (goto-char start)
          (setq found (search-forward word code-end t))
          (when found (goto-char (match-beginning 0))))))
    (unless found (error "No line with `%s' and `%s'" line-has word))
    (point)))

(defun emacs-check-open (path)
  "Visit PATH as a user does (tdp-mode, eglot-ensure) and run the command loop's hooks once."
  (let ((buf (find-file-noselect path)))
    (switch-to-buffer buf) ; shown in the frame's window, as eldoc's hover wants
    (run-hooks 'post-command-hook) ; eglot-ensure connects after the next command
    buf))

(defun emacs-check-errors (buf)
  (with-current-buffer buf
    ;; eglot files an LSP error under its own type, eglot-error
    (cl-remove-if-not (lambda (d) (memq (flymake-diagnostic-type d) '(:error eglot-error))) (flymake-diagnostics))))

(defun emacs-check-main ()
  (let* ((example (or (getenv "TDPSCOPE_EXAMPLE") (expand-file-name "../../examples/seed-terminate.tdp" emacs-check-dir)))
         (text (with-temp-buffer (insert-file-contents example) (buffer-string)))
         (dir (make-temp-file "tdpscope-emacs-" t))
         (good-path (expand-file-name "seed.tdp" dir))
         (broken-path (expand-file-name "broken.tdp" dir))
         good broken server)
    (unwind-protect
        (progn
          (with-temp-file good-path (insert text))
          (with-temp-file broken-path
            (insert text)
            (goto-char (point-min))
            (search-forward "W until yield")
            (replace-match "Q until yield" t t))        ; a thread nobody declared
          (setq default-directory dir)

          (setq good (emacs-check-open good-path))
          (setq server (with-current-buffer good (eglot-current-server)))
          (emacs-check "tdp-mode and eglot-ensure start the server"
                       (and server (with-current-buffer good (and (eq major-mode 'tdp-mode) eglot--managed-mode)))
                       (format "%s, %s" (with-current-buffer good major-mode) (and server (jsonrpc-name server))))
          (unless server (error "No server"))
          (emacs-check "no signature help advertised"
                       (not (plist-get (eglot--capabilities server) :signatureHelpProvider)))
          (setq broken (emacs-check-open broken-path))
          (emacs-check "both files managed by the one server"
                       (eq server (with-current-buffer broken (eglot-current-server))))

          ;; diagnostics through flymake
          (with-current-buffer broken (flymake-start))
          (let ((errs (emacs-check-wait (lambda () (emacs-check-errors broken)))))
            (emacs-check "flymake shows the broken copy's error naming the unknown thread Q"
                         (and errs (string-match-p "'Q'" (flymake-diagnostic-text (car errs))))
                         (mapconcat #'flymake-diagnostic-text errs " | "))
            (when errs
              (with-current-buffer broken
                (let ((q (emacs-check-goto "Q until yield" "Q")))
                  (emacs-check "the error sits on Q" (= (flymake-diagnostic-beg (car errs)) q)
                               (format "at %d, Q at %d" (flymake-diagnostic-beg (car errs)) q)))))
            (emacs-check "no Xtext issue code in the message"
                         (and errs (not (string-match-p "org\\.eclipse" (flymake-diagnostic-text (car errs)))))))
          (with-current-buffer good (flymake-start))
          (emacs-check "flymake: the example has no errors"
                       (and (emacs-check-wait (lambda () (with-current-buffer good
                                                            (memq 'eglot-flymake-backend (flymake-reporting-backends)))))
                            (null (emacs-check-errors good)))
                       (format "%S" (mapcar #'flymake-diagnostic-text (with-current-buffer good (flymake-diagnostics)))))

          (switch-to-buffer good)
          ;; hover through eldoc, as the echo area gets it
          (cl-flet ((hover (line-has word)
                      (emacs-check-goto line-has word)
                      (let (doc)
                        (eglot-hover-eldoc-function (lambda (info &rest _) (setq doc (or info ""))))
                        (emacs-check-wait (lambda () doc))
                        (or doc ""))))
            (let ((h (hover "W until yield" "W")))
              (emacs-check "eldoc hover on a thread says what it does"
                           (and (string-match-p "walker W" h) (string-match-p "write-protect" h)) h))
            (let ((h (hover "W visited [B]" "B]")))
              (emacs-check "eldoc hover on a root says which root and its role"
                           (and (string-match-p "root B" h) (string-match-p "smm" h)) h))
            (let ((h (hover "invalidator Z" "fast")))
              (emacs-check "eldoc hover on a keyword says what it means"
                           (and (string-match-p "zap" h) (> (length h) 40)) h)))

          ;; xref: go to definition of W, as M-. does
          (emacs-check-goto "W until yield" "W")
          (let ((walker-line (save-excursion (emacs-check-goto "walker W:" "W") (line-number-at-pos)))
                (defs (xref-backend-definitions 'eglot (xref-backend-identifier-at-point 'eglot))))
            (emacs-check "xref finds the definition of a thread"
                         (and (= (length defs) 1)
                              (= (xref-location-line (xref-item-location (car defs))) walker-line))
                         (format "%S" (mapcar (lambda (d) (xref-location-line (xref-item-location d))) defs)))
            (let ((before (point)))
              (xref-find-definitions (xref-backend-identifier-at-point 'eglot))
              (emacs-check "M-. (xref-find-definitions) jumps to it"
                           (and (eq (current-buffer) good) (= (line-number-at-pos) walker-line)
                                (looking-at "W:"))
                           (format "line %d from %d" (line-number-at-pos) (line-number-at-pos before)))))

          ;; imenu: the outline as eglot builds it from the document symbols
          (setq imenu--index-alist nil)
          (let* ((index (imenu--make-index-alist t))
                 (flat (let (acc)
                         (cl-labels ((walk (tree path)
                                       (dolist (e tree)
                                         (if (imenu--subalist-p e) (walk (cdr e) (cons (car e) path))
                                           (push (cons (reverse path) (car e)) acc)))))
                           (walk index nil))
                         acc))
                 (names (mapcar #'cdr flat))
                 ;; eglot 1.9 groups the symbols by kind: the sections are namespaces, threads functions
                 (kind (lambda (k) (mapcar #'cdr (cl-remove-if-not (lambda (e) (equal (caar e) k)) flat))))
                 (sections (funcall kind "Namespace"))
                 (threads (funcall kind "Function")))
            (emacs-check "imenu lists the sections and threads"
                         (and (member "vm" sections) (member "schedule" sections) (member "expect" sections)
                              (equal (sort (copy-sequence threads) #'string<)
                                     '("invalidator Z" "vcpu v0" "vcpu v1" "walker W")))
                         (format "%S" (mapcar (lambda (e) (string-join (append (car e) (list (cdr e))) " > ")) flat)))
            (emacs-check "imenu has no duplicate entries"
                         (= (length flat) (length (cl-remove-duplicates flat :test #'equal)))
                         (format "%d entries" (length flat))))

          ;; completion-at-point after `policy '
          (emacs-check-goto "policy compare all" "compare")
          (delete-region (point) (line-end-position))
          (let* ((capf (eglot-completion-at-point))
                 (labels (and capf (all-completions "" (nth 2 capf)))))
            (emacs-check "completion-at-point offers the policies"
                         (and (member "fifo" labels) (member "terminate" labels))
                         (string-join labels " ")))
          (erase-buffer)
          (insert text)

          ;; eglot-format on a messed-up layout
          (goto-char (point-min))
          (re-search-forward "^ *walker W:")
          (replace-match "walker    W :" t t)
          (eglot-format-buffer)
          (emacs-check "eglot-format puts the layout right"
                       (save-excursion (goto-char (point-min)) (re-search-forward "^    walker W: write-protect" nil t))
                       (save-excursion (goto-char (point-min)) (re-search-forward "^.*walker +W.*$" nil t)
                                       (format "indented by %d: %s" (current-indentation) (match-string 0))))
          (set-buffer-modified-p nil)

          ;; shutdown and exit, and the server's own exit code (eglot-shutdown would kill it)
          (let ((proc (jsonrpc--process server)))
            (setf (eglot--shutdown-requested server) t)
            (jsonrpc-request server :shutdown nil :timeout emacs-check-timeout)
            (jsonrpc-notify server :exit nil)
            (emacs-check-wait (lambda () (not (process-live-p proc))))
            (emacs-check "the server exits with 0 after shutdown and exit"
                         (and (eq (process-status proc) 'exit) (= (process-exit-status proc) 0))
                         (format "%s %s" (process-status proc) (process-exit-status proc)))))
      (dolist (b (list good broken))
        (when (buffer-live-p b) (with-current-buffer b (set-buffer-modified-p nil)) (kill-buffer b)))
      (delete-directory dir t))))

(condition-case err
    (emacs-check-main)
  (error (emacs-check "the check script ran to its end" nil (error-message-string err))))
(princ (format "%s: %d of %d checks failed\n" (if (zerop emacs-check-failures) "PASS" "FAIL")
               emacs-check-failures emacs-check-count))
(kill-emacs (if (zerop emacs-check-failures) 0 1))
;;; emacs-check.el ends here
