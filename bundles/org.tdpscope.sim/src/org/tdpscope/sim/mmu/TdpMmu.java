/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The TDP (EPT) MMU of one VM: roots are table pages in {@link HostMemory}, SPTEs are {@code long}s in them.
 * Provides the fault path, the range operations run through a {@link TdpIter} with resched points, and read-only
 * queries used by invariant checks. Locking, RCU and root lifetime are modelled by the layer above; this class does
 * single steps and reports every SPTE change to the {@link SpteObserver}.
 */
public final class TdpMmu {
    private final HostMemory mem;
    private final Memslots slots;
    private final int levels;
    private final boolean adEnabled;
    private final SpteObserver observer;
    private final long gfnLimit;
    private LongConsumer tableFreer;

    private long tablesAllocated;
    private long tablesFreed;
    private long faults;
    private long tlbFlushes;

    public TdpMmu(HostMemory mem, Memslots slots, int levels, boolean adEnabled, SpteObserver observer) {
        if (levels != 4 && levels != 5) {
            throw new IllegalArgumentException("EPT walk length must be 4 or 5: " + levels);
        }
        this.mem = Objects.requireNonNull(mem);
        this.slots = Objects.requireNonNull(slots);
        this.levels = levels;
        this.adEnabled = adEnabled;
        this.observer = observer == null ? SpteObserver.NONE : observer;
        this.gfnLimit = 1L << (9 * levels);
        this.tableFreer = mem::freePage;
    }

    /**
     * An independent copy over copies of the memory and memslots, reporting to {@code observer}: a forked
     * simulation's MMU. Tables freed by the copy go back to its own memory.
     */
    public TdpMmu copy(HostMemory mem, Memslots slots, SpteObserver observer) {
        TdpMmu c = new TdpMmu(mem, slots, levels, adEnabled, observer);
        c.tablesAllocated = tablesAllocated;
        c.tablesFreed = tablesFreed;
        c.faults = faults;
        c.tlbFlushes = tlbFlushes;
        c.lastLookupLevel = lastLookupLevel;
        return c;
    }

    public int levels() {
        return levels;
    }

    public boolean adEnabled() {
        return adEnabled;
    }

    public HostMemory memory() {
        return mem;
    }

    public Memslots memslots() {
        return slots;
    }

    /** One past the highest gfn the EPT can map (2^36 with 4 levels, 2^45 with 5). */
    public long gfnLimit() {
        return gfnLimit;
    }

    /**
     * How table pages torn down by a zap are released; default {@link HostMemory#freePage}. The concurrency layer
     * may defer it to model RCU (call_rcu of the page).
     */
    public void setTableFreer(LongConsumer freer) {
        this.tableFreer = Objects.requireNonNull(freer);
    }

    /** The EPTP value for a root: WB, walk length, A/D enable (DOMAIN section 4). */
    public long eptp(long rootHpfn) {
        return (rootHpfn << 12) | 6 | ((long) (levels - 1) << 3) | (adEnabled ? 1L << 6 : 0);
    }

    // ------------------------------------------------------------------------------------------- roots

    public long allocRoot() {
        tablesAllocated++;
        return mem.allocPage();
    }

    /**
     * Frees (poisons) the root page and every table page still linked under it. No changes are reported: this is the
     * final release of memory, after whatever zapping the caller chose to do.
     */
    public void freeRoot(long rootHpfn) {
        freeTree(rootHpfn, levels);
    }

    private void freeTree(long hpfn, int level) {
        if (level > 1) {
            long[] t = mem.pageForRead(hpfn); // read to find the children, then freed: no copy on write
            int b = mem.offset(hpfn);
            for (int run = 0; run < 512; run += RUN) {
                if (orOfRun(t, b + run) == 0) {
                    continue; // mostly zeros: see removeTable
                }
                for (int i = run; i < run + RUN; i++) {
                    long s = t[b + i];
                    if (Spte.isPresent(s) && !Spte.isLeaf(s, level)) {
                        freeTree(Spte.pfn(s), level - 1);
                    }
                }
            }
        }
        mem.freePage(hpfn);
        tablesFreed++;
    }

    // ------------------------------------------------------------------------------------------- fault path

