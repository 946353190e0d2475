/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;

/**
 * The product's headless application ({@code -application org.tdpscope.cli.app}): the same
 * command as {@link Main}, inside the OSGi runtime.
 */
public final class CliApplication implements IApplication {

    @Override
    public Object start(IApplicationContext context) {
        String[] args = (String[]) context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
        int code = Main.runOnStandardStreams(args == null ? new String[0] : args);
        System.out.flush();
        return Integer.valueOf(code);
    }

    @Override
    public void stop() {
        // runs to completion; nothing to interrupt
    }
}
