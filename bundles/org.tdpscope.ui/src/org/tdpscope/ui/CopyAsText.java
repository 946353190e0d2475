/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.util.function.Supplier;

import org.eclipse.jface.action.Action;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Text;

/**
 * *Copy as Text*: the run shown as the plain-text kernel race diagram (what {@code tdpscope export
 * --diagram race --format text} writes for the same run, policy and era) on the clipboard, to paste into
 * a commit message or a mail. In the Roots and Timeline views' tool bars and menus, the drawing's context
 * menu, and Ctrl+C (Edit › Copy) while the view is active.
 */
final class CopyAsText extends Action {

    static final String LABEL = "Copy as Text";

    private final Supplier<RootsPanel> panel;

    CopyAsText(Supplier<RootsPanel> panel) {
        super(LABEL);
        this.panel = panel;
        setToolTipText("Copy the run as a plain-text race diagram (one column per thread, ≤ 75 columns), "
                + "for a commit message (Ctrl+C)");
        setActionDefinitionId("org.eclipse.ui.edit.copy");
    }

    @Override
    public void run() {
        // Ctrl+C in the step field copies what is selected there, as it would anywhere else
        RootsPanel p = panel.get();
        if (p != null && !p.isDisposed() && p.getDisplay().getFocusControl() instanceof Text t
                && t.getSelectionCount() > 0) {
            t.copy();
            return;
        }
        copy(p);
    }

    /** Puts the panel's run on the clipboard as a race diagram; false when no run is shown. */
    static boolean copy(RootsPanel p) {
        String text = p == null || p.isDisposed() ? null : p.raceText();
        if (text == null) {
            return false;
        }
        Clipboard clipboard = new Clipboard(p.getDisplay());
        try {
            clipboard.setContents(new Object[] { text }, new Transfer[] { TextTransfer.getInstance() });
        } finally {
            clipboard.dispose(); // the contents stay on the clipboard
        }
        return true;
    }

    /**
     * A drawing's context menu with *Copy as Text*, and Ctrl+C on it (in a plain shell too: the tests drive
     * it without a workbench).
     */
    static void install(Control drawing, Supplier<RootsPanel> panel) {
        Menu menu = new Menu(drawing);
        MenuItem item = new MenuItem(menu, SWT.PUSH);
        item.setText(LABEL + "\tCtrl+C");
        item.addListener(SWT.Selection, e -> copy(panel.get()));
        menu.addListener(SWT.Show, e -> {
            RootsPanel p = panel.get();
            item.setEnabled(p != null && !p.isDisposed() && p.raceText() != null);
        });
        drawing.setMenu(menu);
        drawing.addListener(SWT.KeyDown, e -> {
            if ((e.stateMask & SWT.MODIFIER_MASK) == SWT.MOD1 && (e.keyCode == 'c' || e.character == 0x03)) {
                e.doit = !copy(panel.get());
            }
        });
    }
}
