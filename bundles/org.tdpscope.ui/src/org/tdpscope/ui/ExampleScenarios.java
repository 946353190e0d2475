/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.MenuManager;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.tdpscope.model.io.AtomicFiles;

/**
 * The example scenarios shipped in this bundle ({@code examples/*.tdp}, copied from the
 * repository's {@code examples/} at build time), and the File &gt; Open Example menu that opens one.
 * The bundle's copy is read-only (it may be inside a jar), so an example is first written to a
 * folder of the user's where the editor can save it.
 */
public final class ExampleScenarios {

    public static final String MENU_ID = "org.tdpscope.ui.openExample";

    private ExampleScenarios() {
    }

    /** The examples' file names, sorted. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        Bundle bundle = FrameworkUtil.getBundle(ExampleScenarios.class);
        Enumeration<URL> urls = bundle == null ? null : bundle.findEntries("examples", "*.tdp", false);
        while (urls != null && urls.hasMoreElements()) {
            String path = urls.nextElement().getPath();
            out.add(path.substring(path.lastIndexOf('/') + 1));
        }
        out.sort(null);
        return out;
    }

    /**
     * The example as a file in {@code dir}, written (atomically) the first time; later calls open the
     * user's copy as they left it.
     */
    public static Path extract(String name, Path dir) throws IOException {
        if (!names().contains(name)) {
            throw new IOException("no example named " + name);
        }
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(dir);
        URL url = FrameworkUtil.getBundle(ExampleScenarios.class).getEntry("examples/" + name);
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        AtomicFiles.write(file, out -> out.write(bytes));
        return file;
    }

    /**
     * Adds an "Open Example" submenu with one entry per example; choosing one hands its name to
     * {@code open} (the workbench copies it into the examples project); failures go to {@code error}.
     */
    public static MenuManager addMenu(IMenuManager parent, Consumer<String> open, Consumer<String> error) {
        MenuManager menu = new MenuManager("Open &Example", MENU_ID);
        for (String name : names()) {
            menu.add(new Action(name) {
                @Override
                public void run() {
                    try {
                        open.accept(name);
                    } catch (RuntimeException e) {
                        error.accept("cannot open the example " + name + ": " + e.getMessage());
                    }
                }
            });
        }
        if (names().isEmpty()) {
            Action none = new Action("(no examples in this build)") {
            };
            none.setEnabled(false);
            menu.add(none);
        }
        parent.add(menu);
        return menu;
    }
}
