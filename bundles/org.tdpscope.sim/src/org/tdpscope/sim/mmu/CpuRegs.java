/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/** The guest control registers paging depends on (mutable, like the CPU's). */
public final class CpuRegs {
    public static final long CR0_PG = 1L << 31;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_PE = 1L;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_LA57 = 1L << 12;
    public static final long CR4_SMEP = 1L << 20;
    public static final long CR4_SMAP = 1L << 21;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;

    public long cr0;
    public long cr3;
    public long cr4;
    public long efer;

    public CpuRegs() {
    }

    public CpuRegs(long cr0, long cr3, long cr4, long efer) {
        this.cr0 = cr0;
        this.cr3 = cr3;
        this.cr4 = cr4;
        this.efer = efer;
    }

    /** A typical 64-bit guest: paging on, CR0.WP, PAE, PGE, long mode, NXE; LA57 if asked. */
    public static CpuRegs longMode(long cr3, boolean la57) {
        return new CpuRegs(CR0_PE | CR0_PG | CR0_WP, cr3, CR4_PAE | CR4_PGE | (la57 ? CR4_LA57 : 0),
                EFER_LME | EFER_LMA | EFER_NXE);
    }

    public boolean paging() {
        return (cr0 & CR0_PG) != 0;
    }

    public boolean longModeActive() {
        return (efer & EFER_LMA) != 0;
    }

    public boolean la57() {
        return (cr4 & CR4_LA57) != 0;
    }

    public boolean wp() {
        return (cr0 & CR0_WP) != 0;
    }

    public boolean smep() {
        return (cr4 & CR4_SMEP) != 0;
    }

    public boolean smap() {
        return (cr4 & CR4_SMAP) != 0;
    }

    public boolean nxe() {
        return (efer & EFER_NXE) != 0;
    }

    /** Guest paging levels: 5 with LA57, else 4. */
    public int levels() {
        return la57() ? 5 : 4;
    }

    public CpuRegs copy() {
        return new CpuRegs(cr0, cr3, cr4, efer);
    }

    public CpuRegs with(long cr0Set, long cr0Clear, long cr4Set, long cr4Clear, long eferSet, long eferClear) {
        return new CpuRegs((cr0 | cr0Set) & ~cr0Clear, cr3, (cr4 | cr4Set) & ~cr4Clear, (efer | eferSet) & ~eferClear);
    }

    @Override
    public String toString() {
        return String.format("cr0=%#x cr3=%#x cr4=%#x efer=%#x", cr0, cr3, cr4, efer);
    }
}
