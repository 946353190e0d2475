/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tdpscope.ui.OpenTraceHandler.Shown;

/**
 * Which Trace view File › Open Trace… shows a file in: a file of its own per view, so two captures can be
 * compared side by side; the same file again replaces its import where it is.
 */
class OpenTraceTargetTest {

    private static final Path BEFORE = Path.of("/captures/before.txt");
    private static final Path AFTER = Path.of("/captures/after.txt");

    @Test
    void theFirstTraceGoesToTheFirstTraceView() {
        assertNull(OpenTraceHandler.target(List.of(), BEFORE).secondaryId());
        assertNull(OpenTraceHandler.target(List.of(new Shown(null, null)), BEFORE).secondaryId(), "the empty view");
    }

    @Test
    void aSecondFileOpensAViewOfItsOwnAndTheSameFileAgainReplacesItsImport() {
        List<Shown> one = List.of(new Shown(null, BEFORE));
        assertEquals("2", OpenTraceHandler.target(one, AFTER).secondaryId());
        List<Shown> two = List.of(new Shown(null, BEFORE), new Shown("2", AFTER));
        assertEquals("2", OpenTraceHandler.target(two, Path.of("/captures/../captures/after.txt")).secondaryId(),
                "the same file, however named");
        assertNull(OpenTraceHandler.target(two, BEFORE).secondaryId());
        assertEquals("3", OpenTraceHandler.target(two, Path.of("/captures/third.txt")).secondaryId());
    }

    /**
     * A view importing its trace again after a restart is not empty, and one the workbench has not made yet
     * (a tab not shown since) is taken: the next file does not land in either.
     */
    @Test
    void viewsRestoringTheirTracesAreNotEmpty() {
        List<Shown> open = List.of(new Shown(null, BEFORE), new Shown("2", null, true));
        assertEquals("3", OpenTraceHandler.target(open, AFTER).secondaryId());
        assertNull(OpenTraceHandler.target(open, BEFORE).secondaryId(), "its file, while it imports it again");
    }

    @Test
    void anEmptyViewTakesTheNextFileAndNumbersAreReusedOnlyWhenFree() {
        List<Shown> open = List.of(new Shown(null, BEFORE), new Shown("3", null));
        assertEquals("3", OpenTraceHandler.target(open, AFTER).secondaryId(), "the view with nothing in it");
        List<Shown> gap = List.of(new Shown("2", AFTER), new Shown("3", BEFORE));
        assertNull(OpenTraceHandler.target(gap, Path.of("/x.txt")).secondaryId(), "the first view, closed, again");
    }
}
