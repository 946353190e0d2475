/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.tdpscope.dsl.api.TdpScenarios;

/**
 * The language, built once for every view: building it (Guice, Xtext) takes seconds, so it is made
 * on first use by whichever thread needs it first (a background job, not the UI thread). Its loads
 * are synchronized, so views share it.
 */
final class Scenarios {

    private Scenarios() {
    }

    private static final class Holder {
        static final TdpScenarios INSTANCE = TdpScenarios.create();
    }

    static TdpScenarios shared() {
        return Holder.INSTANCE;
    }
}