    /**
     * The TDP fault path for an EPT violation at {@code gpa}. Walks from the root to the target level, allocating
     * missing tables, and installs a leaf of the largest size the memslot allows (see {@link #maxMappingLevel}).
     * A huge leaf met above the target level that does not allow the access (typically write-protected for dirty
     * logging) is zapped and replaced by a table, as KVM splits on fault. A present table met at the target level is
     * replaced by the huge leaf and torn down.
     */
    public FaultResult handleEptViolation(long rootHpfn, long gpa, boolean write, boolean exec) {
        long gfn = gpa >>> 12;
        if (gfn >= gfnLimit) {
            throw new IllegalArgumentException("gpa 0x" + Long.toHexString(gpa) + " beyond the EPT's reach");
        }
        faults++;
        Memslot slot = slots.find(gfn);
        if (slot != null && write && slot.readOnly()) {
            return new FaultResult(FaultResult.Kind.WRITE_TO_READONLY, 0, 0, gfn);
        }
        int target = slot == null ? 1 : maxMappingLevel(slot, gfn);
        // Tables are read in place and taken for writing only where an entry changes: after a fork, a fault that
        // finds its path present copies (copy on write) the one table it writes, not every table on the way.
        long tableHpfn = rootHpfn;
        long[] table = mem.pageForRead(rootHpfn);
        int tableBase = mem.offset(rootHpfn);
        for (int level = levels;; level--) {
            int idx = tableBase + Spte.index(gfn, level); // in the table's array
            long old = table[idx];
            long base = Spte.roundGfn(gfn, level);
            if (old == Spte.REMOVED_SPTE) {
                return new FaultResult(FaultResult.Kind.RETRY, level, old, gfn);
            }
            if (level == target) {
                return mapAtTarget(rootHpfn, tableHpfn, idx, base, level, old, slot, gfn, write, exec);
            }
            if (Spte.isPresent(old)) {
                if (!Spte.isLeaf(old, level)) {
                    tableHpfn = Spte.pfn(old);
                    table = mem.pageForRead(tableHpfn);
                    tableBase = mem.offset(tableHpfn);
                    continue;
                }
                if (permits(old, write, exec)) {
                    return new FaultResult(FaultResult.Kind.SPURIOUS, level, old, gfn);
                }
                // The huge leaf must become smaller pages (e.g. dirty logging): zap it and flush right away.
                setEntry(rootHpfn, tableHpfn, idx, base, level, old, 0, SpteChange.ZAP);
                tlbFlushes++;
                old = 0;
            }
            long child = mem.allocPage();
            tablesAllocated++;
            setEntry(rootHpfn, tableHpfn, idx, base, level, old, Spte.makeNonLeaf(child, adEnabled), SpteChange.SET);
            tableHpfn = child;
            table = mem.pageForRead(child);
            tableBase = mem.offset(child);
        }
    }

    private FaultResult mapAtTarget(long root, long table, int idx, long base, int level, long old, Memslot slot,
            long gfn, boolean write, boolean exec) {
        if (slot == null) {
            long mmio = Spte.makeMmio(slots.generation(), gfn);
            if (old != mmio) {
                setEntry(root, table, idx, base, level, old, mmio, SpteChange.SET);
            }
            return new FaultResult(FaultResult.Kind.MMIO, level, mmio, gfn);
        }
        if (Spte.isLeaf(old, level)) {
            if (permits(old, write, exec)) {
                return new FaultResult(FaultResult.Kind.SPURIOUS, level, old, gfn);
            }
            // Fast-path-like fix: undo access tracking and/or restore W (the slot is writable if write is set).
            long fixed = Spte.restoreAccessTracked(old);
            if (write) {
                fixed |= Spte.WRITABLE | Spte.HOST_WRITABLE | Spte.MMU_WRITABLE;
            }
            if (exec) {
                fixed |= Spte.EXECUTABLE;
            }
            if (adEnabled) {
                fixed |= Spte.ACCESSED | (write ? Spte.DIRTY : 0);
            }
            setEntry(root, table, idx, base, level, old, fixed, SpteChange.SET);
            return new FaultResult(FaultResult.Kind.FIXED, level, fixed, gfn);
        }
        if (Spte.isPresent(old)) {
            tlbFlushes++; // a table is replaced by a huge leaf: its translations must go
        }
        // make_spte: a writable SPTE is created dirty (ACC_WRITE_MASK sets the D bit) in every era, on a read
        // fault too; 6.13 made that explicit ("Always set SPTE's dirty bit if it's created as writable")
        long leaf = Spte.makeLeaf(slot.hpfnOf(base), level, !slot.readOnly(), true, adEnabled, true, !slot.readOnly());
        setEntry(root, table, idx, base, level, old, leaf, SpteChange.SET);
        return new FaultResult(FaultResult.Kind.INSTALLED, level, leaf, gfn);
    }

    private static boolean permits(long spte, boolean write, boolean exec) {
        return (spte & Spte.READABLE) != 0 && (!write || (spte & Spte.WRITABLE) != 0)
                && (!exec || (spte & Spte.EXECUTABLE) != 0);
    }

