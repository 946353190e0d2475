/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IWorkspace;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.CoreException;
import org.osgi.framework.FrameworkUtil;

/**
 * The "TDP Scope Examples" project: made in the workspace the first time an example is opened, so the
 * examples are ordinary workspace files (Project Explorer, Problems view, rename, delete). An example
 * is copied in once; later opens find the user's copy as they left it.
 */
public final class ExamplesProject {

    public static final String NAME = "TDP Scope Examples";

    private ExamplesProject() {
    }

    /** The project, created and opened if needed. */
    public static IProject project() throws CoreException {
        IWorkspace ws = ResourcesPlugin.getWorkspace();
        IProject p = ws.getRoot().getProject(NAME);
        if (!p.exists()) {
            p.create(null);
        }
        if (!p.isOpen()) {
            p.open(null);
        }
        return p;
    }

    /** The example {@code name} as a file of the project, copied from the bundle the first time. */
    public static IFile example(String name) throws CoreException, IOException {
        if (!ExampleScenarios.names().contains(name)) {
            throw new IOException("no example named " + name);
        }
        IFile f = project().getFile(name);
        if (!f.exists()) {
            URL url = FrameworkUtil.getBundle(ExamplesProject.class).getEntry("examples/" + name);
            byte[] bytes;
            try (InputStream in = url.openStream()) {
                bytes = in.readAllBytes();
            }
            f.create(new ByteArrayInputStream(bytes), true, null);
        }
        return f;
    }
}
