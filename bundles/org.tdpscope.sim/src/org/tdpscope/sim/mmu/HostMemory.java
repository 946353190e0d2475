/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.Arrays;

/**
 * Host physical memory, addressed by host page-frame number (hpfn) or host physical address (hpa).
 * <p>
 * Pages hold 512 {@code long} entries and are materialized lazily: a guest RAM reservation of millions of pages
 * costs nothing until a page is written. hpfns are handed out by a bump allocator and never reused, so a freed page
 * stays recognisable forever: it reads as {@link #POISON}, its old contents are overwritten with poison (a walker
 * still holding them sees poison), and writes to it are dropped. Accesses to freed pages are counted, which lets
 * the simulator detect a use-after-free without crashing.
 * <p>
 * Two layouts, one behaviour:
 * <ul>
 * <li><b>Dense</b> (a memory that was never copied): the 64 pages of each 256 KiB-aligned hpfn range share one
 * {@code long[]} slab, page {@code hpfn} at index {@code (hpfn % 64) * 512} of slab {@code hpfn / 64}, allocated
 * whole when a page of it is first written (and never moved, so an array taken stays the page's). Neighbouring table
 * pages then share an array, so the 2-D walk reaches an entry from its hpa with one load, as hardware does, instead
 * of first loading a per-page array; that is what keeps it near the speed of a C walker
 * ({@link TwoDimensionalWalk}). Slabs are found through a directory of 4,096 slabs (1 GiB of hpfns) an entry, made
 * when a page of its range is first written, so a memslot of 2^33 pages with one page touched costs one directory,
 * not an array over its whole hpfn range.</li>
 * <li><b>Paged</b> (from the first {@link #copy} on, in both memories): one {@code long[512]} a page, in chunks of
 * 512 page slots. {@link #copy} is copy-on-write at page granularity so the schedule explorer can fork a simulation
 * at every branch cheaply: copy and original share chunk and page arrays until one writes, and then that one copies
 * the array first. Which arrays a memory may change in place is kept in per-chunk bitmaps (null: nothing in that
 * chunk, nor the chunk array itself).</li>
 * </ul>
 * Hot paths index the backing array directly: entry {@code i} of page {@code hpfn} is
 * {@code page(hpfn)[offset(hpfn) + i]}. Whoever caches an array (and its offset) across a {@link #remaps()} change
 * must take it again (see {@link TdpIter#unshare}); the first copy changes the layout, so it counts as one.
 * <p>
 * Not thread-safe: the simulator is single-threaded and models concurrency by interleaving steps. Separate copies
 * may be used from separate threads (shared arrays are never written).
 */
public final class HostMemory {
    /** What a freed page reads as. */
    public static final long POISON = 0xdeaddeaddeaddeadL;
    public static final int PAGE_SHIFT = 12;
    public static final int ENTRIES = 512;

    /**
     * log2 of the pages in a slab (dense layout): 256 KiB, small enough to be no burden for a small simulation and
     * to stay out of G1's humongous objects, large enough to hold a walk's EPT tables.
     */
    static final int SLAB_SHIFT = 6;
    private static final int SLAB_PAGES = 1 << SLAB_SHIFT;
    private static final int SLAB_MASK = SLAB_PAGES - 1;
    /** log2 of the page slots in a chunk (paged layout). */
    private static final int CHUNK_SHIFT = 9;
    private static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;
    /** Shared slot value of every freed page (paged layout); never handed out, so nobody can write into it. */
    private static final long[] POISON_PAGE = poisonPage();

    /** log2 of the slabs a directory covers (dense layout). */
    private static final int DIR_SHIFT = 12;
    private static final int DIR_SIZE = 1 << DIR_SHIFT;
    private static final int DIR_MASK = DIR_SIZE - 1;

    /** Dense layout: the slabs of one 1 GiB hpfn range, with their page bits. */
    private static final class Dir {
        /** A slab of 64 pages per 64-page range, or null while none of them is written. */
        final long[][] slabs = new long[DIR_SIZE][];
        /** Per slab, a bit per materialized page (freed pages are not materialized). */
        final long[] materializedBits = new long[DIR_SIZE];
        /** Per slab, a bit per freed page (whether it was ever written or not). */
        final long[] freedBits = new long[DIR_SIZE];
    }

    /** Dense layout while non-null: a directory per 1 GiB hpfn range, or null while none of its pages is touched. */
    private Dir[] dirs;
    /** Dense layout: directories and slabs made so far (for {@link #footprintBytes()}). */
    private long dirsMade;
    private long slabsMade;

