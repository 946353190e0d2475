/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl;

/** Sets the language up without Equinox's extension registry (command line, tests, language server). */
public class TdpStandaloneSetup extends TdpStandaloneSetupGenerated {

    public static void doSetup() {
        new TdpStandaloneSetup().createInjectorAndDoEMFRegistration();
    }
}