    /**
     * The largest level (3 = 1G, 2 = 2M, 1 = 4K) at which {@code gfn} may be mapped: the aligned huge range lies
     * entirely inside the slot, the host backing has the same alignment, and the slot is not dirty-logging.
     */
    public int maxMappingLevel(Memslot slot, long gfn) {
        if (slot.dirtyLogging()) {
            return 1;
        }
        for (int level = Math.min(3, levels); level > 1; level--) {
            long span = Spte.pagesPerLevel(level);
            long base = gfn & -span;
            if (base >= slot.baseGfn() && base + span <= slot.endGfn() && (slot.hpfnOf(base) & (span - 1)) == 0) {
                return level;
            }
        }
        return 1;
    }

    /**
     * Writes one entry of table page {@code table} ({@code idx} in the page's array, see {@link HostMemory#offset})
     * and reports it; if a present table is unlinked by the change, tears it down: every non-zero entry below is
     * frozen to REMOVED_SPTE (reported as FREEZE, pre-order) and the pages go to the table freer.
     */
    private void setEntry(long root, long table, int idx, long gfn, int level, long old, long nw, SpteChange kind) {
        if (!mem.isFreed(table)) { // a write to a freed table goes nowhere (its reads were counted as use after free)
            mem.page(table)[idx] = nw; // this memory's own array (copy on write), at the offset it was read with
        }
        observer.spteChanged(root, gfn, level, old, nw, kind);
        unlinkIfTable(root, gfn, level, old, nw);
    }

    private void unlinkIfTable(long root, long gfn, int level, long old, long nw) {
        if (level > 1 && Spte.isPresent(old) && !Spte.isLeaf(old, level)
                && (!Spte.isPresent(nw) || Spte.isLeaf(nw, level) || Spte.pfn(nw) != Spte.pfn(old))) {
            removeTable(root, Spte.pfn(old), gfn, level - 1);
        }
    }

    private void removeTable(long root, long hpfn, long baseGfn, int level) {
        // The frozen entries matter to whoever holds this page's array; a page shared with a fork is held by nobody
        // here (see TdpIter#unshare) and is freed below, so it is read in place rather than copied to be poisoned.
        boolean own = mem.ownsPage(hpfn);
        long[] t = own ? mem.page(hpfn) : mem.pageForRead(hpfn);
        int b = mem.offset(hpfn);
        long span = Spte.pagesPerLevel(level);
        // A table torn down holds a few entries among 512 zeros: a run of zeros is found by one OR and frozen at
        // once (entry by entry, this and freeTree took 8 % of a search's CPU); the same order of freezes and reports.
        for (int run = 0; run < 512; run += RUN) {
            if (orOfRun(t, b + run) == 0) {
                if (own) {
                    Arrays.fill(t, b + run, b + run + RUN, Spte.REMOVED_SPTE);
                }
                continue;
            }
            for (int i = run; i < run + RUN; i++) {
                long s = t[b + i];
                if (own) {
                    t[b + i] = Spte.REMOVED_SPTE;
                }
                if (s == 0 || s == Spte.REMOVED_SPTE) {
                    continue;
                }
                long g = baseGfn + i * span;
                observer.spteChanged(root, g, level, s, Spte.REMOVED_SPTE, SpteChange.FREEZE);
                if (level > 1 && Spte.isPresent(s) && !Spte.isLeaf(s, level)) {
                    removeTable(root, Spte.pfn(s), g, level - 1);
                }
            }
        }
        tablesFreed++;
        tableFreer.accept(hpfn);
    }

    /** Entries a table is scanned by at a time when it is torn down or freed. */
    private static final int RUN = 32;

    /** The OR of {@link #RUN} entries from {@code from}: 0 when all are zero (a loop the compiler unrolls). */
    private static long orOfRun(long[] t, int from) {
        long any = 0;
        for (int i = from; i < from + RUN; i++) {
            any |= t[i];
        }
        return any;
    }

    // ------------------------------------------------------------------------------------------- range operations

    /** An iterator over [startGfn, endGfn) of a root (clamped to the EPT's reach). */
    public TdpIter iter(long rootHpfn, long startGfn, long endGfn) {
        return new TdpIter(this, rootHpfn, Math.max(0, startGfn), Math.min(endGfn, gfnLimit));
    }

