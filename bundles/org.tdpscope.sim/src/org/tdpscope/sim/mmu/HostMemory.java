/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.Arrays;

/**
 * Host physical memory, addressed by host page-frame number (hpfn) or host physical address (hpa).
 * <p>
 * Pages are {@code long[512]} and are materialized lazily: a guest RAM reservation of millions of pages costs
 * nothing until a page is written. The page table is a two-level chunked array (chunk of 4096 page slots), so a
 * lookup is two array indexings, no hashing.
 * <p>
 * hpfns are handed out by a bump allocator and never reused, so a freed page stays recognisable forever: its slot
 * points to a shared poison page (reads return {@link #POISON}), its old array is filled with poison too (a walker
 * still holding it sees poison), and writes to it are dropped. Accesses to freed pages are counted, which lets the
 * simulator detect a use-after-free without crashing.
 * <p>
 * Not thread-safe: the simulator is single-threaded and models concurrency by interleaving steps.
 */
public final class HostMemory {
    /** What a freed page reads as. */
    public static final long POISON = 0xdeaddeaddeaddeadL;
    public static final int PAGE_SHIFT = 12;
    public static final int ENTRIES = 512;

    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;
    /** Shared slot value of every freed page; never handed out, so nobody can write into it. */
    private static final long[] POISON_PAGE = poisonPage();

    private long[][][] chunks = new long[16][][];
    private long nextHpfn = 1; // hpfn 0 is never handed out, so a zero SPTE address never aliases a real page
    private long materialized;
    private long freed;
    private long useAfterFreeAccesses;

    private static long[] poisonPage() {
        long[] p = new long[ENTRIES];
        Arrays.fill(p, POISON);
        return p;
    }

    public HostMemory() {
    }

    /** A fresh zeroed page; returns its hpfn. */
    public long allocPage() {
        long hpfn = nextHpfn++;
        slotFor(hpfn, true)[(int) hpfn & CHUNK_MASK] = new long[ENTRIES];
        materialized++;
        return hpfn;
    }

    /** Reserves {@code npages} contiguous hpfns without materializing them; returns the base hpfn. */
    public long reserve(long npages) {
        return reserveAligned(npages, 1, 0);
    }

    /**
     * Reserves {@code npages} contiguous hpfns whose base satisfies {@code base % align == phase}; the gap skipped
     * for alignment is simply never used. This is how guest RAM gets host backing whose huge-page alignment matches
     * (or deliberately does not match) the guest's.
     */
    public long reserveAligned(long npages, long align, long phase) {
        if (npages < 0 || align <= 0 || phase < 0 || phase >= align) {
            throw new IllegalArgumentException("npages=" + npages + " align=" + align + " phase=" + phase);
        }
        long base = nextHpfn;
        long rem = Math.floorMod(base - phase, align);
        if (rem != 0) {
            base += align - rem;
        }
        nextHpfn = base + npages;
        return base;
    }

    /** Poisons a page: later reads give {@link #POISON}, writes are dropped, {@link #isFreed} is true. */
    public void freePage(long hpfn) {
        checkAllocated(hpfn);
        long[][] chunk = slotFor(hpfn, true);
        int i = (int) hpfn & CHUNK_MASK;
        long[] old = chunk[i];
        if (old == POISON_PAGE) {
            throw new IllegalStateException("double free of hpfn 0x" + Long.toHexString(hpfn));
        }
        if (old != null) {
            Arrays.fill(old, POISON); // stale references held by walkers now see poison as well
            materialized--;
        }
        chunk[i] = POISON_PAGE;
        freed++;
    }

    public boolean isFreed(long hpfn) {
        long[][] chunk = slotFor(hpfn, false);
        return chunk != null && chunk[(int) hpfn & CHUNK_MASK] == POISON_PAGE;
    }

