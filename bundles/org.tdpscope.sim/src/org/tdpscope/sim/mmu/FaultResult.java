/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/** What {@link TdpMmu#handleEptViolation} did. */
public final class FaultResult {
    public enum Kind {
        /** A new leaf was installed. */
        INSTALLED,
        /** The gfn is in no memslot: an MMIO SPTE is (or already was) installed at level 1. */
        MMIO,
        /** The existing leaf already allows the access; nothing changed. */
        SPURIOUS,
        /** An existing leaf was made writable (or its access tracking undone), like KVM's fast page fault. */
        FIXED,
        /** A write to a read-only memslot; nothing installed (KVM exits to userspace). */
        WRITE_TO_READONLY,
        /** A frozen (REMOVED) SPTE was met; the vCPU must retry. */
        RETRY
    }

    private final Kind kind;
    private final int level;
    private final long spte;
    private final long gfn;

    public FaultResult(Kind kind, int level, long spte, long gfn) {
        this.kind = kind;
        this.level = level;
        this.spte = spte;
        this.gfn = gfn;
    }

    public Kind kind() {
        return kind;
    }

    /** Level of the SPTE concerned (0 if none). */
    public int level() {
        return level;
    }

    /** The SPTE now in place (or the one met, for SPURIOUS/RETRY); 0 if none. */
    public long spte() {
        return spte;
    }

    /** The faulting gfn. */
    public long gfn() {
        return gfn;
    }

    @Override
    public String toString() {
        return kind + " gfn=0x" + Long.toHexString(gfn) + (level > 0 ? " " + Spte.describe(spte, level) : "");
    }
}
