/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide;

import org.eclipse.xtext.util.Modules2;
import org.tdpscope.dsl.TdpRuntimeModule;
import org.tdpscope.dsl.TdpStandaloneSetup;

import com.google.inject.Guice;
import com.google.inject.Injector;

/** The language with its editor services, as a language server needs it. */
public class TdpIdeSetup extends TdpStandaloneSetup {

    @Override
    public Injector createInjector() {
        return Guice.createInjector(Modules2.mixin(new TdpRuntimeModule(), new TdpIdeModule()));
    }
}