    /** 8-byte aligned read; an unmaterialized (or never allocated) page reads 0, a freed one {@link #POISON}. */
    public long read(long hpa) {
        long hpfn = hpa >>> PAGE_SHIFT;
        long c = hpfn >>> CHUNK_SHIFT;
        if (c >= chunks.length) {
            return 0;
        }
        long[][] chunk = chunks[(int) c];
        if (chunk == null) {
            return 0;
        }
        long[] p = chunk[(int) hpfn & CHUNK_MASK];
        if (p == null) {
            return 0;
        }
        if (p == POISON_PAGE) {
            useAfterFreeAccesses++;
        }
        return p[(int) (hpa >>> 3) & (ENTRIES - 1)];
    }

    /** 8-byte aligned write; materializes the page. A write to a freed page is dropped (and counted). */
    public void write(long hpa, long value) {
        long[] p = page(hpa >>> PAGE_SHIFT);
        p[(int) (hpa >>> 3) & (ENTRIES - 1)] = value;
    }

    /**
     * The backing array of a page, materializing it (hot paths index it directly). For a freed page this returns a
     * fresh poison-filled copy, so writes through it go nowhere.
     */
    public long[] page(long hpfn) {
        long[][] chunk = slotFor(hpfn, true);
        int i = (int) hpfn & CHUNK_MASK;
        long[] p = chunk[i];
        if (p == null) {
            checkAllocated(hpfn);
            p = new long[ENTRIES];
            chunk[i] = p;
            materialized++;
        } else if (p == POISON_PAGE) {
            useAfterFreeAccesses++;
            return poisonPage();
        }
        return p;
    }

    /**
     * The backing array if the page is materialized and not freed, else null; never materializes. For read-mostly
     * hot paths that keep their own references (a freed page's array is poison-filled, so a stale reference reads
     * poison; {@link #freedPages()} tells such a cache when to drop its references).
     */
    public long[] peekPage(long hpfn) {
        long[][] chunk = slotFor(hpfn, false);
        if (chunk == null) {
            return null;
        }
        long[] p = chunk[(int) hpfn & CHUNK_MASK];
        return p == POISON_PAGE ? null : p;
    }

    /** True if the page has a backing array (written at least once and not freed). */
    public boolean isMaterialized(long hpfn) {
        long[][] chunk = slotFor(hpfn, false);
        if (chunk == null) {
            return false;
        }
        long[] p = chunk[(int) hpfn & CHUNK_MASK];
        return p != null && p != POISON_PAGE;
    }

    /** Zeroes a page if it is materialized, without materializing it otherwise. */
    public void zeroPage(long hpfn) {
        long[][] chunk = slotFor(hpfn, false);
        if (chunk != null) {
            long[] p = chunk[(int) hpfn & CHUNK_MASK];
            if (p != null && p != POISON_PAGE) {
                Arrays.fill(p, 0);
            }
        }
    }

    public long materializedPages() {
        return materialized;
    }

    public long freedPages() {
        return freed;
    }

    /** Reads of, or writes to, freed pages so far (a use-after-free indicator). */
    public long useAfterFreeAccesses() {
        return useAfterFreeAccesses;
    }

    /** One past the highest hpfn handed out so far. */
    public long hpfnLimit() {
        return nextHpfn;
    }

    private void checkAllocated(long hpfn) {
        if (hpfn <= 0 || hpfn >= nextHpfn) {
            throw new IllegalArgumentException("hpfn 0x" + Long.toHexString(hpfn) + " was never allocated");
        }
    }

    private long[][] slotFor(long hpfn, boolean create) {
        if (hpfn < 0) {
            if (create) {
                throw new IllegalArgumentException("negative hpfn");
            }
            return null;
        }
        long c = hpfn >>> CHUNK_SHIFT;
        if (c >= chunks.length) {
            if (!create) {
                return null;
            }
            checkAllocated(hpfn);
            long n = chunks.length;
            while (n <= c) {
                n <<= 1;
            }
            chunks = Arrays.copyOf(chunks, (int) n);
        }
        long[][] chunk = chunks[(int) c];
        if (chunk == null && create) {
            checkAllocated(hpfn);
            chunk = new long[CHUNK_SIZE][];
            chunks[(int) c] = chunk;
        }
        return chunk;
    }
}
