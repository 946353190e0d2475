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
 * nothing until a page is written. The page table is a two-level chunked array (chunks of 512 page slots, small
 * enough that copying one on write after a fork is cheap), so a lookup is two array indexings, no hashing.
 * <p>
 * hpfns are handed out by a bump allocator and never reused, so a freed page stays recognisable forever: its slot
 * points to a shared poison page (reads return {@link #POISON}), its old array is filled with poison too (a walker
 * still holding it sees poison), and writes to it are dropped. Accesses to freed pages are counted, which lets the
 * simulator detect a use-after-free without crashing.
 * <p>
 * {@link #copy} is copy-on-write, so the schedule explorer can fork a simulation at every branch: the copy and the
 * original share their chunk and page arrays until one of them writes, and then that one copies the array first.
 * Which arrays a memory may change in place is kept in per-chunk bitmaps (null: nothing in that chunk, nor the chunk
 * array itself); a memory that was never copied owns everything and pays nothing for this. Whoever caches a page
 * array across a copy must take it again afterwards (see {@link TdpIter#unshare}); read-only users
 * ({@link #peekPage}, {@link #pageForRead}) only need to take arrays again when {@link #remaps()} changed.
 * <p>
 * Not thread-safe: the simulator is single-threaded and models concurrency by interleaving steps. Separate copies
 * may be used from separate threads (shared arrays are never written).
 */
public final class HostMemory {
    /** What a freed page reads as. */
    public static final long POISON = 0xdeaddeaddeaddeadL;
    public static final int PAGE_SHIFT = 12;
    public static final int ENTRIES = 512;

    private static final int CHUNK_SHIFT = 9;
    private static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;
    /** Shared slot value of every freed page; never handed out, so nobody can write into it. */
    private static final long[] POISON_PAGE = poisonPage();

    private long[][][] chunks = new long[16][][];
    private long nextHpfn = 1; // hpfn 0 is never handed out, so a zero SPTE address never aliases a real page
    private long materialized;
    private long freed;
    private long useAfterFreeAccesses;
    /** Set once this memory was copied: from then on only arrays marked in {@link #owned} may be written in place. */
    private boolean cow;
    /** Per chunk, one bit per page slot this memory owns; non-null iff it owns the chunk array. Used once cow. */
    private long[][] owned = new long[16][];
    private long cowCopies;

    private static long[] poisonPage() {
        long[] p = new long[ENTRIES];
        Arrays.fill(p, POISON);
        return p;
    }

    public HostMemory() {
    }

    /**
     * An independent copy (a forked simulation's memory), copy-on-write: O(number of chunks), whatever the number of
     * pages. The allocator and counters carry on from the same values, so hpfns mean the same in both.
     */
    public HostMemory copy() {
        HostMemory c = new HostMemory();
        c.chunks = chunks.clone();
        c.nextHpfn = nextHpfn;
        c.materialized = materialized;
        c.freed = freed;
        c.useAfterFreeAccesses = useAfterFreeAccesses;
        c.cowCopies = cowCopies;
        c.cow = true;
        c.owned = new long[chunks.length][];
        cow = true;
        owned = new long[chunks.length][]; // everything is shared now
        return c;
    }

    /**
     * Changes that make a page array taken earlier stale: frees, and copy-on-write copies. A read-only cache of page
     * arrays is valid while this stays the same.
     */
    public long remaps() {
        return freed + cowCopies;
    }

    /** A fresh zeroed page; returns its hpfn. */
    public long allocPage() {
        long hpfn = nextHpfn++;
        writableChunk(hpfn)[(int) hpfn & CHUNK_MASK] = new long[ENTRIES];
        own(hpfn);
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
        long[][] chunk = writableChunk(hpfn);
        int i = (int) hpfn & CHUNK_MASK;
        long[] old = chunk[i];
        if (old == POISON_PAGE) {
            throw new IllegalStateException("double free of hpfn 0x" + Long.toHexString(hpfn));
        }
        if (old != null) {
            if (owns(hpfn)) {
                Arrays.fill(old, POISON); // stale references held by walkers now see poison as well
            } // else a copy still uses it; nobody here holds it (see TdpIter#unshare)
            materialized--;
        }
        chunk[i] = POISON_PAGE;
        freed++;
    }

    public boolean isFreed(long hpfn) {
        long[][] chunk = slotFor(hpfn);
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
     * The backing array of a page, materializing it, for reading and writing in place (hot paths index it directly).
     * For a freed page this returns a fresh poison-filled copy, so writes through it go nowhere.
     */
    public long[] page(long hpfn) {
        long[] p = privatePage(hpfn);
        if (p == null) {
            useAfterFreeAccesses++;
            return poisonPage();
        }
        return p;
    }

    /**
     * {@link #page} for reading only: the array may be shared with a copy, so it must not be written, nor kept
     * across a change of {@link #remaps()}. Spares the copy a write would need.
     */
    public long[] pageForRead(long hpfn) {
        long[][] chunk = slotFor(hpfn);
        long[] p = chunk == null ? null : chunk[(int) hpfn & CHUNK_MASK];
        return p != null && p != POISON_PAGE ? p : page(hpfn);
    }

    /** {@link #page} without counting a use-after-free: null for a freed page. */
    private long[] privatePage(long hpfn) {
        long[][] chunk = slotFor(hpfn);
        int i = (int) hpfn & CHUNK_MASK;
        long[] p = chunk == null ? null : chunk[i];
        if (p == POISON_PAGE) {
            return null;
        }
        if (p != null && owns(hpfn)) {
            return p;
        }
        if (p == null) {
            checkAllocated(hpfn);
            p = new long[ENTRIES];
            materialized++;
        } else {
            p = p.clone(); // shared with a copy: copy on write
            cowCopies++;
        }
        writableChunk(hpfn)[i] = p;
        own(hpfn);
        return p;
    }


    /**
     * The backing array if the page is materialized and not freed, else null; never materializes. For read-mostly
     * hot paths that keep their own references (a freed page's array is poison-filled, so a stale reference reads
     * poison; {@link #freedPages()} tells such a cache when to drop its references).
     */
    public long[] peekPage(long hpfn) {
        long[][] chunk = slotFor(hpfn);
        if (chunk == null) {
            return null;
        }
        long[] p = chunk[(int) hpfn & CHUNK_MASK];
        return p == POISON_PAGE ? null : p;
    }

    /** True if the page has a backing array (written at least once and not freed). */
    public boolean isMaterialized(long hpfn) {
        long[][] chunk = slotFor(hpfn);
        if (chunk == null) {
            return false;
        }
        long[] p = chunk[(int) hpfn & CHUNK_MASK];
        return p != null && p != POISON_PAGE;
    }

    /** Zeroes a page if it is materialized, without materializing it otherwise. */
    public void zeroPage(long hpfn) {
        if (isMaterialized(hpfn)) {
            Arrays.fill(privatePage(hpfn), 0);
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

    private boolean owns(long hpfn) {
        if (!cow) {
            return true;
        }
        long c = hpfn >>> CHUNK_SHIFT;
        long[] bits = c < owned.length ? owned[(int) c] : null;
        return bits != null && (bits[(int) (hpfn & CHUNK_MASK) >>> 6] & 1L << hpfn) != 0;
    }

    /** Marks a page slot as this memory's own; its chunk is already (see {@link #writableChunk}). */
    private void own(long hpfn) {
        if (cow) {
            owned[(int) (hpfn >>> CHUNK_SHIFT)][(int) (hpfn & CHUNK_MASK) >>> 6] |= 1L << hpfn;
        }
    }

    /** The chunk holding {@code hpfn}'s slot, or null; for reading only. */
    private long[][] slotFor(long hpfn) {
        if (hpfn < 0) {
            return null;
        }
        long c = hpfn >>> CHUNK_SHIFT;
        return c < chunks.length ? chunks[(int) c] : null;
    }

    /** The chunk holding {@code hpfn}'s slot, created or copied (copy on write) so it can be changed in place. */
    private long[][] writableChunk(long hpfn) {
        if (hpfn < 0) {
            throw new IllegalArgumentException("negative hpfn");
        }
        long c = hpfn >>> CHUNK_SHIFT;
        if (c >= chunks.length) {
            checkAllocated(hpfn);
            long n = chunks.length;
            while (n <= c) {
                n <<= 1;
            }
            chunks = Arrays.copyOf(chunks, (int) n);
            owned = Arrays.copyOf(owned, (int) n);
        }
        long[][] chunk = chunks[(int) c];
        if (chunk == null) {
            checkAllocated(hpfn);
            chunk = new long[CHUNK_SIZE][];
        } else if (!cow || owned[(int) c] != null) {
            return chunk;
        } else {
            chunk = chunk.clone();
        }
        chunks[(int) c] = chunk;
        if (cow) {
            owned[(int) c] = new long[CHUNK_SIZE / 64];
        }
        return chunk;
    }
}
