/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.server;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/**
 * Error responses without Java stack traces: lsp4j's default puts the whole stack trace of a
 * failed request into the response's {@code data}. Here the client gets one line (an unknown
 * method is "method not found", as JSON-RPC says), and the stack trace goes to standard error.
 */
public final class ProtocolErrors implements Function<Throwable, ResponseError> {

    private final PrintStream log;

    public ProtocolErrors(PrintStream log) {
        this.log = log;
    }

    @Override
    public ResponseError apply(Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof ResponseErrorException r && r.getResponseError() != null) {
            ResponseError e = r.getResponseError();
            return new ResponseError(e.getCode(), e.getMessage(), e.getData() instanceof String ? null : e.getData());
        }
        if (t instanceof UnsupportedOperationException u && u.getMessage() != null
                && u.getMessage().contains("is unknown")) {
            return new ResponseError(ResponseErrorCode.MethodNotFound, u.getMessage(), null);
        }
        synchronized (log) {
            log.println("tdpscope lsp: internal error: " + describe(t));
            t.printStackTrace(log);
            log.flush();
        }
        return new ResponseError(ResponseErrorCode.InternalError, "internal error: " + describe(t), null);
    }

    /** The exception wrapped by future and reflection wrappers. */
    static Throwable unwrap(Throwable thrown) {
        Throwable t = thrown;
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof InvocationTargetException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** One line: the exception's type and first line of its message. */
    public static String describe(Throwable thrown) {
        Throwable t = unwrap(thrown);
        String m = t.getMessage();
        String text = t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        int nl = text.indexOf('\n');
        text = nl < 0 ? text : text.substring(0, nl);
        return text.length() > 300 ? text.substring(0, 297) + "..." : text;
    }
}
