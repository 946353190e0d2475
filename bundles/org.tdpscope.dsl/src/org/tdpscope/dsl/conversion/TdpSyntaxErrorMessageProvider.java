/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.conversion;

import org.eclipse.xtext.conversion.ValueConverterException;
import org.eclipse.xtext.nodemodel.SyntaxErrorMessage;
import org.eclipse.xtext.parser.antlr.SyntaxErrorMessageProvider;

/**
 * Gives a word the parser could not convert (an unknown policy or invariant, see
 * {@link TdpValueConverters}) the issue code of its kind instead of Xtext's generic syntax code.
 */
public class TdpSyntaxErrorMessageProvider extends SyntaxErrorMessageProvider {

    @Override
    public SyntaxErrorMessage getSyntaxErrorMessage(IValueConverterErrorContext context) {
        ValueConverterException e = context.getValueConverterException();
        if (e instanceof TdpValueConverters.WordException w) {
            return new SyntaxErrorMessage(w.getMessage(), w.issueCode());
        }
        return super.getSyntaxErrorMessage(context);
    }
}
