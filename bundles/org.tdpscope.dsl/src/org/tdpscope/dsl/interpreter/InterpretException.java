/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.interpreter;

import org.eclipse.emf.ecore.EObject;

/** A scenario the interpreter cannot turn into simulator input; validation normally reports it first. */
public final class InterpretException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient EObject where;

    public InterpretException(String message, EObject where) {
        super(message);
        this.where = where;
    }

    /** The object the problem is about, or null. */
    public EObject where() {
        return where;
    }
}
