/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

/**
 * Reading x86 TDP MMU SPTE values as traced (5.13+ layout: KVM's MMU-present software bit 11). This is
 * an interpretation of values, not a format: FORMATS.md section 4.
 */
public final class Sptes {

    /** {@code SPTE_MMU_PRESENT_MASK}: set in every present SPTE, never in MMIO or frozen ones. */
    public static final long MMU_PRESENT = 1L << 11;
    /** Page-size bit: a leaf above level 1. */
    public static final long LARGE = 1L << 7;
    /** {@code REMOVED_SPTE} / {@code FROZEN_SPTE}: written into entries of a page table being freed. */
    public static final long FROZEN = 0x5a0L;
    /** {@code SHADOW_NONPRESENT_VALUE} (bit 63, TDX-era kernels): non-present SPTEs and frozen markers carry it. */
    public static final long SHADOW_NONPRESENT = 1L << 63;
    /** Physical address bits 51:12. */
    public static final long PA_MASK = 0x000f_ffff_ffff_f000L;

    /** What an SPTE value is. */
    public enum Kind {
        /** 0 or {@code SHADOW_NONPRESENT_VALUE}. */
        NONE,
        /** The frozen marker 0x5a0, with or without bit 63: the table holding it is being freed. */
        FROZEN,
        /** Not present but not empty: an MMIO SPTE (memslot generation and access bits). */
        MMIO,
        /** Present, points to a page table one level down. */
        TABLE,
        /** Present, maps memory (4K at level 1, huge above). */
        LEAF
    }

    private Sptes() {
    }

    public static boolean isFrozen(long spte) {
        return (spte & ~SHADOW_NONPRESENT) == FROZEN;
    }

    public static boolean isPresent(long spte) {
        return (spte & MMU_PRESENT) != 0 && !isFrozen(spte);
    }

    public static boolean isLeaf(long spte, int level) {
        return isPresent(spte) && (level == 1 || (spte & LARGE) != 0);
    }

    /** Present and pointing to a child table. */
    public static boolean isTable(long spte, int level) {
        return isPresent(spte) && level > 1 && (spte & LARGE) == 0;
    }

    public static boolean isMmio(long spte) {
        return kind(spte, 1) == Kind.MMIO;
    }

    public static Kind kind(long spte, int level) {
        if (spte == 0 || spte == SHADOW_NONPRESENT) {
            return Kind.NONE;
        }
        if (isFrozen(spte)) {
            return Kind.FROZEN;
        }
        if ((spte & MMU_PRESENT) == 0) {
            return Kind.MMIO;
        }
        return level > 1 && (spte & LARGE) == 0 ? Kind.TABLE : Kind.LEAF;
    }

    /** The size a leaf at {@code level} maps: 4K, 2M, 1G, 512G. */
    public static String sizeName(int level) {
        return level == 1 ? "4K" : level == 2 ? "2M" : level == 3 ? "1G" : "512G";
    }

    /** Host physical address in the SPTE: the child table of a non-leaf, the page of a leaf. */
    public static long hpa(long spte) {
        return spte & PA_MASK;
    }

    /** Host page frame of a leaf. */
    public static long pfn(long spte) {
        return (spte & PA_MASK) >>> 12;
    }

    /** Number of 4K gfns one SPTE at this level maps. */
    public static long span(int level) {
        return 1L << (9 * (level - 1));
    }

    /** First gfn of the page table whose entries are at {@code level} and cover {@code gfn}. */
    public static long tableBase(int level, long gfn) {
        return gfn & -(1L << (9 * level));
    }

    /** Index of the SPTE for {@code gfn} in its page table of entries at {@code level}. */
    public static int index(int level, long gfn) {
        return (int) ((gfn >>> (9 * (level - 1))) & 511);
    }
}
