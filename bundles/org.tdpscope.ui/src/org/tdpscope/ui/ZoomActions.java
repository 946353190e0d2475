/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.Locale;
import java.util.function.Supplier;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.ui.IActionBars;

/**
 * A diagram view's zoom: Fit (the whole drawing, never enlarged; the views start so), 100 %, zoom in
 * and out; Ctrl+wheel and Ctrl+plus/minus/0 on the drawing do the same.
 */
final class ZoomActions {

    private ZoomActions() {
    }

    static void add(IActionBars bars, Supplier<SceneCanvas> canvas) {
        Action fit = new Action("Fit") {
            @Override
            public void run() {
                canvas.get().fit();
            }
        };
        fit.setToolTipText("Fit the whole drawing in the view");
        Action actual = new Action("100 %") {
            @Override
            public void run() {
                canvas.get().setZoom(1);
            }
        };
        actual.setToolTipText("Actual size (Ctrl+0)");
        Action in = new Action("+") {
            @Override
            public void run() {
                canvas.get().setZoom(canvas.get().zoom() * SceneCanvas.ZOOM_STEP);
            }
        };
        in.setToolTipText("Zoom in (Ctrl+wheel, Ctrl++)");
        Action out = new Action("−") {
            @Override
            public void run() {
                canvas.get().setZoom(canvas.get().zoom() / SceneCanvas.ZOOM_STEP);
            }
        };
        out.setToolTipText("Zoom out (Ctrl+wheel, Ctrl+-)");
        IToolBarManager tb = bars.getToolBarManager();
        tb.add(new Separator());
        for (Action a : new Action[] { fit, actual, out, in }) {
            tb.add(a);
            bars.getMenuManager().add(a);
        }
        Runnable label = () -> actual.setText(percent(canvas.get().zoom()));
        canvas.get().addZoomListener(label);
        bars.updateActionBars();
    }

    /** The zoom as the 100 % button shows it. */
    static String percent(double zoom) {
        return String.format(Locale.ROOT, "%d %%", Math.round(zoom * 100));
    }
}
