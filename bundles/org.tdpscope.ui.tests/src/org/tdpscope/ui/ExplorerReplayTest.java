/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.TraceEvent;
import org.tdpscope.sim.explore.Outcome;
import org.tdpscope.ui.testing.Screens;

/**
 * Every outcome row the Explorer lists, clicked, shows in the Roots panel the row's final list, at the
 * step the explorer saw it: also for repeating threads (the script runs an operation the explorer never
 * started after its schedule) and livelocks (the script repeats the cycle until the simulator's cut-off).
 */
class ExplorerReplayTest {

    private Display display;
    private Shell shell;
    private RootsPanel roots;
    private ExplorerViewPanel explorer;

    @BeforeEach
    void open() {
        display = Display.getDefault(); // fails without a display: never skipped
        shell = new Shell(display);
        shell.setLayout(new FillLayout(SWT.VERTICAL));
        shell.setSize(1000, 900);
        roots = new RootsPanel(shell, SWT.NONE);
        roots.setAnimated(false);
        explorer = new ExplorerViewPanel(shell, SWT.NONE);
        explorer.setRootsTarget(() -> roots);
        shell.open();
        Screens.settle(display);
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    @ParameterizedTest
    @ValueSource(strings = { "explore-restart-livelock.tdp", "use-after-free.tdp", "stale-spte-fifo.tdp",
            "mainline-fast-zap.tdp" })
    void aReplayedRowShowsTheRowsFinalList(String example) {
        assertTrue(explorer.load(Screens.example(example)), explorer.statusText());
        assertTrue(explorer.explore() != null, explorer.statusText());
        Screens.pumpUntil(display, () -> explorer.results() != null, 300_000, "the exploration to end");
        List<ExplorerViewPanel.Row> rows = explorer.rows();
        Set<Policy> policies = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Outcome o = rows.get(i).outcome();
            policies.add(rows.get(i).result().policy());
            explorer.table().select(i);
            explorer.table().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event()); // a click
            Screens.settle(display);
            assertEquals(rows.get(i).result().policy(), roots.policy(), "row " + i);
            List<String> listed = roots.simulationAtStep().listedRootNames();
            TreeSet<String> violations = new TreeSet<>();
            for (TraceEvent e : roots.events()) {
                if (e.step() <= roots.step() && e.invariant() != null) {
                    violations.add(e.invariant().word() + (e.root() != null ? " " + e.root() : ""));
                }
            }
            if (!o.finalRoots().equals(listed) || !o.violations().equals(List.copyOf(violations))) {
                wrong.add("row " + i + " " + o + ": shown " + listed + " " + violations + " at step " + roots.step()
                        + " of " + roots.totalSteps());
            }
            assertTrue(roots.statusText().startsWith("step " + roots.step() + " / "), roots.statusText());
        }
        assertEquals(List.of(), wrong, example);
        assertTrue(rows.size() >= 2 && policies.size() >= (example.startsWith("explore-restart") ? 2 : 1),
                rows.toString());
        if (example.startsWith("explore-restart")) {
            // the cases that went wrong: a livelock row, and rows whose script runs on after the outcome
            assertTrue(rows.stream().anyMatch(r -> r.outcome().kind() == Outcome.Kind.LIVELOCK), rows.toString());
        }
    }
}