    /**
     * Applies {@code op} to each position of the iterator until the range ends. Before every position it asks
     * {@code yield} (null = never); on yes it returns {@link Progress#YIELD} without consuming the position. The
     * kernel rule "yield only after forward progress" is the decider's business, see {@link YieldPoint#kernel}. The
     * caller then flushes if {@link #flushPending}, calls {@link TdpIter#yieldHere()}, lets others run, and resumes
     * with {@link TdpIter#restartFromRoot()} and another {@code run}.
     */
    public Progress run(TdpIter it, SpteOp op, YieldPoint yield) {
        if (yield == null) {
            // Nothing to decide at a non-present entry and no op changes one: step over runs of them at once.
            while (it.valid()) {
                apply(it, op);
                it.nextSkippingAbsent();
            }
            return Progress.DONE;
        }
        while (it.valid()) {
            if (yield.shouldYield(it)) {
                return Progress.YIELD;
            }
            apply(it, op);
            it.next();
        }
        return Progress.DONE;
    }

    private void apply(TdpIter it, SpteOp op) {
        long old = it.reread();
        if (!Spte.isPresent(old)) {
            return;
        }
        int level = it.level();
        boolean leaf = Spte.isLeaf(old, level);
        switch (op) {
        case ZAP:
            if (leaf || (it.gfn() >= it.startGfn() && it.gfn() + Spte.pagesPerLevel(level) <= it.endGfn())) {
                changeSpte(it, 0, SpteChange.ZAP);
            }
            break;
        case WRPROT:
            if (leaf && Spte.isWritable(old)) {
                changeSpte(it, old & ~Spte.WRITABLE, SpteChange.WRPROT);
            }
            break;
        case CLEAR_DIRTY:
            if (leaf) {
                if (adEnabled) {
                    if ((old & Spte.DIRTY) != 0) {
                        changeSpte(it, old & ~Spte.DIRTY, SpteChange.CLEAR_DIRTY);
                    }
                } else if (Spte.isWritable(old)) {
                    changeSpte(it, old & ~Spte.WRITABLE, SpteChange.CLEAR_DIRTY);
                }
            }
            break;
        case AGE:
            if (leaf) {
                if (adEnabled) {
                    if ((old & Spte.ACCESSED) != 0) {
                        it.young++;
                        changeSpte(it, old & ~Spte.ACCESSED, SpteChange.AGE);
                    }
                } else if (!Spte.isAccessTracked(old)) {
                    it.young++;
                    changeSpte(it, Spte.markAccessTracked(old), SpteChange.AGE);
                }
            }
            break;
        case ZAP_COLLAPSIBLE:
            if (!leaf && (level == 2 || level == 3)) {
                Memslot s = slots.find(it.gfn());
                if (s != null && maxMappingLevel(s, it.gfn()) >= level) {
                    changeSpte(it, 0, SpteChange.ZAP);
                }
            }
            break;
        default:
            throw new AssertionError(op);
        }
    }

    /**
     * Sets the iterator's current SPTE, reports it, tears down an unlinked table, and marks a TLB flush pending if
     * a present SPTE changed. Public so the concurrency layer can script single changes (e.g. a FREEZE).
     */
    public void changeSpte(TdpIter it, long newSpte, SpteChange kind) {
        long old = it.oldSpte();
        it.write(newSpte);
        it.changes++;
        if (Spte.isPresent(old)) {
            it.flushNeeded = true;
        }
        observer.spteChanged(it.rootHpfn(), it.gfn(), it.level(), old, newSpte, kind);
        unlinkIfTable(it.rootHpfn(), it.gfn(), it.level(), old, newSpte);
    }

    /** An SPTE change made through this iterator since the last {@link #markFlushed} needs a TLB flush. */
    public boolean flushPending(TdpIter it) {
        return it.flushNeeded;
    }

    /** The caller flushed the TLB for this walk. */
    public void markFlushed(TdpIter it) {
        if (it.flushNeeded) {
            tlbFlushes++;
        }
        it.flushNeeded = false;
    }

    // ------------------------------------------------------------------------------------------- queries

    private int lastLookupLevel;

    /** The leaf SPTE (or MMIO SPTE) mapping {@code gfn}; 0 if none. */
    public long lookup(long rootHpfn, long gfn) {
        long table = rootHpfn;
        for (int level = levels; level >= 1; level--) {
            long s = entry(table, Spte.index(gfn, level));
            if (Spte.isLeaf(s, level) || Spte.isMmio(s)) {
                lastLookupLevel = level;
                return s;
            }
            if (!Spte.isPresent(s)) {
                break;
            }
            table = Spte.pfn(s);
        }
        lastLookupLevel = 0;
        return 0;
    }

