/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.Arrays;

/**
 * Pre-order walk over one root's SPTEs in [startGfn, endGfn), modelled on the kernel's tdp_iter: every entry of
 * every table stepped into is visited, present or not. {@link #next()} tries to step down into a present non-leaf,
 * else to the next entry at the same level, else up (and then sideways). Positions at upper levels carry the first
 * gfn of their span, which may lie below startGfn.
 * <p>
 * The iterator keeps the table page arrays of its path (the kernel's pt_path) and re-reads the current entry before
 * stepping down, so a table unlinked under it is not entered. Obtain one with {@link TdpMmu#iter}.
 */
public final class TdpIter {
    private final TdpMmu mmu;
    private final long root;
    private final int rootLevel;
    private final int minLevel;
    private final long startGfn;
    private final long endGfn;
    /** Table page arrays along the current path, indexed by level, and where each page starts in its array. */
    private final long[][] ptPath = new long[6][];
    private final int[] ptBase = new int[6];
    /**
     * The table pages of the path (hpfns) and, per level, whether its array is this memory's own to write. A page
     * shared with a fork is read in place and copied (copy on write) only when the walk changes one of its
     * entries: most pages a walk passes it only reads.
     */
    private final long[] ptHpfn = new long[6];
    private int ptOwned;

    private long nextLastLevelGfn;
    private long yieldedGfn;
    private long gfn;
    private int level;
    private int index;
    private long oldSpte;
    private boolean valid;

    private long positions;
    long changes;
    long young;
    boolean flushNeeded;

    TdpIter(TdpMmu mmu, long root, long startGfn, long endGfn) {
        this.mmu = mmu;
        this.root = root;
        this.rootLevel = mmu.levels();
        this.minLevel = 1;
        this.startGfn = startGfn;
        this.endGfn = endGfn;
        this.nextLastLevelGfn = startGfn;
        this.yieldedGfn = startGfn;
        restart();
    }

    /** This iterator's position in {@code mmu}, a copy of its MMU (a forked simulation). */
    public TdpIter copy(TdpMmu mmu) {
        return new TdpIter(mmu, this);
    }

    /**
     * Lets go of the cached table pages after the memory was copied ({@link HostMemory#copy}): they are shared with
     * the copy now and must not be written through. An iterator kept across a copy is one that yielded, and a
     * yielded iterator goes on only through {@link #restartFromRoot}, which takes every page of its path again
     * (copy on write); anything else would fail loudly on the dropped pages rather than corrupt the copy.
     */
    public void unshare() {
        Arrays.fill(ptPath, null);
        ptOwned = 0;
    }

    private TdpIter(TdpMmu mmu, TdpIter o) {
        this.mmu = mmu;
        this.root = o.root;
        this.rootLevel = o.rootLevel;
        this.minLevel = o.minLevel;
        this.startGfn = o.startGfn;
        this.endGfn = o.endGfn;
        // no pages: they are taken again on resume (see unshare)
        nextLastLevelGfn = o.nextLastLevelGfn;
        yieldedGfn = o.yieldedGfn;
        gfn = o.gfn;
        level = o.level;
        index = o.index;
        oldSpte = o.oldSpte;
        valid = o.valid;
        positions = o.positions;
        changes = o.changes;
        young = o.young;
        flushNeeded = o.flushNeeded;
    }

    /** True while positioned on an entry whose gfn is below the range end (the kernel's loop condition). */
    public boolean valid() {
        return valid && gfn < endGfn;
    }

    public void next() {
        if (tryStepDown()) {
            return;
        }
        do {
            if (tryStepSide()) {
                return;
            }
        } while (tryStepUp());
        valid = false;
    }

    /**
     * {@link #next()} for a caller that does nothing at non-present entries: a run of them in one table is stepped
     * over at once, ending on the next present entry (or the table's last one). Arrivals are counted as if each
     * entry had been visited.
     */
    public void nextSkippingAbsent() {
        if (tryStepDown()) {
            return;
        }
        do {
            if (trySkipSide()) {
                return;
            }
        } while (tryStepUp());
        valid = false;
    }

    /** First gfn of the current entry's span. */
    public long gfn() {
        return gfn;
    }

    public int level() {
        return level;
    }

    /** The current entry's value as last read by the iterator (updated by changes made through it). */
    public long oldSpte() {
        return oldSpte;
    }

    /** Index of the current entry in its table. */
    public int index() {
        return index;
    }

    public long rootHpfn() {
        return root;
    }

    public long startGfn() {
        return startGfn;
    }

    public long endGfn() {
        return endGfn;
    }

    /** Where the walk resumes after a restart: the last-level gfn it has reached. */
    public long nextLastLevelGfn() {
        return nextLastLevelGfn;
    }

    public long yieldedGfn() {
        return yieldedGfn;
    }

    /** The kernel's forward-progress test for cond_resched: something new was reached since the last yield. */
    public boolean progressSinceYield() {
        return nextLastLevelGfn != yieldedGfn;
    }

    /** Records that the caller yielded (dropped the lock) here. */
    public void yieldHere() {
        yieldedGfn = nextLastLevelGfn;
    }

