/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * A TDP root: the top-level page of one EPT tree, its refcount and its place on
 * {@code tdp_mmu_roots}. A freed root is poisoned, not forgotten, so a later touch is detected.
 */
public final class Root {

    /** Where the root is in its life. */
    public enum State {
        /** On {@code tdp_mmu_roots}. */
        LISTED,
        /** Invalidated and moved to the private list of invalid roots ({@code restart}/{@code terminate}). */
        DELISTED,
        /** Taken off its list by the last put; freed after an RCU grace period. */
        UNLINKED,
        /** Freed: its pages are poisoned. */
        FREED
    }

    private final int id;
    private final String name;
    private final RootRole role;
    private final long hpfn;
    private final long createdStep;
    int refcount;
    boolean invalid;
    /** {@code tdp_mmu_scheduled_root_to_zap} (v6.6+): invalidated, its zap not yet done. */
    boolean scheduledToZap;
    State state = State.LISTED;
    long freedStep = -1;
    /** XOR of a mix of (gfn, level, spte) over the present leaves, kept up to date by {@link Kvm#spteChanged}. */
    long leafHash;
    String lastPutBy;
    // list_head links: an RCU reader that holds a root keeps following next after list_del_rcu
    Root next;
    Root prev;
    final boolean sentinel;

    Root(int id, RootRole role, long hpfn, long createdStep) {
        this(id, nameOf(id), role, hpfn, createdStep);
    }

    /** A copy's constructor: the name is taken, not built again (every fork copies every root). */
    private Root(int id, String name, RootRole role, long hpfn, long createdStep) {
        this.id = id;
        this.name = name;
        this.role = role;
        this.hpfn = hpfn;
        this.createdStep = createdStep;
        this.sentinel = false;
    }

    /** A list head. */
    Root(String label) {
        this.id = -1;
        this.name = label;
        this.role = null;
        this.hpfn = -1;
        this.createdStep = -1;
        this.sentinel = true;
        this.next = this;
        this.prev = this;
    }

    /** This root's state without its list links (a {@link Fork} fixes them up). */
    Root copyUnlinked() {
        Root c = sentinel ? new Root(name) : new Root(id, name, role, hpfn, createdStep);
        c.refcount = refcount;
        c.invalid = invalid;
        c.scheduledToZap = scheduledToZap;
        c.state = state;
        c.freedStep = freedStep;
        c.leafHash = leafHash;
        c.lastPutBy = lastPutBy;
        return c;
    }

    /**
     * The names of one and two letters, built once: the explorer makes a root, and so its name, in a good share
     * of the states it visits (4 % of its time went to building them).
     */
    private static final String[] SHORT_NAMES = new String[26 + 26 * 26];

    static {
        for (int id = 0; id < SHORT_NAMES.length; id++) {
            SHORT_NAMES[id] = spell(id);
        }
    }

    /** A, B, ..., Z, AA, AB, ... in creation order, so traces compare across runs and policies. */
    public static String nameOf(int id) {
        return id >= 0 && id < SHORT_NAMES.length ? SHORT_NAMES[id] : spell(id);
    }

    private static String spell(int id) {
        StringBuilder sb = new StringBuilder();
        int n = id;
        do {
            sb.insert(0, (char) ('A' + n % 26));
            n = n / 26 - 1;
        } while (n >= 0);
        return sb.toString();
    }

    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    public RootRole role() {
        return role;
    }

    /** Host page frame of the top-level table page. */
    public long hpfn() {
        return hpfn;
    }

    public int refcount() {
        return refcount;
    }

    public boolean invalid() {
        return invalid;
    }

    /** Invalidated and waiting for the invalidating thread's zap (v6.6+). */
    public boolean scheduledToZap() {
        return scheduledToZap;
    }

    /** A TDX mirror root (its role says so). */
    public boolean mirror() {
        return role != null && role.mirror();
    }

    public State state() {
        return state;
    }

    public long createdStep() {
        return createdStep;
    }

    public long freedStep() {
        return freedStep;
    }

    /** The thread whose put dropped the count to zero (it does the unlink and queues the free). */
    public String lastPutBy() {
        return lastPutBy;
    }

    public boolean freed() {
        return state == State.FREED;
    }

    @Override
    public String toString() {
        return name;
    }
}
