/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code mmu_lock} as a reader/writer lock: many shared holders or one exclusive holder. Holders
 * are thread names, so a view can show who holds it.
 */
public final class MmuLock {

    private final List<String> readers = new ArrayList<>();
    private String writer;

    MmuLock copy() {
        MmuLock c = new MmuLock();
        if (!readers.isEmpty()) {
            c.readers.addAll(readers);
        }
        c.writer = writer;
        return c;
    }

    /** Takes the lock if it is free for this mode; false means the thread would block. */
    boolean tryAcquire(String thread, boolean shared) {
        if (writer != null) {
            return false;
        }
        if (shared) {
            readers.add(thread);
            return true;
        }
        if (!readers.isEmpty()) {
            return false;
        }
        writer = thread;
        return true;
    }

    void release(String thread) {
        if (thread.equals(writer)) {
            writer = null;
        } else {
            readers.remove(thread);
        }
    }

    public String writer() {
        return writer;
    }

    public List<String> readers() {
        return List.copyOf(readers);
    }

    /** {@code readers().hashCode()}, without the copy (for the state hash). */
    int readersHash() {
        return readers.hashCode();
    }

    /** Whether {@code thread} holds the lock for read. */
    boolean readBy(String thread) {
        return readers.contains(thread);
    }

    /** Whether a thread other than {@code thread} holds the lock for read. */
    boolean readByOtherThan(String thread) {
        for (int i = 0, n = readers.size(); i < n; i++) {
            if (!readers.get(i).equals(thread)) {
                return true;
            }
        }
        return false;
    }

    public boolean heldBy(String thread) {
        return thread.equals(writer) || readers.contains(thread);
    }
}
