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
    public static final long CR0_MP = 1L << 1;
    public static final long CR0_EM = 1L << 2;
    public static final long CR0_TS = 1L << 3;
    public static final long CR0_NE = 1L << 5;
    public static final long CR0_AM = 1L << 18;
    public static final long CR0_CD = 1L << 30;
    public static final long CR0_NW = 1L << 29;
    public static final long CR4_PSE = 1L << 4;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_LA57 = 1L << 12;
    public static final long CR4_SMEP = 1L << 20;
    public static final long CR4_SMAP = 1L << 21;
    public static final long CR4_PKE = 1L << 22;
    public static final long CR4_PCIDE = 1L << 17;
    public static final long EFER_SCE = 1L;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;
    public static final long RFLAGS_AC = 1L << 18;

    /** The registers a scenario names, with the bits it may name in each (SDM mnemonics, lower case). */
    public enum Reg {
        CR0("cr0", new String[] { "pe", "mp", "em", "ts", "ne", "wp", "am", "nw", "cd", "pg" },
                new long[] { CR0_PE, CR0_MP, CR0_EM, CR0_TS, CR0_NE, CR0_WP, CR0_AM, CR0_NW, CR0_CD, CR0_PG }),
        CR4("cr4", new String[] { "pse", "pae", "pge", "la57", "pcide", "smep", "smap", "pke" },
                new long[] { CR4_PSE, CR4_PAE, CR4_PGE, CR4_LA57, CR4_PCIDE, CR4_SMEP, CR4_SMAP, CR4_PKE }),
        EFER("efer", new String[] { "sce", "lme", "lma", "nxe" },
                new long[] { EFER_SCE, EFER_LME, EFER_LMA, EFER_NXE }),
        RFLAGS("rflags", new String[] { "ac" }, new long[] { RFLAGS_AC });

        private final String word;
        private final String[] names;
        private final long[] bits;

        Reg(String word, String[] names, long[] bits) {
            this.word = word;
            this.names = names;
            this.bits = bits;
        }

        public String word() {
            return word;
        }

        /** The bit named {@code name} (e.g. {@code wp}), or 0 when this register has none by that name. */
        public long bit(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return bits[i];
                }
            }
            return 0;
        }

        /** The name of a single bit, or its number ({@code bit 3}) when it has none here. */
        public String name(long bit) {
            for (int i = 0; i < names.length; i++) {
                if (bits[i] == bit) {
                    return names[i];
                }
            }
            return "bit " + Long.numberOfTrailingZeros(bit);
        }

        /** The names, for messages: "pe, mp, ...". */
        public String names() {
            return String.join(", ", names);
        }
    }

    public long cr0;
    public long cr3;
    public long cr4;
    public long efer;
    /** Only EFLAGS.AC matters to paging (SMAP). */
    public long rflags;
    /** The current privilege level: 3 makes accesses user-mode accesses. */
    public int cpl;

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

    public boolean ac() {
        return (rflags & RFLAGS_AC) != 0;
    }

    public long get(Reg r) {
        return switch (r) {
            case CR0 -> cr0;
            case CR4 -> cr4;
            case EFER -> efer;
            case RFLAGS -> rflags;
        };
    }

    /** Sets {@code set} and clears {@code clear} in {@code r}. */
    public void change(Reg r, long set, long clear) {
        long v = (get(r) | set) & ~clear;
        switch (r) {
            case CR0 -> cr0 = v;
            case CR4 -> cr4 = v;
            case EFER -> efer = v;
            case RFLAGS -> rflags = v;
        }
    }

    public CpuRegs copy() {
        CpuRegs c = new CpuRegs(cr0, cr3, cr4, efer);
        c.rflags = rflags;
        c.cpl = cpl;
        return c;
    }

    public CpuRegs with(long cr0Set, long cr0Clear, long cr4Set, long cr4Clear, long eferSet, long eferClear) {
        CpuRegs c = new CpuRegs((cr0 | cr0Set) & ~cr0Clear, cr3, (cr4 | cr4Set) & ~cr4Clear,
                (efer | eferSet) & ~eferClear);
        c.rflags = rflags;
        c.cpl = cpl;
        return c;
    }

    @Override
    public String toString() {
        return String.format("cr0=%#x cr3=%#x cr4=%#x efer=%#x", cr0, cr3, cr4, efer)
                + (ac() ? " rflags.ac" : "") + (cpl != 0 ? " cpl=" + cpl : "");
    }
}
