/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

/**
 * A page-table page (a {@code kvm_mmu_page} of the TDP MMU) as far as the trace shows it: its 512
 * SPTEs that were traced, the line that last set each of them, and how it was linked and freed.
 * The physical address is known only when some SPTE or {@code kvm_mmu_set_spte ... at} named it;
 * roots never have one (no tracepoint prints a root's address).
 */
public final class PageTable {

    /** Life of the table as the trace shows it. */
    public enum State {
        /** Linked into its parent, or not known to be unlinked. */
        LIVE,
        /** The parent SPTE stopped pointing at it: it is being freed. */
        DETACHED,
        /** Its entries were overwritten with the frozen marker 0x5a0 (handle_removed_pt). */
        ZAPPED
    }

    private final int id;
    private long hpa;
    int asId; // may move with its root (InferredRoot.rehome)
    private final int level;
    private final long baseGfn;
    private final long firstLine;
    private final long[] sptes = new long[512];
    private final int[] lines = new int[512]; // 0 = never traced; int keeps a table at 6 KiB
    private int traced;
    private int frozen;

    PageTable parent;
    int parentIndex = -1;
    InferredRoot root;
    MmuPage page;
    long createdLine;
    long linkedLine;
    long detachedLine;
    long zappedLine;
    long prepareZapLine;

    PageTable(int id, long hpa, int asId, int level, long baseGfn, long line) {
        this.id = id;
        this.hpa = hpa;
        this.asId = asId;
        this.level = level;
        this.baseGfn = baseGfn;
        this.firstLine = line;
    }

    /** Import-local number, stable also when the address is unknown. */
    public int id() {
        return id;
    }

    /** Host physical address, or -1 when the trace never named it. */
    public long hpa() {
        return hpa;
    }

    public boolean hpaKnown() {
        return hpa != -1;
    }

    void setHpa(long hpa) {
        this.hpa = hpa;
    }

    public int asId() {
        return asId;
    }

    /** Level of the SPTEs in this table (1 = 4K PTEs; a 4-level root has level 4). */
    public int level() {
        return level;
    }

    /** First gfn covered by this table. */
    public long baseGfn() {
        return baseGfn;
    }

    /** Gfns covered by this table. */
    public long span() {
        return 512 * Sptes.span(level);
    }

    /** The table holding the SPTE that points here, or null when not traced (or this is a root). */
    public PageTable parent() {
        return parent;
    }

    /** Index of the pointing SPTE in {@link #parent()}, -1 if unknown. */
    public int parentIndex() {
        return parentIndex;
    }

    /** The inferred root this table is, or null. */
    public InferredRoot root() {
        return root;
    }

    /**
     * The root whose tree holds this table (this table's own, or its nearest ancestor's), or null when the trace
     * showed no top-level entry above it.
     */
    public InferredRoot treeRoot() {
        PageTable t = this;
        for (int guard = 0; t != null && guard < 8; guard++) { // at most five levels; never loops on a bad link
            if (t.root != null) {
                return t.root;
            }
            t = t.parent();
        }
        return null;
    }

    public boolean isRoot() {
        return root != null;
    }

    /** The page text of kvm_mmu_get_page / kvm_mmu_prepare_zap_page for this table, or null. */
    public MmuPage page() {
        return page;
    }

    public State state() {
        return zappedLine != 0 ? State.ZAPPED : detachedLine != 0 ? State.DETACHED : State.LIVE;
    }

    /** Line of the first event that showed this table. */
    public long firstLine() {
        return firstLine;
    }

    /** Line of {@code kvm_mmu_get_page ... new} for this table, 0 if none. */
    public long createdLine() {
        return createdLine;
    }

    /** Line where a parent SPTE was set to point here, 0 if not traced. */
    public long linkedLine() {
        return linkedLine;
    }

    /** Line where the parent SPTE stopped pointing here, 0 if not traced. */
    public long detachedLine() {
        return detachedLine;
    }

    /** Line of the first frozen-marker write into this table, 0 if none. */
    public long zappedLine() {
        return zappedLine;
    }

    /** Line of {@code kvm_mmu_prepare_zap_page} for this table, 0 if none. */
    public long prepareZapLine() {
        return prepareZapLine;
    }

    /** Number of entries whose value the trace showed. */
    public int tracedEntries() {
        return traced;
    }

    /** Number of entries currently holding the frozen marker. */
    public int frozenEntries() {
        return frozen;
    }

    /** Whether the trace showed entry {@code index}. */
    public boolean traced(int index) {
        return lines[index] != 0;
    }

    /** Last traced value of entry {@code index} (0 if never traced: check {@link #traced(int)}). */
    public long spte(int index) {
        return sptes[index];
    }

    /** Line of the event that last set entry {@code index}, 0 if never traced: "who set this SPTE?". */
    public long setBy(int index) {
        return lines[index];
    }

    /** First gfn mapped by entry {@code index}. */
    public long gfnOf(int index) {
        return baseGfn + index * Sptes.span(level);
    }

    void set(int index, long value, long line) {
        if (lines[index] == 0) {
            traced++;
        }
        if (Sptes.isFrozen(sptes[index]) && lines[index] != 0) {
            frozen--;
        }
        if (Sptes.isFrozen(value)) {
            frozen++;
            if (zappedLine == 0) {
                zappedLine = line;
            }
        }
        sptes[index] = value;
        lines[index] = (int) Math.min(Integer.MAX_VALUE, Math.max(1, line));
    }

    /** "table 18af604000", "table #3 (address not traced)" or "root #0 (address not traced)". */
    public String label() {
        if (root != null) {
            return "root #" + root.id() + (hpaKnown() ? " " + Long.toHexString(hpa) : " (address not traced)");
        }
        return hpaKnown() ? "table " + Long.toHexString(hpa) : "table #" + id + " (address not traced)";
    }

    @Override
    public String toString() {
        return label() + " as " + asId + " level " + level + " gfn " + Long.toHexString(baseGfn) + " " + state();
    }
}