    /** log2 of the chunks a mid array covers at most (paged layout): 2^24 pages, 64 GiB of hpfns. */
    private static final int MID_SHIFT = 15;
    private static final int MID_MASK = (1 << MID_SHIFT) - 1;

    /**
     * Paged layout (null while dense): per 2^24-page hpfn range, its chunks (a mid array, grown as needed), each a
     * page array (or null, or poison) per slot. Two levels, so a memory with pages far apart (a memslot of 2^36
     * pages) costs a short top array and the chunks it uses, and a copy clones the top array only.
     */
    private long[][][][] mids;
    /**
     * Paged layout, per mid: null unless this memory owns the mid array; then per chunk, one bit per page slot this
     * memory owns (non-null iff it owns the chunk array).
     */
    private long[][][] owned;

    private long nextHpfn = 1; // hpfn 0 is never handed out, so a zero SPTE address never aliases a real page
    private long materialized;
    private long freed;
    private long useAfterFreeAccesses;
    /** Array copies made on write, plus the change of layout at the first copy. */
    private long cowCopies;

    private static long[] poisonPage() {
        long[] p = new long[ENTRIES];
        Arrays.fill(p, POISON);
        return p;
    }

    /** An empty memory, in the dense layout. */
    public HostMemory() {
        dirs = new Dir[1];
    }

    /** A copy of a paged memory sharing all its arrays (see {@link #copy}). */
    private HostMemory(HostMemory original) {
        mids = original.mids.clone();
        owned = new long[mids.length][][];
        nextHpfn = original.nextHpfn;
        materialized = original.materialized;
        freed = original.freed;
        useAfterFreeAccesses = original.useAfterFreeAccesses;
        cowCopies = original.cowCopies;
    }

    /**
     * An independent copy (a forked simulation's memory), copy-on-write: O(hpfn range / 2^24), whatever the number of
     * pages (the first copy of a memory also moves it to the paged layout, once, in O(pages)). The allocator and
     * counters carry on from the same values, so hpfns mean the same in both.
     */
    public HostMemory copy() {
        if (dirs != null) {
            toPaged();
        }
        HostMemory c = new HostMemory(this);
        owned = new long[mids.length][][]; // everything is shared now
        return c;
    }

    /** Splits every slab into page arrays: the layout that can be shared page by page. */
    private void toPaged() {
        mids = new long[1][][][];
        owned = new long[1][][];
        for (int d = 0; d < dirs.length; d++) {
            Dir dir = dirs[d];
            if (dir == null) {
                continue;
            }
            for (int k = 0; k < DIR_SIZE; k++) {
                long live = dir.materializedBits[k];
                long dead = dir.freedBits[k];
                if ((live | dead) == 0) {
                    continue;
                }
                long s = ((long) d << DIR_SHIFT) | k;
                toPaged(s, live, dead, dir.slabs[k]);
            }
        }
        dirs = null;
        cowCopies++;
    }

    private void toPaged(long s, long live, long dead, long[] slab) {
        {
            // through a page of the slab that was allocated (hpfn 0 never is)
            long[][] chunk = writableChunk(s << SLAB_SHIFT | Long.numberOfTrailingZeros(live | dead));
            int first = (int) (s << SLAB_SHIFT) & CHUNK_MASK;
            for (int i = 0; i < SLAB_PAGES; i++) {
                if ((dead & 1L << i) != 0) {
                    chunk[first + i] = POISON_PAGE;
                } else if ((live & 1L << i) != 0) {
                    chunk[first + i] = Arrays.copyOfRange(slab, i << 9, (i + 1) << 9);
                }
            }
        }
    }

    /**
     * Changes that make a page array (or offset) taken earlier stale: frees, copy-on-write copies and the change of
     * layout. A cache of page arrays is valid while this stays the same.
     */
    public long remaps() {
        return freed + cowCopies;
    }

