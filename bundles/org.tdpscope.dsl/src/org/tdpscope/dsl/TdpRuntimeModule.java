/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl;

import org.eclipse.xtext.conversion.IValueConverterService;
import org.eclipse.xtext.formatting2.IFormatter2;
import org.eclipse.xtext.linking.ILinkingDiagnosticMessageProvider;
import org.eclipse.xtext.parser.antlr.ISyntaxErrorMessageProvider;
import org.eclipse.xtext.validation.IResourceValidator;
import org.tdpscope.dsl.conversion.TdpValueConverters;
import org.tdpscope.dsl.formatting2.TdpFormatter;
import org.tdpscope.dsl.parser.TdpResourceValidator;
import org.tdpscope.dsl.parser.TdpSyntaxErrors;
import org.tdpscope.dsl.scoping.TdpLinkingDiagnosticMessageProvider;

/** Runtime services of the scenario language, on top of the generated ones. */
public class TdpRuntimeModule extends AbstractTdpRuntimeModule {

    @Override
    public Class<? extends IValueConverterService> bindIValueConverterService() {
        return TdpValueConverters.class;
    }

    /** Parse errors in the script writer's words (what was found, what was expected, the nearest keyword). */
    public Class<? extends ISyntaxErrorMessageProvider> bindISyntaxErrorMessageProvider() {
        return TdpSyntaxErrors.class;
    }

    /** One error per mistake: follow-ons of a syntax error left out, for the CLI, the language server and the editor. */
    public Class<? extends IResourceValidator> bindIResourceValidator() {
        return TdpResourceValidator.class;
    }

    public Class<? extends IFormatter2> bindIFormatter2() {
        return TdpFormatter.class;
    }

    public Class<? extends ILinkingDiagnosticMessageProvider> bindILinkingDiagnosticMessageProvider() {
        return TdpLinkingDiagnosticMessageProvider.class;
    }
}