    /**
     * After a yield: re-walk from the root towards nextLastLevelGfn, since tables may have changed meanwhile. As
     * from 3a0f64de479c (5.16-rc7) the restart happens inside the iterator's next step: the root-level entry that
     * covers nextLastLevelGfn is offered again (a zap may remove it whole), the path below it follows, and nothing
     * before nextLastLevelGfn at the last level is revisited. Also records the yield point, as tdp_iter_restart does.
     */
    public void restartFromRoot() {
        yieldedGfn = nextLastLevelGfn;
        restart();
    }

    /**
     * After a yield, as before 3a0f64de479c (v5.15, 5.16-rc1..rc6): the restart left the iterator on the
     * root-level entry that covers nextLastLevelGfn and the caller's {@code continue} stepped sideways from
     * it, so the rest of that top-level entry (and all its children) is never visited.
     */
    public void restartFromRootThenStepSide() {
        yieldedGfn = nextLastLevelGfn;
        restart();
        if (!tryStepSide()) {
            valid = false;
        }
    }

    /** Positions (entries inside the range) the iterator has arrived at, including non-present ones. */
    public long positionsVisited() {
        return positions;
    }

    /** SPTEs changed through this iterator. */
    public long spteChanges() {
        return changes;
    }

    /** Leaves found young by {@link SpteOp#AGE} through this iterator. */
    public long youngCount() {
        return young;
    }

    @Override
    public String toString() {
        return "iter L" + level + " gfn=0x" + Long.toHexString(gfn) + " next=0x" + Long.toHexString(nextLastLevelGfn)
                + " yielded=0x" + Long.toHexString(yieldedGfn) + (valid() ? "" : " (end)");
    }

    /** Writes the current entry (the caller reports the change). */
    void write(long newSpte) {
        if ((ptOwned & 1 << level) == 0) {
            HostMemory mem = mmu.memory();
            long hpfn = ptHpfn[level];
            ptPath[level] = mem.page(hpfn); // the copy on write this page was spared when it was taken
            ptBase[level] = mem.offset(hpfn);
            ptOwned |= 1 << level;
        }
        ptPath[level][ptBase[level] + index] = newSpte;
        oldSpte = newSpte;
    }

    /** Re-reads the current entry from its table. */
    long reread() {
        oldSpte = ptPath[level][ptBase[level] + index];
        return oldSpte;
    }

    private void restart() {
        level = rootLevel;
        takePage(root);
        gfn = Spte.roundGfn(nextLastLevelGfn, level);
        refresh();
        valid = true;
    }

    /** Takes the table page {@code hpfn} as the path's page at the current level (see {@link #ptHpfn}). */
    private void takePage(long hpfn) {
        HostMemory mem = mmu.memory();
        ptHpfn[level] = hpfn;
        long[] shared = mem.sharedPage(hpfn);
        if (shared != null) {
            ptPath[level] = shared;
            ptBase[level] = 0;
            ptOwned &= ~(1 << level);
        } else {
            ptPath[level] = mem.page(hpfn);
            ptBase[level] = mem.offset(hpfn);
            ptOwned |= 1 << level;
        }
    }

    private void refresh() {
        index = Spte.index(gfn, level);
        oldSpte = ptPath[level][ptBase[level] + index];
        countArrival();
    }

    private void countArrival() {
        if (gfn < endGfn) {
            positions++;
        }
    }

    private boolean tryStepDown() {
        if (level == minLevel) {
            return false;
        }
        long spte = reread(); // the entry may have been zapped since we arrived
        if (!Spte.isPresent(spte) || Spte.isLeaf(spte, level)) {
            return false;
        }
        level--;
        takePage(Spte.pfn(spte));
        gfn = Spte.roundGfn(nextLastLevelGfn, level);
        refresh();
        return true;
    }

    private boolean tryStepSide() {
        if (index == 511) {
            return false;
        }
        gfn += Spte.pagesPerLevel(level);
        nextLastLevelGfn = gfn;
        index++;
        oldSpte = ptPath[level][ptBase[level] + index];
        countArrival();
        return true;
    }

    private boolean trySkipSide() {
        if (index == 511) {
            return false;
        }
        long[] t = ptPath[level];
        int b = ptBase[level];
        int to = index + 1;
        while (to < 511 && !Spte.isPresent(t[b + to])) {
            to++;
        }
        long span = Spte.pagesPerLevel(level);
        int n = to - index;
        if (gfn < endGfn) {
            // arrivals at gfn + k*span, k = 1..n, that are still inside the range
            positions += Math.min(n, (endGfn - gfn - 1) / span);
        }
        gfn += n * span;
        nextLastLevelGfn = gfn;
        index = to;
        oldSpte = t[b + to];
        return true;
    }

    private boolean tryStepUp() {
        if (level == rootLevel) {
            return false;
        }
        level++;
        gfn = Spte.roundGfn(gfn, level);
        index = Spte.index(gfn, level);
        oldSpte = ptPath[level][ptBase[level] + index];
        return true;
    }
}
