/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import org.tdpscope.export.Scene;
import org.tdpscope.export.Theme;
import org.tdpscope.export.TwoDWalkDiagram;
import org.tdpscope.sim.Vcpu;
import org.tdpscope.sim.mmu.TwoDResult;

/** Walk: the guest × EPT grid of the last 2-D walk a vCPU made by the current step, references numbered. */
public final class WalkView extends DiagramView {

    public static final String ID = "org.tdpscope.ui.walk";

    @Override
    protected Scene diagram(RootsPanel panel) {
        return scene(panel);
    }

    static Scene scene(RootsPanel panel) {
        var kvm = panel.simulationAtStep().kvm();
        for (Vcpu v : kvm.vcpus()) {
            TwoDResult walk = kvm.lastWalk(v.name());
            if (walk != null) {
                return TwoDWalkDiagram.layout(panel.scenarioName(), v.name(), walk, Theme.LIGHT);
            }
        }
        return hint("no vCPU has made a guest access (access gva ...) by step " + panel.step());
    }
}
