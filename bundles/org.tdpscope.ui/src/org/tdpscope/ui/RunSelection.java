/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The run and step the Roots view shows, for the views that follow it (Timeline, Walk, Page
 * tables): they listen here instead of knowing each other.
 */
public final class RunSelection {

    private static final List<Consumer<RootsPanel>> LISTENERS = new CopyOnWriteArrayList<>();
    private static RootsPanel current;

    private RunSelection() {
    }

    /** Called by a Roots panel after it moved to a step (UI thread). */
    static void changed(RootsPanel panel) {
        current = panel;
        for (Consumer<RootsPanel> l : LISTENERS) {
            l.accept(panel);
        }
    }

    /** Registers a listener and, if a run is shown already, calls it at once. */
    public static void listen(Consumer<RootsPanel> listener) {
        LISTENERS.add(listener);
        if (current != null && !current.isDisposed()) {
            listener.accept(current);
        }
    }

    public static void unlisten(Consumer<RootsPanel> listener) {
        LISTENERS.remove(listener);
    }
}
