/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;
import org.tdpscope.export.TimelineDiagram;

/** Timeline: one lane per thread, lock holds and yields as bars, events as marks, up to the current step. */
public final class TimelineView extends DiagramView {

    public static final String ID = "org.tdpscope.ui.timeline";

    @Override
    protected Scene diagram(RootsPanel panel) {
        return scene(panel);
    }

    /** The timeline of the run so far. */
    static Scene scene(RootsPanel panel) {
        if (panel.step() == 0) {
            return hint("step 0: nothing has happened yet");
        }
        var events = panel.events().subList(0, (int) Math.min(panel.step(), panel.events().size()));
        return TimelineDiagram.layout(panel.scenarioName() + " — policy " + panel.policy().word(), events,
                Theme.LIGHT);
    }
}
