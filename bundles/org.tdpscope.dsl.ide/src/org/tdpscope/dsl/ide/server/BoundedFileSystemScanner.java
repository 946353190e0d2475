/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.server;

import java.io.File;

import org.eclipse.emf.common.util.URI;
import org.eclipse.xtext.util.IAcceptor;
import org.eclipse.xtext.util.IFileSystemScanner;
import org.tdpscope.sim.Limits;

/**
 * The workspace scan of {@code initialize}, leaving out files larger than a script may be
 * ({@link Limits#MAX_SCRIPT_BYTES}): Xtext parses every file of a workspace folder before answering,
 * and one 100 MB file kept a client waiting two minutes. A file left out says so on stderr, and still
 * gets its positioned size error if the client opens it.
 */
public class BoundedFileSystemScanner extends IFileSystemScanner.JavaIoFileSystemScanner {

    @Override
    public void scan(URI root, IAcceptor<URI> acceptor) {
        super.scan(root, uri -> {
            File f = uri.isFile() ? new File(uri.toFileString()) : null;
            if (f != null && f.length() > Limits.MAX_SCRIPT_BYTES) {
                System.err.println("tdpscope lsp: not indexed: " + f + " (" + f.length()
                        + " bytes, more than a script may be: " + Limits.MAX_SCRIPT_BYTES + ")");
                return;
            }
            acceptor.accept(uri);
        });
    }
}
