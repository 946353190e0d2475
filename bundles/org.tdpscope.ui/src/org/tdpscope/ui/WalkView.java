/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.tdpscope.export.Scene;

/**
 * Walk: steps through one walk made by the current step: the guest × EPT grid of a vCPU's last 2-D
 * walk reference by reference, or a walker's roots one by one (see {@link WalkPanel}).
 */
public final class WalkView extends DiagramView {

    public static final String ID = "org.tdpscope.ui.walk";

    private WalkPanel walk;

    @Override
    public void createPartControl(Composite parent) {
        walk = new WalkPanel(parent, SWT.NONE);
        super.createPartControl(walk.body());
        walk.setCanvas(canvas()); // the buttons redraw the diagram's canvas
    }

    @Override
    protected String kind() {
        return "walk";
    }

    @Override
    protected Scene diagram(RootsPanel panel) {
        return walk.follow(panel);
    }

    /** The view's picture at the panel's step before any button is pressed: the first walk, whole. */
    static Scene scene(RootsPanel panel) {
        var subjects = panel.simulationAtStep() == null ? java.util.List.<WalkPanel.Subject>of()
                : WalkPanel.subjects(panel.simulationAtStep());
        return WalkPanel.picture(panel, subjects, 0, subjects.isEmpty() ? 0 : subjects.get(0).total());
    }
}