    /** A fresh zeroed page; returns its hpfn. */
    public long allocPage() {
        long hpfn = nextHpfn++;
        if (dirs != null) {
            denseMaterialize(hpfn); // never used before, so its part of the slab is still zero
        } else {
            writableChunk(hpfn)[(int) hpfn & CHUNK_MASK] = new long[ENTRIES];
            own(hpfn);
            materialized++;
        }
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
        if (dirs != null) {
            Dir d = denseDir(hpfn);
            int s = (int) (hpfn >>> SLAB_SHIFT) & DIR_MASK;
            long b = 1L << hpfn; // bit hpfn % 64
            if ((d.freedBits[s] & b) != 0) {
                throw doubleFree(hpfn);
            }
            if (d.slabs[s] != null) {
                int from = ((int) hpfn & SLAB_MASK) << 9;
                Arrays.fill(d.slabs[s], from, from + ENTRIES, POISON); // stale holders now see poison as well
            }
            if ((d.materializedBits[s] & b) != 0) {
                d.materializedBits[s] &= ~b;
                materialized--;
            }
            d.freedBits[s] |= b;
            freed++;
            return;
        }
        long[][] chunk = writableChunk(hpfn);
        int i = (int) hpfn & CHUNK_MASK;
        long[] old = chunk[i];
        if (old == POISON_PAGE) {
            throw doubleFree(hpfn);
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

    private static IllegalStateException doubleFree(long hpfn) {
        return new IllegalStateException("double free of hpfn 0x" + Long.toHexString(hpfn));
    }

    public boolean isFreed(long hpfn) {
        if (dirs != null) {
            Dir d = dirOrNull(hpfn);
            return d != null && (d.freedBits[(int) (hpfn >>> SLAB_SHIFT) & DIR_MASK] & 1L << hpfn) != 0;
        }
        long[][] chunk = slotFor(hpfn);
        return chunk != null && chunk[(int) hpfn & CHUNK_MASK] == POISON_PAGE;
    }

    /** 8-byte aligned read; an unmaterialized (or never allocated) page reads 0, a freed one {@link #POISON}. */
    public long read(long hpa) {
        long hpfn = hpa >>> PAGE_SHIFT;
        int e = (int) (hpa >>> 3) & (ENTRIES - 1);
        if (dirs != null) {
            Dir d = dirOrNull(hpfn);
            if (d == null) {
                return 0;
            }
            int s = (int) (hpfn >>> SLAB_SHIFT) & DIR_MASK;
            long b = 1L << hpfn;
            if ((d.materializedBits[s] & b) != 0) {
                return d.slabs[s][((int) hpfn & SLAB_MASK) << 9 | e];
            }
            if ((d.freedBits[s] & b) != 0) {
                useAfterFreeAccesses++;
                return POISON;
            }
            return 0;
        }
        long[][] chunk = slotFor(hpfn);
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
        return p[e];
    }

    /** 8-byte aligned write; materializes the page. A write to a freed page is dropped (and counted). */
    public void write(long hpa, long value) {
        long hpfn = hpa >>> PAGE_SHIFT;
        long[] p = page(hpfn);
        p[offset(hpfn) + ((int) (hpa >>> 3) & (ENTRIES - 1))] = value;
    }

    /**
     * The backing array of a page, materializing it, for reading and writing in place (hot paths index it directly,
     * from {@link #offset}). For a freed page this returns a fresh poison-filled page, so writes through it go
     * nowhere.
     */
    public long[] page(long hpfn) {
        if (dirs != null) {
            if (isFreed(hpfn)) {
                useAfterFreeAccesses++;
                return poisonPage();
            }
            return denseMaterialize(hpfn);
        }
        long[] p = privatePage(hpfn);
        if (p == null) {
            useAfterFreeAccesses++;
            return poisonPage();
        }
        return p;
    }

    /**
     * Where page {@code hpfn}'s entry 0 is in the array {@link #page} or {@link #pageForRead} returns for it (0 for
     * a page array of its own, as every freed page gets).
     */
    public int offset(long hpfn) {
        return dirs != null && !isFreed(hpfn) ? ((int) hpfn & SLAB_MASK) << 9 : 0;
    }

    /**
     * {@link #page} for reading only: the array may be shared with a copy, so it must not be written, nor kept
     * across a change of {@link #remaps()}. Spares the copy a write would need.
     */
    public long[] pageForRead(long hpfn) {
        if (dirs != null) {
            return page(hpfn);
        }
        long[][] chunk = slotFor(hpfn);
        long[] p = chunk == null ? null : chunk[(int) hpfn & CHUNK_MASK];
        return p != null && p != POISON_PAGE ? p : page(hpfn);
    }

    /**
     * The 512 entries of a materialized, live page, or null; never materializes. The array may be the page's own
     * backing (paged layout) or a copy (dense): read it, do not write it or keep it. For views.
     */
    public long[] peekPage(long hpfn) {
        if (dirs != null) {
            if (!isMaterialized(hpfn)) {
                return null;
            }
            int from = ((int) hpfn & SLAB_MASK) << 9;
            return Arrays.copyOfRange(denseSlab(hpfn >>> SLAB_SHIFT), from, from + ENTRIES);
        }
        long[][] chunk = slotFor(hpfn);
        if (chunk == null) {
            return null;
        }
        long[] p = chunk[(int) hpfn & CHUNK_MASK];
        return p == POISON_PAGE ? null : p;
    }

    /** True if the page has a backing array (written at least once and not freed). */
    public boolean isMaterialized(long hpfn) {
        if (dirs != null) {
            Dir d = dirOrNull(hpfn);
            return d != null && (d.materializedBits[(int) (hpfn >>> SLAB_SHIFT) & DIR_MASK] & 1L << hpfn) != 0;
        }
        long[][] chunk = slotFor(hpfn);
        if (chunk == null) {
            return false;
        }
        long[] p = chunk[(int) hpfn & CHUNK_MASK];
        return p != null && p != POISON_PAGE;
    }

    /** Zeroes a page if it is materialized, without materializing it otherwise. */
    public void zeroPage(long hpfn) {
        if (!isMaterialized(hpfn)) {
            return;
        }
        if (dirs != null) {
            int from = ((int) hpfn & SLAB_MASK) << 9;
            Arrays.fill(denseSlab(hpfn >>> SLAB_SHIFT), from, from + ENTRIES, 0);
        } else {
            Arrays.fill(privatePage(hpfn), 0);
        }
    }

    /**
     * Drops every page (a run that ran out of heap frees what it can); the memory then reads as never written.
     * Counters stay, so a report can still say how far the run got.
     */
    public void discard() {
        if (dirs != null) {
            dirs = new Dir[1];
        } else {
            mids = new long[1][][][];
            owned = new long[1][][];
        }
    }

    /** Whether the memory is in the dense layout (never copied); the first copy changes it ({@link #remaps()}). */
    boolean isDense() {
        return dirs != null;
    }

    /**
     * Dense layout: slab {@code key} ({@code hpa >>> 18}, entry {@code (hpa >>> 3) & 0x7fff}), or null when none of
     * its pages was written. For the 2-D walk's reads: a freed page's entries read {@link #POISON} in its slab, so an
     * entry that does must be read again through {@link #read} (which counts the use-after-free); a missing slab reads
     * 0. A slab never moves.
     */
    long[] denseSlab(long key) {
        long d = key >>> DIR_SHIFT;
        if (key < 0 || d >= dirs.length) {
            return null;
        }
        Dir dir = dirs[(int) d];
        return dir == null ? null : dir.slabs[(int) key & DIR_MASK];
    }

    /**
     * About what the simulated memory costs on the Java heap, in bytes: page arrays (dense: whole slabs) plus the
     * tables that find them. It grows with the pages a scenario touches, not with the memslots it declares.
     */
    public long footprintBytes() {
        if (dirs != null) {
            return slabsMade * SLAB_PAGES * ENTRIES * 8L + dirs.length * 8L + dirsMade * DIR_SIZE * 24L;
        }
        long bytes = materialized * ENTRIES * 8L;
        {
            bytes += mids.length * 16L;
            for (long[][][] mid : mids) {
                if (mid != null) {
                    bytes += mid.length * 16L;
                    for (long[][] c : mid) {
                        bytes += c == null ? 0 : CHUNK_SIZE * 8L + CHUNK_SIZE / 8;
                    }
                }
            }
        }
        return bytes;
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

    // ------------------------------------------------------------------------------------------- dense layout

    /** The directory of {@code hpfn}'s range, or null if none of its pages was touched. */
    private Dir dirOrNull(long hpfn) {
        long d = hpfn >>> (SLAB_SHIFT + DIR_SHIFT);
        return hpfn < 0 || d >= dirs.length ? null : dirs[(int) d];
    }

    /** The directory of {@code hpfn}'s range, made (and the directory table grown) if needed. */
    private Dir denseDir(long hpfn) {
        long d = hpfn >>> (SLAB_SHIFT + DIR_SHIFT);
        if (d >= dirs.length) {
            long n = dirs.length;
            while (n <= d) {
                n <<= 1;
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("hpfn 0x" + Long.toHexString(hpfn) + " beyond the simulated host");
            }
            dirs = Arrays.copyOf(dirs, (int) n);
        }
        Dir dir = dirs[(int) d];
        if (dir == null) {
            dir = dirs[(int) d] = new Dir();
            dirsMade++;
        }
        return dir;
    }

    /** Materializes a live page in its slab (allocating the slab whole if it is the first); returns the slab. */
    private long[] denseMaterialize(long hpfn) {
        checkAllocated(hpfn);
        Dir d = denseDir(hpfn);
        int s = (int) (hpfn >>> SLAB_SHIFT) & DIR_MASK;
        long[] slab = d.slabs[s];
        if (slab == null) {
            slab = d.slabs[s] = new long[SLAB_PAGES * ENTRIES];
            slabsMade++;
            for (long dead = d.freedBits[s]; dead != 0; dead &= dead - 1) {
                int from = Long.numberOfTrailingZeros(dead) << 9; // freed before ever written: poison too
                Arrays.fill(slab, from, from + ENTRIES, POISON);
            }
        }
        long b = 1L << hpfn;
        if ((d.materializedBits[s] & b) == 0) {
            d.materializedBits[s] |= b;
            materialized++;
        }
        return slab;
    }

    // ------------------------------------------------------------------------------------------- paged layout

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

    private boolean owns(long hpfn) {
        long t = hpfn >>> (CHUNK_SHIFT + MID_SHIFT);
        long[][] ownedMid = t < owned.length ? owned[(int) t] : null;
        int m = (int) (hpfn >>> CHUNK_SHIFT) & MID_MASK;
        long[] bits = ownedMid != null && m < ownedMid.length ? ownedMid[m] : null;
        return bits != null && (bits[(int) (hpfn & CHUNK_MASK) >>> 6] & 1L << hpfn) != 0;
    }

    /** Marks a page slot as this memory's own; its chunk is already (see {@link #writableChunk}). */
    private void own(long hpfn) {
        owned[(int) (hpfn >>> (CHUNK_SHIFT + MID_SHIFT))][(int) (hpfn >>> CHUNK_SHIFT) & MID_MASK][(int) (hpfn
                & CHUNK_MASK) >>> 6] |= 1L << hpfn;
    }

    /** The chunk holding {@code hpfn}'s slot, or null; for reading only. */
    private long[][] slotFor(long hpfn) {
        if (hpfn < 0) {
            return null;
        }
        long t = hpfn >>> (CHUNK_SHIFT + MID_SHIFT);
        long[][][] mid = t < mids.length ? mids[(int) t] : null;
        int m = (int) (hpfn >>> CHUNK_SHIFT) & MID_MASK;
        return mid != null && m < mid.length ? mid[m] : null;
    }

    /**
     * The chunk holding {@code hpfn}'s slot, created or copied (copy on write: the mid array first, then the chunk)
     * so it can be changed in place.
     */
    private long[][] writableChunk(long hpfn) {
        if (hpfn < 0) {
            throw new IllegalArgumentException("negative hpfn");
        }
        long t = hpfn >>> (CHUNK_SHIFT + MID_SHIFT);
        int m = (int) (hpfn >>> CHUNK_SHIFT) & MID_MASK;
        if (t >= mids.length) {
            checkAllocated(hpfn);
            long n = mids.length;
            while (n <= t) {
                n <<= 1;
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("hpfn 0x" + Long.toHexString(hpfn) + " beyond the simulated host");
            }
            mids = Arrays.copyOf(mids, (int) n);
            owned = Arrays.copyOf(owned, (int) n);
        }
        long[][][] mid = mids[(int) t];
        long[][] ownedMid = owned[(int) t];
        if (mid == null || ownedMid == null || m >= mid.length) {
            if (mid == null) {
                checkAllocated(hpfn);
            }
            int len = mid == null ? 1 : mid.length;
            while (len <= m) {
                len <<= 1;
            }
            // a new, shared (copy on write) or outgrown mid array: this memory's own copy, as long as needed
            mid = mid == null ? new long[len][][] : Arrays.copyOf(mid, len);
            ownedMid = ownedMid == null ? new long[len][] : Arrays.copyOf(ownedMid, len);
            mids[(int) t] = mid;
            owned[(int) t] = ownedMid;
        }
        long[][] chunk = mid[m];
        if (chunk == null) {
            checkAllocated(hpfn);
            chunk = new long[CHUNK_SIZE][];
        } else if (ownedMid[m] != null) {
            return chunk;
        } else {
            chunk = chunk.clone();
        }
        mid[m] = chunk;
        ownedMid[m] = new long[CHUNK_SIZE / 64];
        return chunk;
    }
}
