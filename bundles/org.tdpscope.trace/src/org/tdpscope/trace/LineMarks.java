/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.Arrays;

/**
 * Byte offsets where some lines of a file start, in increasing line order: a look-up of line N reads
 * on from the nearest mark before it instead of from the file's start. The parallel reader marks every
 * block it cut (a few thousand a GiB); later look-ups add marks as they pass.
 */
final class LineMarks {

    private long[] lines = new long[16];
    private long[] offsets = new long[16];
    private int count;

    /** Marks {@code line} as starting at byte {@code offset}; ignored unless past the last mark. */
    synchronized void add(long line, long offset) {
        if (count > 0 && (line <= lines[count - 1] || offset <= offsets[count - 1])) {
            return;
        }
        if (count == lines.length) {
            lines = Arrays.copyOf(lines, 2 * count);
            offsets = Arrays.copyOf(offsets, 2 * count);
        }
        lines[count] = line;
        offsets[count] = offset;
        count++;
    }

    /** The mark at or before {@code line} as {line, offset}; line 1 at offset 0 if there is none. */
    synchronized long[] floor(long line) {
        int i = Arrays.binarySearch(lines, 0, count, line);
        if (i < 0) {
            i = -i - 2;
        }
        return i < 0 ? new long[] { 1, 0 } : new long[] { lines[i], offsets[i] };
    }

    /** The line of the last mark, 1 if there is none. */
    synchronized long lastLine() {
        return count == 0 ? 1 : lines[count - 1];
    }

    synchronized int size() {
        return count;
    }
}
