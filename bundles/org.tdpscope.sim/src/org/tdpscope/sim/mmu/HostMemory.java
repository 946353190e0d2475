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
 * <li><b>Paged</b> (from the first {@link #copy} on, in both memories): one {@code long[512]} a page, found
 * through a persistent radix tree of 64-way nodes (64 page slots a leaf), as deep as the highest hpfn needs.
 * {@link #copy} is O(1) and copy-on-write: copy and original share the whole tree and every page until one of them
 * writes; then the writer copies the page and the nodes on the path to it (path copying, a few hundred bytes), never
 * an index over the whole hpfn range. Each node carries the token of the memory that made it; a memory changes in
 * place only nodes with its own token, and {@link #copy} gives both memories fresh tokens, so afterwards neither
 * owns anything. A leaf also says which of its pages its owner made (the others are shared).</li>
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

    /** log2 of a tree node's fan-out (paged layout): 64 children an inner node, 64 page slots a leaf. */
    private static final int NODE_SHIFT = 6;
    private static final int NODE_MASK = (1 << NODE_SHIFT) - 1;

    /**
     * Paged layout: a node of the radix tree. An inner node has {@code kids} (null: nothing below), a leaf has
     * {@code pages} (null, {@link #POISON_PAGE} or a page). Changed in place only by the memory whose token is
     * {@code edit}; any other memory copies it first.
     */
    private static final class Node {
        final Object edit;
        final Node[] kids;
        final long[][] pages;
        /** Leaf: bit i set when pages[i] was made by the owner of {@code edit} and is not shared. */
        long ownedPages;

        Node(Object edit, boolean leaf) {
            this.edit = edit;
            this.kids = leaf ? null : new Node[1 << NODE_SHIFT];
            this.pages = leaf ? new long[1 << NODE_SHIFT][] : null;
        }

        /** {@code o}'s copy for the memory with token {@code edit}: the same children or pages, none of them owned. */
        Node(Node o, Object edit) {
            this.edit = edit;
            this.kids = o.kids == null ? null : o.kids.clone();
            this.pages = o.pages == null ? null : o.pages.clone();
        }
    }

    /** Paged layout (null while dense): the tree's root; a leaf while every hpfn is below 64. */
    private Node root;
    /** Paged layout: hpfn bits below this index the root's children (0: the root is a leaf). */
    private int rootShift;
    /** Paged layout: this memory's token; nodes that carry it are this memory's to change in place. */
    private Object edit;
    /** Paged layout: the last leaf looked up and its key ({@code hpfn >>> NODE_SHIFT}), for runs of nearby reads. */
    private Node lastLeaf;
    private long lastLeafKey = -1;

    private long nextHpfn = 1; // hpfn 0 is never handed out, so a zero SPTE address never aliases a real page
    private long materialized;
    private long freed;
    private long useAfterFreeAccesses;
    /** Array copies made on write, plus the change of layout at the first copy. */
    private long cowCopies;

    /**
     * A depth-first search's page arrays, reused in stack order. The explorer takes a {@link #mark} before it steps a
     * child and {@link #reset}s to it when the child's subtree is searched: every simulation that could hold a page
     * made in between (the child, and the forks and steps below it) is then dropped, so those arrays are free. A
     * search makes a few pages a step and drops them a few steps later; reused, they are still in the cache where a
     * fresh array (zeroed, or cloned, in memory not touched since the last collection) is not, and the young
     * generation fills more slowly. Used only on the thread that {@link #use}s it; keeps the arrays in use and
     * at most {@link #SPARE} free ones (a path that once held many pages, a zap of a large table, does not keep them).
     */
    public static final class PageArena {
        /** Free arrays kept for reuse: 16 MiB. */
        static final int SPARE = 4096;

        private long[][] pages = new long[64][];
        /** Arrays made so far; those below {@code top} are in use. */
        private int made;
        private int top;

        /** Where the arrays in use end now. */
        public int mark() {
            return top;
        }

        /** Frees every array taken since {@code mark}: nothing that holds one may be used again. */
        public void reset(int mark) {
            top = mark;
            if (made - mark > SPARE) {
                Arrays.fill(pages, mark + SPARE, made, null);
                made = mark + SPARE;
            }
        }

        /** Arrays held now, in use or free. */
        int held() {
            return made;
        }

        /** An array in use from now on, with whatever it last held. */
        long[] take() {
            if (top < made) {
                return pages[top++];
            }
            if (made == pages.length) {
                pages = Arrays.copyOf(pages, made * 2);
            }
            long[] p = new long[ENTRIES];
            pages[made++] = p;
            top = made;
            return p;
        }
    }

    /** The arena of the search running on this thread, or null (pages are then ordinary arrays). */
    private static final ThreadLocal<PageArena> ARENA = new ThreadLocal<>();

    /** Makes this thread's new and copied pages come from {@code arena} (null: from the heap, as by default). */
    public static void use(PageArena arena) {
        if (arena == null) {
            ARENA.remove();
        } else {
            ARENA.set(arena);
        }
    }

    /** A zeroed page array. */
    private static long[] newPage() {
        PageArena a = ARENA.get();
        if (a == null) {
            return new long[ENTRIES];
        }
        long[] p = a.take();
        Arrays.fill(p, 0);
        return p;
    }

    /** A copy of a page array (copy on write). */
    private static long[] copyPage(long[] from) {
        PageArena a = ARENA.get();
        if (a == null) {
            return from.clone();
        }
        long[] p = a.take();
        System.arraycopy(from, 0, p, 0, ENTRIES);
        return p;
    }

    private static long[] poisonPage() {
        long[] p = new long[ENTRIES];
        Arrays.fill(p, POISON);
        return p;
    }

    /** An empty memory, in the dense layout. */
    public HostMemory() {
        dirs = new Dir[1];
    }

    /** A copy of a paged memory sharing its whole tree (see {@link #copy}). */
    private HostMemory(HostMemory original) {
        root = original.root;
        rootShift = original.rootShift;
        edit = new Object();
        nextHpfn = original.nextHpfn;
        materialized = original.materialized;
        freed = original.freed;
        useAfterFreeAccesses = original.useAfterFreeAccesses;
        cowCopies = original.cowCopies;
    }

    /**
     * An independent copy (a forked simulation's memory), copy-on-write: O(1), whatever the number of pages (the
     * first copy of a memory also moves it to the paged layout, once, in O(pages)). The allocator and counters carry
     * on from the same values, so hpfns mean the same in both.
     */
    public HostMemory copy() {
        if (dirs != null) {
            toPaged();
        }
        HostMemory c = new HostMemory(this);
        edit = new Object(); // everything is shared now: neither memory may change a node of the tree in place
        return c;
    }

    /** Splits every slab into page arrays: the layout that can be shared page by page. */
    private void toPaged() {
        edit = new Object();
        root = new Node(edit, true);
        rootShift = 0;
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
                long first = ((long) d << DIR_SHIFT | k) << SLAB_SHIFT; // a slab is one leaf (64 pages)
                Node leaf = writableLeaf(first);
                long[] slab = dir.slabs[k];
                for (int i = 0; i < SLAB_PAGES; i++) {
                    if ((dead & 1L << i) != 0) {
                        leaf.pages[i] = POISON_PAGE;
                    } else if ((live & 1L << i) != 0) {
                        leaf.pages[i] = Arrays.copyOfRange(slab, i << 9, (i + 1) << 9);
                        leaf.ownedPages |= 1L << i;
                    }
                }
            }
        }
        dirs = null;
        cowCopies++;
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
            Node leaf = writableLeaf(hpfn);
            leaf.pages[(int) hpfn & NODE_MASK] = newPage();
            leaf.ownedPages |= 1L << hpfn;
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
        Node leaf = leafFor(hpfn);
        int i = (int) hpfn & NODE_MASK;
        long[] old = leaf == null ? null : leaf.pages[i];
        if (old == POISON_PAGE) {
            throw doubleFree(hpfn);
        }
        if (old != null) {
            if (owns(leaf, i)) {
                Arrays.fill(old, POISON); // stale references held by walkers now see poison as well
            } // else a copy still uses it; nobody here holds it (see TdpIter#unshare)
            materialized--;
        }
        leaf = writableLeaf(hpfn);
        leaf.pages[i] = POISON_PAGE;
        leaf.ownedPages &= ~(1L << i);
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
        return slot(hpfn) == POISON_PAGE;
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
        long[] p = slot(hpfn);
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
        long[] p = slot(hpfn);
        return p != null && p != POISON_PAGE ? p : page(hpfn);
    }

    /**
     * The array of a live page this memory shares with a copy (paged layout), for reading in place until a write
     * needs {@link #page}'s copy; null when {@link #page} would not copy (the page is this memory's own, not yet
     * materialized, freed, or the layout is dense). The array must not be written, nor kept across a change of
     * {@link #remaps()}.
     */
    public long[] sharedPage(long hpfn) {
        if (dirs != null) {
            return null;
        }
        Node leaf = leafFor(hpfn);
        if (leaf == null) {
            return null;
        }
        int i = (int) hpfn & NODE_MASK;
        long[] p = leaf.pages[i];
        return p == null || p == POISON_PAGE || owns(leaf, i) ? null : p;
    }

    /**
     * Whether writing page {@code hpfn} in place through {@link #page} would need no copy: it is live and this
     * memory's alone (always so in the dense layout, where nothing is shared).
     */
    public boolean ownsPage(long hpfn) {
        if (dirs != null) {
            return !isFreed(hpfn);
        }
        Node leaf = leafFor(hpfn);
        return leaf != null && owns(leaf, (int) hpfn & NODE_MASK);
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
        long[] p = slot(hpfn);
        return p == POISON_PAGE ? null : p;
    }

    /** True if the page has a backing array (written at least once and not freed). */
    public boolean isMaterialized(long hpfn) {
        if (dirs != null) {
            Dir d = dirOrNull(hpfn);
            return d != null && (d.materializedBits[(int) (hpfn >>> SLAB_SHIFT) & DIR_MASK] & 1L << hpfn) != 0;
        }
        long[] p = slot(hpfn);
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
            root = new Node(edit, true);
            rootShift = 0;
            lastLeaf = null;
            lastLeafKey = -1;
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
        return materialized * ENTRIES * 8L + nodes(root) * (32L + (8L << NODE_SHIFT));
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
        Node leaf = leafFor(hpfn);
        int i = (int) hpfn & NODE_MASK;
        long[] p = leaf == null ? null : leaf.pages[i];
        if (p == POISON_PAGE) {
            return null;
        }
        if (p != null && owns(leaf, i)) {
            return p;
        }
        if (p == null) {
            checkAllocated(hpfn);
            p = newPage();
            materialized++;
        } else {
            p = copyPage(p); // shared with a copy: copy on write
            cowCopies++;
        }
        leaf = writableLeaf(hpfn);
        leaf.pages[i] = p;
        leaf.ownedPages |= 1L << i;
        return p;
    }

    /** Whether slot {@code i} of {@code leaf} holds a page this memory may write in place. */
    private boolean owns(Node leaf, int i) {
        return leaf.edit == edit && (leaf.ownedPages & 1L << i) != 0;
    }

    /** The slot of {@code hpfn} (null, {@link #POISON_PAGE} or a page), for reading only. */
    private long[] slot(long hpfn) {
        Node leaf = leafFor(hpfn);
        return leaf == null ? null : leaf.pages[(int) hpfn & NODE_MASK];
    }

    /** The leaf holding {@code hpfn}'s slot, or null; for reading only. */
    private Node leafFor(long hpfn) {
        long key = hpfn >>> NODE_SHIFT;
        if (key == lastLeafKey) {
            return lastLeaf;
        }
        if (hpfn < 0 || key >>> rootShift != 0) {
            return null;
        }
        Node n = root;
        for (int sh = rootShift - NODE_SHIFT; sh >= 0 && n != null; sh -= NODE_SHIFT) {
            n = n.kids[(int) (key >>> sh) & NODE_MASK];
        }
        if (n != null) {
            lastLeaf = n;
            lastLeafKey = key;
        }
        return n;
    }

    /**
     * The leaf holding {@code hpfn}'s slot, made or copied (copy on write: every node on the path that is not this
     * memory's own) so it can be changed in place; the tree grows a level at a time for a higher hpfn.
     */
    private Node writableLeaf(long hpfn) {
        if (hpfn < 0) {
            throw new IllegalArgumentException("negative hpfn");
        }
        long key = hpfn >>> NODE_SHIFT;
        while (key >>> rootShift != 0) {
            Node r = new Node(edit, false);
            r.kids[0] = root;
            root = r;
            rootShift += NODE_SHIFT;
        }
        if (root.edit != edit) {
            root = new Node(root, edit);
        }
        Node n = root;
        for (int sh = rootShift - NODE_SHIFT; sh >= 0; sh -= NODE_SHIFT) {
            int i = (int) (key >>> sh) & NODE_MASK;
            Node k = n.kids[i];
            if (k == null) {
                k = n.kids[i] = new Node(edit, sh == 0);
            } else if (k.edit != edit) {
                k = n.kids[i] = new Node(k, edit);
            }
            n = k;
        }
        lastLeaf = n;
        lastLeafKey = key;
        return n;
    }

    /** Nodes reachable from {@code n} (shared ones included). */
    private static long nodes(Node n) {
        if (n == null) {
            return 0;
        }
        long c = 1;
        if (n.kids != null) {
            for (Node k : n.kids) {
                c += nodes(k);
            }
        }
        return c;
    }
}
