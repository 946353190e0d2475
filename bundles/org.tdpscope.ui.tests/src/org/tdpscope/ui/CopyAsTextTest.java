/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.ToolBarManager;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.ToolBar;
import org.eclipse.swt.widgets.ToolItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tdpscope.cli.Main;
import org.tdpscope.export.RaceText;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.Policy;
import org.tdpscope.ui.testing.Screens;

/**
 * *Copy as Text* puts on the system clipboard (read back through SWT's TextTransfer) exactly what
 * {@code tdpscope export --diagram race} prints for the run the views show, under its policy and era:
 * from the Roots drawing's context menu, Ctrl+C on the Timeline, and the views' tool-bar action.
 */
class CopyAsTextTest {

    private Display display;
    private Shell shell;
    private RootsPanel roots;
    private TimelinePanel timeline;

    @BeforeEach
    void open() {
        display = Display.getDefault(); // fails without a display: never skipped
        shell = new Shell(display);
        shell.setLayout(new FillLayout(SWT.VERTICAL));
        shell.setSize(900, 900);
        roots = new RootsPanel(shell, SWT.NONE);
        roots.setAnimated(false);
        timeline = new TimelinePanel(shell, SWT.NONE);
        shell.open();
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    /** What the command prints for one era and policy (its text, then a blank line). */
    private static String cli(Path file, Policy p, Era era) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] { "export", file.toString(), "--diagram", "race", "--policy", p.word(),
                "--kernel", era.word() }, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.endsWith("\n\n"), s);
        return s.substring(0, s.length() - 1);
    }

    private String clipboard() {
        Clipboard c = new Clipboard(display);
        try {
            return (String) c.getContents(TextTransfer.getInstance());
        } finally {
            c.dispose();
        }
    }

    private void putOnClipboard(String s) {
        Clipboard c = new Clipboard(display);
        try {
            c.setContents(new Object[] { s }, new Transfer[] { TextTransfer.getInstance() });
        } finally {
            c.dispose();
        }
    }

    private void assertCopied(String want, String how) {
        Screens.settle(display);
        String got = clipboard();
        assertEquals(want, got, how);
        for (String line : got.split("\n")) {
            assertTrue(line.length() <= RaceText.WIDTH, how + ": at most 75 columns: '" + line + "'");
        }
        putOnClipboard("(cleared)"); // the next trigger must put its own text there
    }

    private void waitForRun(Job job) {
        Screens.pumpUntil(display, () -> !roots.running(), 60_000, "the run");
    }

    @Test
    void theRunOnTheClipboardIsWhatTheCommandWrites() throws Exception {
        putOnClipboard("(cleared)");
        Path uaf = Screens.example("use-after-free.tdp");
        assertTrue(roots.open(uaf), roots.statusText());
        Screens.settle(display);
        assertEquals(roots, timeline.rootsPanel(), "the timeline follows the Roots panel");
        String want = cli(uaf, roots.policy(), roots.kernel().era());
        assertTrue(want.contains("!!! use-after-free"), want);

        // the Roots drawing's context menu
        Menu menu = roots.canvas().getMenu();
        menu.notifyListeners(SWT.Show, new Event());
        MenuItem item = menu.getItem(0);
        assertTrue(item.getText().startsWith(CopyAsText.LABEL), item.getText());
        assertTrue(item.isEnabled());
        item.notifyListeners(SWT.Selection, new Event());
        assertCopied(want, "context menu, " + roots.policy().word());

        // another policy and era: what the command writes for those
        waitForRun(roots.replay(Policy.RESTART));
        waitForRun(roots.setKernel(Era.V6_4));
        assertEquals(Policy.RESTART, roots.policy());
        String other = cli(uaf, Policy.RESTART, Era.V6_4);
        assertTrue(!other.equals(want), "another run, another diagram");

        // Ctrl+C on the Timeline's drawing
        timeline.canvas().setFocus();
        Event key = new Event();
        key.keyCode = 'c';
        key.character = (char) 3;
        key.stateMask = SWT.MOD1;
        key.doit = true;
        timeline.canvas().notifyListeners(SWT.KeyDown, key);
        assertTrue(!key.doit, "the key was taken");
        assertCopied(other, "Ctrl+C on the timeline, restart on v6.4");

        // the views' action, from a tool bar as the views show it
        ToolBarManager bar = new ToolBarManager(SWT.FLAT);
        bar.add(new CopyAsText(timeline::rootsPanel));
        ToolBar tb = bar.createControl(shell);
        ToolItem button = tb.getItem(0);
        assertEquals(CopyAsText.LABEL, button.getText());
        button.notifyListeners(SWT.Selection, new Event());
        assertCopied(other, "tool-bar action");

        // another scenario, opened in the same views
        Path seed = Screens.example("seed-terminate.tdp");
        assertTrue(roots.open(seed), roots.statusText());
        Screens.settle(display);
        menu.notifyListeners(SWT.Show, new Event());
        item.notifyListeners(SWT.Selection, new Event());
        assertCopied(cli(seed, roots.policy(), roots.kernel().era()), "seed-terminate");
    }

    @Test
    void beforeARunThereIsNothingToCopy() {
        putOnClipboard("untouched");
        Menu menu = roots.canvas().getMenu();
        menu.notifyListeners(SWT.Show, new Event());
        assertTrue(!menu.getItem(0).isEnabled(), "disabled before a run");
        new CopyAsText(timeline::rootsPanel).run();
        Screens.settle(display);
        assertEquals("untouched", clipboard());
    }
}
