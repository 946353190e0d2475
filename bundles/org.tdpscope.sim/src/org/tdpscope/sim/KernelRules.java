/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The root-lifecycle rules a run follows: an {@link Era}'s table, possibly with some rules
 * overridden ({@code kernel v5.16 with fast-zap-refs none}: a hand backport that mixes eras, as in
 * KERNEL-ERAS.md bug 12). Only rules that change what a thread can observe are here.
 *
 * @param initialRefcount            references a new root starts with (2 from v6.4: the TDP MMU's own)
 * @param lastPut                    what the thread dropping the last reference does
 * @param fastZapRefs                which roots fast zap takes a reference on while invalidating
 * @param zapInvalidated             who zaps invalidated roots, and when
 * @param rootsUnderReadLock         roots are allocated and freed with mmu_lock held for read (v6.9)
 * @param notifierWithoutRefs        the mmu_notifier unmap walks with the plain iterator: no references (v5.15)
 * @param faultRetriesOnInvalidRoot  a fault on an invalidated root retries (a955cad84cda)
 * @param iterCallerStepsAfterYield  after a yield's restart the caller steps once more (before 3a0f64de479c)
 * @param invalidRootsGettable       {@code get} takes a reference on an invalid root (from 5.16)
 * @param zapStopsAtHostMaxPhyAddr   zaps end at host MAXPHYADDR, not the TDP's reach (before 86931ff7207b)
 * @param rootTypes                  roots are direct or mirror; fast zap invalidates direct roots only (v6.14)
 * @param slotZapAllDefaultVmsOnly   memslot DELETE/MOVE fast-zaps only default VMs (6.12 quirk)
 * @param locklessAging              aging walks valid roots with no mmu_lock (6.15)
 */
public record KernelRules(int initialRefcount, LastPut lastPut, FastZapRefs fastZapRefs, ZapInvalidated zapInvalidated,
        boolean rootsUnderReadLock, boolean notifierWithoutRefs, boolean faultRetriesOnInvalidRoot,
        boolean iterCallerStepsAfterYield, boolean invalidRootsGettable, boolean zapStopsAtHostMaxPhyAddr,
        boolean rootTypes, boolean slotZapAllDefaultVmsOnly, boolean locklessAging, Era era, List<String> overrides) {

    /** What {@code kvm_tdp_mmu_put_root} does when the count reaches 0. */
    public enum LastPut {
        /** v5.15–v5.17: unlink, zap what is left without yielding, free after a grace period. */
        ZAP_AND_FREE,
        /** v5.18–v6.3: a valid root becomes a "defunct" root (invalid, rc 1) queued to the zap worker; an invalid one is unlinked and freed. */
        DEFUNCT_TO_WORKER,
        /** v6.4+: only an invalid root may get here (KVM_BUG_ON otherwise); unlink and free, no zap. */
        UNLINK_AND_FREE
    }

    /** Which roots {@code kvm_tdp_mmu_invalidate_all_roots} takes a reference on. */
    public enum FastZapRefs {
        /** v5.16: every root with rc > 0, invalid or not. */
        EVERY_LIVE_ROOT,
        /** v5.18–v6.3: roots not yet invalid (WARN if the get fails). */
        NOT_YET_INVALID,
        /** v6.4+: none; the TDP MMU's own reference is gifted to the zapper. */
        NONE
    }

    /** Who zaps the roots an invalidation marked. */
    public enum ZapInvalidated {
        /** v5.16: the fast-zapping thread, under the read lock, over the roots it referenced. */
        INLINE,
        /** v5.18–v6.5: a workqueue item per root; {@code kvm_tdp_mmu_zap_invalidated_roots} flushes the queue. */
        WORKER,
        /** v6.6+: the fast-zapping thread walks all roots under the read lock and zaps the flagged ones. */
        SCHEDULED_FLAG
    }

    public KernelRules {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    KernelRules(int initialRefcount, LastPut lastPut, FastZapRefs fastZapRefs, ZapInvalidated zapInvalidated,
            boolean rootsUnderReadLock, boolean notifierWithoutRefs, boolean faultRetriesOnInvalidRoot,
            boolean iterCallerStepsAfterYield, boolean invalidRootsGettable, boolean zapStopsAtHostMaxPhyAddr,
            boolean rootTypes, boolean slotZapAllDefaultVmsOnly, boolean locklessAging) {
        this(initialRefcount, lastPut, fastZapRefs, zapInvalidated, rootsUnderReadLock, notifierWithoutRefs,
                faultRetriesOnInvalidRoot, iterCallerStepsAfterYield, invalidRootsGettable, zapStopsAtHostMaxPhyAddr,
                rootTypes, slotZapAllDefaultVmsOnly, locklessAging, null, List.of());
    }

    KernelRules forEra(Era e) {
        return new KernelRules(initialRefcount, lastPut, fastZapRefs, zapInvalidated, rootsUnderReadLock,
                notifierWithoutRefs, faultRetriesOnInvalidRoot, iterCallerStepsAfterYield, invalidRootsGettable,
                zapStopsAtHostMaxPhyAddr, rootTypes, slotZapAllDefaultVmsOnly, locklessAging, e, List.of());
    }

    /** The rule words {@link #with} knows, each with its values (the first value is never implied). */
    public static final List<String> RULES = List.of(
            "initial-refcount 1|2",
            "last-put zap-and-free|defunct-to-worker|unlink-and-free",
            "fast-zap-refs every-live-root|not-yet-invalid|none",
            "zap-invalidated inline|worker|scheduled-flag",
            "root-alloc-lock write|read",
            "notifier-refs yes|no",
            "fault-retry yes|no",
            "iter-restart in-iterator|caller-steps",
            "get-invalid yes|no",
            "zap-bound tdp|host-maxphyaddr",
            "root-types yes|no",
            "slot-zap-all all-vms|default-vms",
            "aging-lock mmu_lock|lockless");

    /**
     * These rules with one of them changed; {@code rule} and {@code value} are scenario words (see
     * {@link #RULES}).
     *
     * @throws IllegalArgumentException naming the rules or values allowed
     */
    public KernelRules with(String rule, String value) {
        String allowed = null;
        for (String r : RULES) {
            if (r.startsWith(rule + " ")) {
                allowed = r.substring(rule.length() + 1);
            }
        }
        if (allowed == null) {
            throw new IllegalArgumentException("no kernel rule '" + rule + "'; the rules are: " + ruleWords());
        }
        if (!List.of(allowed.split("\\|")).contains(value)) {
            throw new IllegalArgumentException("rule " + rule + " takes " + allowed.replace("|", " or ") + ", not '"
                    + value + "'");
        }
        int rc = initialRefcount;
        LastPut lp = lastPut;
        FastZapRefs fz = fastZapRefs;
        ZapInvalidated zi = zapInvalidated;
        boolean read = rootsUnderReadLock, noRefs = notifierWithoutRefs, retry = faultRetriesOnInvalidRoot;
        boolean callerSteps = iterCallerStepsAfterYield, gettable = invalidRootsGettable;
        boolean maxPhy = zapStopsAtHostMaxPhyAddr, types = rootTypes, slotDefault = slotZapAllDefaultVmsOnly;
        boolean lockless = locklessAging;
        boolean yes = value.equals("yes");
        switch (rule) {
            case "initial-refcount" -> rc = Integer.parseInt(value);
            case "last-put" -> lp = LastPut.valueOf(constant(value));
            case "fast-zap-refs" -> fz = FastZapRefs.valueOf(constant(value));
            case "zap-invalidated" -> zi = ZapInvalidated.valueOf(constant(value));
            case "root-alloc-lock" -> read = value.equals("read");
            case "notifier-refs" -> noRefs = !yes;
            case "fault-retry" -> retry = yes;
            case "iter-restart" -> callerSteps = value.equals("caller-steps");
            case "get-invalid" -> gettable = yes;
            case "zap-bound" -> maxPhy = value.equals("host-maxphyaddr");
            case "root-types" -> types = yes;
            case "slot-zap-all" -> slotDefault = value.equals("default-vms");
            case "aging-lock" -> lockless = value.equals("lockless");
            default -> throw new IllegalStateException(rule);
        }
        List<String> ov = new ArrayList<>();
        for (String o : overrides) {
            if (!o.startsWith(rule + " ")) {
                ov.add(o);
            }
        }
        ov.add(rule + " " + value);
        return new KernelRules(rc, lp, fz, zi, read, noRefs, retry, callerSteps, gettable, maxPhy, types, slotDefault,
                lockless, era, ov);
    }

    /** {@code e}'s rules with the rules these override overridden the same way (an era switch keeps a backport). */
    public KernelRules onEra(Era e) {
        KernelRules r = e.rules();
        for (String o : overrides) {
            int sp = o.indexOf(' ');
            r = r.with(o.substring(0, sp), o.substring(sp + 1));
        }
        return r;
    }

    private static String constant(String word) {
        return word.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String ruleWords() {
        StringBuilder sb = new StringBuilder();
        for (String r : RULES) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(r, 0, r.indexOf(' '));
        }
        return sb.toString();
    }

    /** The era's word, with the overridden rules: {@code v5.16 with fast-zap-refs none}. */
    public String word() {
        String w = era == null ? "custom" : era.word();
        return overrides.isEmpty() ? w : w + " with " + String.join(", ", overrides);
    }

    /** A file-name part: {@code v5.16}, or {@code v5.16+fast-zap-refs-none}. */
    public String fileWord() {
        StringBuilder sb = new StringBuilder(era == null ? "custom" : era.word());
        for (String o : overrides) {
            sb.append('+').append(o.replace(' ', '-'));
        }
        return sb.toString();
    }

    /** Whether roots live on after their last vCPU user (the TDP MMU holds a reference: v6.4). */
    public boolean persistentRoots() {
        return initialRefcount >= 2;
    }

    /** Whether a zap worker thread exists in this era. */
    public boolean hasZapWorker() {
        return zapInvalidated == ZapInvalidated.WORKER || lastPut == LastPut.DEFUNCT_TO_WORKER;
    }

    @Override
    public String toString() {
        return word();
    }
}
