/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * The declared resource limits of a scenario, in one place. The validator checks each before anything runs and
 * names the limit in its message; the simulator's memory grows with what a scenario touches (lazily materialized
 * tables, sparse dirty bitmaps), so within these limits a run needs memory for what it does, not for what it
 * declares.
 * <ul>
 * <li>A memslot's gfns lie within the TDP page table's reach: 2^36 gfns (48-bit gpas) with a 4-level EPT, 2^45
 * (57-bit) with 5 levels. Beyond it no SPTE can map them.</li>
 * <li>The host pages backing all memslots (each reserved at a 1 GiB-aligned offset, as the simulator does) fit in a
 * 52-bit host physical address space, the widest an SPTE can point into: {@link #HOST_PFN_BITS}.</li>
 * <li>Memslot ids 0 to 32767 (KVM's SHRT_MAX slots per address space); {@code host maxphyaddr} 36 to 52.</li>
 * <li>At most {@link #MAX_VCPUS} vCPUs, {@link #MAX_THREADS} threads, {@link #MAX_OPS_PER_THREAD} operations in a
 * thread, {@link #MAX_SCHEDULE_STEPS} schedule steps and {@link #MAX_EXPLORE_DEPTH} as explore depth.</li>
 * <li>A script is at most {@link #MAX_SCRIPT_BYTES} bytes.</li>
 * <li>Numbers are 64-bit: at most 2^64-1 written in hex, 2^63-1 in decimal where a sign matters.</li>
 * </ul>
 */
public final class Limits {

    /** log2 of the host pages an SPTE can address (bits 51:12 of the entry): a 52-bit host. */
    public static final int HOST_PFN_BITS = 40;
    /** {@code host maxphyaddr N}: x86 physical address widths run from 36 bits (old parts) to 52. */
    public static final int MIN_HOST_MAXPHYADDR = 36;
    public static final int MAX_HOST_MAXPHYADDR = 52;
    /** Memslot ids are 0 to this (KVM_MEM_SLOTS_NUM is SHRT_MAX). */
    public static final int MAX_MEMSLOT_ID = 32767;
    /** vCPUs in one VM (x86 KVM_MAX_VCPUS is 4096; more are allowed here for stress scenarios). */
    public static final int MAX_VCPUS = 16_384;
    /** Threads of a scenario: vCPU threads, walkers and invalidators. */
    public static final int MAX_THREADS = 32_768;
    /** Operations in one thread's program (faults, walks, ...). */
    public static final int MAX_OPS_PER_THREAD = 100_000;
    /** Steps of a schedule block. */
    public static final int MAX_SCHEDULE_STEPS = 100_000;
    /** The deepest interleaving an exploration may take (schedule steps). */
    public static final int MAX_EXPLORE_DEPTH = 10_000;
    /** Interleavings an exploration may visit, per worker. */
    public static final long MAX_EXPLORE_VISITS = 1_000_000_000L;
    /** Bytes of a scenario script (a generated 10,000-line scenario is about 400 KB). */
    public static final int MAX_SCRIPT_BYTES = 16 << 20;
    /** Roots one run may create; a run that makes more stops with an error. */
    public static final int MAX_ROOTS = 100_000;

    private Limits() {
    }

    /** The gfns a TDP page table of {@code levels} levels maps: 2^(9 * levels). */
    public static long eptGfnReach(int levels) {
        return 1L << (9 * (levels == 5 ? 5 : 4));
    }

    /** "2^36 gfns (a 48-bit gpa, 4-level EPT)": how messages name the reach. */
    public static String eptReachWords(int levels) {
        int l = levels == 5 ? 5 : 4;
        return "2^" + 9 * l + " gfns (" + (9 * l + 12) + "-bit gpas, " + l + "-level EPT)";
    }

    /** Host pages the backing of all memslots may take. */
    public static long hostPages() {
        return 1L << HOST_PFN_BITS;
    }

    /** One line naming every limit, for messages such as "out of memory". */
    public static String summary() {
        return "memslots within the EPT's reach (2^36 gfns with 4 levels, 2^45 with 5), at most " + MAX_VCPUS
                + " vCPUs, " + MAX_THREADS + " threads, " + MAX_OPS_PER_THREAD + " operations a thread, "
                + MAX_SCHEDULE_STEPS + " schedule steps, " + MAX_ROOTS + " roots, explore depth " + MAX_EXPLORE_DEPTH
                + ", scripts of " + (MAX_SCRIPT_BYTES >> 20) + " MiB";
    }
}
