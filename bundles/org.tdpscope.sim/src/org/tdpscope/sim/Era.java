/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import org.tdpscope.sim.KernelRules.FastZapRefs;
import org.tdpscope.sim.KernelRules.LastPut;
import org.tdpscope.sim.KernelRules.ZapInvalidated;

/**
 * A kernel era of the TDP MMU's root lifecycle: one small rule table each (KERNEL-ERAS.md §1.2),
 * consulted by the one simulator. Every era keeps head insertion, {@code get =
 * refcount_inc_not_zero} and successor-of-prev walks; what differs is below.
 */
public enum Era {
    /**
     * v5.15: the mmu_notifier unmap walks roots with the plain iterator (no references, can yield;
     * fixed by 7533377215b6), {@code get} also fails on an invalid root, a fault does not retry on
     * an invalidated root (a955cad84cda), a yield's restart is followed by one more step of the
     * caller (3a0f64de479c), zaps stop at host MAXPHYADDR (86931ff7207b).
     */
    V5_15("v5.15", "v5.15 (Nov 2021)", new KernelRules(1, LastPut.ZAP_AND_FREE, FastZapRefs.EVERY_LIVE_ROOT,
            ZapInvalidated.INLINE, false, true, false, true, false, true, false, false, false)),
    /** v5.16: DOMAIN.md; the fixes of the 5.16 cycle are in. */
    V5_16("v5.16", "v5.16 (Jan 2022)", new KernelRules(1, LastPut.ZAP_AND_FREE, FastZapRefs.EVERY_LIVE_ROOT,
            ZapInvalidated.INLINE, false, false, true, false, true, true, false, false, false)),
    /** v5.18 (22b94c4b63eb): invalidated and defunct roots are zapped by a per-VM workqueue. */
    V5_18("v5.18", "v5.18 (May 2022)", new KernelRules(1, LastPut.DEFUNCT_TO_WORKER, FastZapRefs.NOT_YET_INVALID,
            ZapInvalidated.WORKER, false, false, true, false, true, false, false, false, false)),
    /** v6.4 (edbdb43fc96b): roots start with two references, the TDP MMU's own gifted to the zapper. */
    V6_4("v6.4", "v6.4 (Jun 2023)", new KernelRules(2, LastPut.UNLINK_AND_FREE, FastZapRefs.NONE,
            ZapInvalidated.WORKER, false, false, true, false, true, false, false, false, false)),
    /** v6.6 (0df9dab891ff): no workqueue; the invalidating thread zaps flagged roots under the read lock. */
    V6_6("v6.6", "v6.6 (Oct 2023)", new KernelRules(2, LastPut.UNLINK_AND_FREE, FastZapRefs.NONE,
            ZapInvalidated.SCHEDULED_FLAG, false, false, true, false, true, false, false, false, false)),
    /** v6.9 (dab285e4ec73, 576a15de8d29): roots are allocated and freed with mmu_lock held for read. */
    V6_9("v6.9", "v6.9 (May 2024)", new KernelRules(2, LastPut.UNLINK_AND_FREE, FastZapRefs.NONE,
            ZapInvalidated.SCHEDULED_FLAG, true, false, true, false, true, false, false, false, false)),
    /**
     * v6.14: root types and TDX mirror roots; fast zap invalidates direct roots only; memslot
     * DELETE/MOVE fast-zaps default VMs only (the 6.12 quirk).
     */
    V6_14("v6.14", "v6.14 (Mar 2025)", new KernelRules(2, LastPut.UNLINK_AND_FREE, FastZapRefs.NONE,
            ZapInvalidated.SCHEDULED_FLAG, true, false, true, false, true, false, true, true, false)),
    /** The newest rules (6.15 to 7.0): as v6.14 plus aging with no mmu_lock (RCU only). */
    MAINLINE("mainline", "mainline (v7.0)", new KernelRules(2, LastPut.UNLINK_AND_FREE, FastZapRefs.NONE,
            ZapInvalidated.SCHEDULED_FLAG, true, false, true, false, true, false, true, true, true));

    private final String word;
    private final String label;
    private final KernelRules rules;

    Era(String word, String label, KernelRules rules) {
        this.word = word;
        this.label = label;
        this.rules = rules.forEra(this);
    }

    /** The scenario word: {@code v5.16}, ..., {@code mainline}. */
    public String word() {
        return word;
    }

    /** For titles: the word and when the release came out. */
    public String label() {
        return label;
    }

    /** This era's rules (no overrides). */
    public KernelRules rules() {
        return rules;
    }

    /** The era for a scenario word; null when it names none. */
    public static Era fromWord(String word) {
        for (Era e : values()) {
            if (e.word.equals(word)) {
                return e;
            }
        }
        return null;
    }

    /** The words of every era, for messages: "v5.15, v5.16, ..., mainline". */
    public static String words() {
        StringBuilder sb = new StringBuilder();
        for (Era e : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.word);
        }
        return sb.toString();
    }
}
