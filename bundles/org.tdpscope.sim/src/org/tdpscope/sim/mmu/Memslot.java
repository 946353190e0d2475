/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * A guest-physical range [baseGfn, baseGfn + npages) backed by host pages starting at hostBasePfn. Geometry is
 * immutable (a move creates a new instance with the same host backing, as a KVM move keeps userspace_addr); only
 * the dirty-logging flag changes, and only through {@link Memslots}.
 */
public final class Memslot {
    private final int id;
    private final long baseGfn;
    private final long npages;
    private final long hostBasePfn;
    private final boolean readOnly;
    boolean dirtyLogging;

    Memslot(int id, long baseGfn, long npages, long hostBasePfn, boolean readOnly, boolean dirtyLogging) {
        this.id = id;
        this.baseGfn = baseGfn;
        this.npages = npages;
        this.hostBasePfn = hostBasePfn;
        this.readOnly = readOnly;
        this.dirtyLogging = dirtyLogging;
    }

    public int id() {
        return id;
    }

    public long baseGfn() {
        return baseGfn;
    }

    public long npages() {
        return npages;
    }

    /** One past the last gfn. */
    public long endGfn() {
        return baseGfn + npages;
    }

    public long hostBasePfn() {
        return hostBasePfn;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public boolean dirtyLogging() {
        return dirtyLogging;
    }

    public boolean contains(long gfn) {
        return gfn >= baseGfn && gfn - baseGfn < npages;
    }

    /** The host page backing {@code gfn}; the caller ensures {@link #contains}. */
    public long hpfnOf(long gfn) {
        return hostBasePfn + (gfn - baseGfn);
    }

    @Override
    public String toString() {
        return "slot " + id + " gfn 0x" + Long.toHexString(baseGfn) + "+0x" + Long.toHexString(npages)
                + (readOnly ? " ro" : " rw") + (dirtyLogging ? " dirty-log" : "");
    }
}