    /**
     * The entry at {@code level} on {@code gfn}'s path (0 if the path ends above that level, e.g. at a huge leaf or
     * a non-present entry). For tables and tests.
     */
    public long spteAt(long rootHpfn, long gfn, int level) {
        long table = rootHpfn;
        for (int l = levels; l > level; l--) {
            long s = entry(table, Spte.index(gfn, l));
            if (!Spte.isPresent(s) || Spte.isLeaf(s, l)) {
                return 0;
            }
            table = Spte.pfn(s);
        }
        return entry(table, Spte.index(gfn, level));
    }

    /**
     * The table page holding the entry at {@code level} on {@code gfn}'s path, or -1 when the path ends above it:
     * what a kernel tracepoint calls the SPTE's table ({@code kvm_mmu_set_spte ... at}).
     */
    public long tableOf(long rootHpfn, long gfn, int level) {
        long table = rootHpfn;
        for (int l = levels; l > level; l--) {
            long s = entry(table, Spte.index(gfn, l));
            if (!Spte.isPresent(s) || Spte.isLeaf(s, l)) {
                return -1;
            }
            table = Spte.pfn(s);
        }
        return table;
    }

    /** Entry {@code index} of table page {@code hpfn}, read in place (no copy on write). */
    private long entry(long hpfn, int index) {
        return mem.pageForRead(hpfn)[mem.offset(hpfn) + index];
    }

    /** The level of the SPTE {@link #lookup} returns, 0 if none. */
    public int lookupLevel(long rootHpfn, long gfn) {
        lookup(rootHpfn, gfn);
        return lastLookupLevel;
    }

    private static final int ANY_PRESENT = 0;
    private static final int PRESENT_LEAF = 1;
    private static final int WRITABLE_LEAF = 2;

    /** A present SPTE of any level whose span intersects [startGfn, endGfn). */
    public boolean anyPresent(long rootHpfn, long startGfn, long endGfn) {
        return findFirst(rootHpfn, levels, 0, startGfn, endGfn, ANY_PRESENT) >= 0;
    }

    /** The first gfn in [startGfn, endGfn) mapped by a present leaf, -1 if none. */
    public long firstPresentLeafGfn(long rootHpfn, long startGfn, long endGfn) {
        return findFirst(rootHpfn, levels, 0, startGfn, endGfn, PRESENT_LEAF);
    }

    /** The first gfn in [startGfn, endGfn) mapped by a writable leaf, -1 if none. */
    public long firstWritableLeafGfn(long rootHpfn, long startGfn, long endGfn) {
        return findFirst(rootHpfn, levels, 0, startGfn, endGfn, WRITABLE_LEAF);
    }

    private long findFirst(long table, int level, long base, long start, long end, int mode) {
        long[] t = mem.pageForRead(table);
        int b = mem.offset(table);
        long span = Spte.pagesPerLevel(level);
        int first = start <= base ? 0 : (int) Math.min(512, (start - base) / span);
        for (int i = first; i < 512; i++) {
            // a table holds a few entries among 512 zeros: a run of zeros is passed over by one OR (this scan,
            // entry by entry, was 6 % of a search's CPU)
            if ((i & (RUN - 1)) == 0 && orOfRun(t, b + i) == 0) {
                i += RUN - 1;
                continue;
            }
            long g = base + i * span;
            if (g >= end) {
                break;
            }
            long s = t[b + i];
            if (!Spte.isPresent(s)) {
                continue;
            }
            if (mode == ANY_PRESENT) {
                return Math.max(g, start);
            }
            if (Spte.isLeaf(s, level)) {
                if (mode == PRESENT_LEAF || Spte.isWritable(s)) {
                    return Math.max(g, start);
                }
            } else {
                long r = findFirst(Spte.pfn(s), level - 1, g, start, end, mode);
                if (r >= 0) {
                    return r;
                }
            }
        }
        return -1;
    }

    public long countPresentLeaves(long rootHpfn) {
        return count(rootHpfn, levels);
    }

    private long count(long table, int level) {
        long[] t = mem.pageForRead(table);
        int b = mem.offset(table);
        long n = 0;
        for (int i = 0; i < 512; i++) {
            long s = t[b + i];
            if (Spte.isLeaf(s, level)) {
                n++;
            } else if (Spte.isPresent(s)) {
                n += count(Spte.pfn(s), level - 1);
            }
        }
        return n;
    }

    /** Table pages (including roots) allocated so far. */
    public long tablesAllocated() {
        return tablesAllocated;
    }

    /** Table pages (including roots) released so far (handed to the table freer or freed with a root). */
    public long tablesFreed() {
        return tablesFreed;
    }

    public long faults() {
        return faults;
    }

    /** TLB flushes done: by the fault path when it replaced a present SPTE, and via {@link #markFlushed}. */
    public long tlbFlushes() {
        return tlbFlushes;
    }
}
