/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A TDP MMU root of a trace. No tracepoint names a root (KERNEL-ERAS.md section 3), so a plain
 * {@code kvmmmu} trace only lets roots be <em>inferred</em>, and {@link #reason()} says from what. When
 * the capture recipe of docs/capture added its root records ({@code tdpscope_*} kprobe events or
 * kvm-roots.bt lines), a root is <em>exact</em> ({@link #evidence()}): named by the physical address of
 * its page table, with the history of its reference count, its invalidation, zap and free as the
 * kernel's own functions reported them. An inferred root becomes exact when a root record names it
 * (the {@code kvm_mmu_get_page} of a new root followed by the alloc record of the same task).
 */
public final class InferredRoot {

    /** How the root is known. */
    public enum Evidence {
        /** Deduced from tracepoints that do not name roots: shown dashed, labelled "inferred". */
        INFERRED,
        /** Named by a root record of the capture recipe. */
        EXACT
    }

    /**
     * One root record that touched this root, in trace order.
     *
     * @param line        line of the record
     * @param timestampNs its timestamp
     * @param op          what ran: {@code alloc_root}, {@code next_root}, {@code put_root}, {@code zap_root},
     *                    {@code zap_root_done}, {@code invalidate_roots}, {@code load_pgd}
     * @param before      tdp_mmu_root_count before the operation, -1 if not known
     * @param after       tdp_mmu_root_count after it, -1 if not known
     * @param task        {@code comm-pid} of the task that ran it
     */
    public record Step(long line, long timestampNs, String op, int before, int after, String task) {
    }

    private final int id;
    private int asId; // set again when a kernel page text (which prints no smm) is followed by as-1 SPTEs
    private int level;
    private PageTable table;
    private final String role;
    private final long gen;
    private final long line;
    private String reason;
    long invalidatedLine;
    long invalidatedGen = -1;

    private Evidence evidence = Evidence.INFERRED;
    private long exactLine;
    long hpa = -1;
    long sp;
    long spt;
    long roleWord = -1;
    int refcount = -1;
    long freedLine;
    long zapStartLine;
    long zapEndLine;
    private final List<Step> history = new ArrayList<>();
    private final Set<String> users = new LinkedHashSet<>();

    /** Root records kept per root; later ones only update the fields. */
    public static final int MAX_HISTORY = 10_000;

    /** The root belongs to address space {@code as} after all, as its first SPTE showed. */
    void rehome(int as, String why) {
        this.asId = as;
        this.reason = reason + "; " + why;
    }

    InferredRoot(int id, int asId, int level, PageTable table, String role, long gen, long line, String reason) {
        this.id = id;
        this.asId = asId;
        this.level = level;
        this.table = table;
        this.role = role;
        this.gen = gen;
        this.line = line;
        this.reason = reason;
    }

    /** A root record named this root at {@code atLine}: from now on it is exact. */
    void makeExact(long atLine, String why) {
        if (evidence != Evidence.EXACT) {
            evidence = Evidence.EXACT;
            exactLine = atLine;
            if (why != null) {
                reason = reason == null || reason.isEmpty() ? why : reason + "; " + why;
            }
        }
    }

    /** Exact from {@code atLine}, for {@code why} alone: what it was inferred from no longer says what it is. */
    void renameExact(long atLine, String why) {
        evidence = Evidence.EXACT;
        exactLine = atLine;
        reason = why;
    }

    void setTable(PageTable t, int newLevel) {
        table = t;
        level = newLevel;
    }

    void step(Step s) {
        if (history.size() < MAX_HISTORY) {
            history.add(s);
        }
        if (s.after() >= 0) {
            refcount = s.after();
        }
    }

    void addUser(String task) {
        if (users.size() < 256) {
            users.add(task);
        }
    }

    public int id() {
        return id;
    }

    /** Inferred or exact. */
    public Evidence evidence() {
        return evidence;
    }

    /** True when a root record named this root (see {@link Evidence#EXACT}). */
    public boolean exact() {
        return evidence == Evidence.EXACT;
    }

    /** True unless a root record named this root: shown dashed, labelled "inferred". */
    public boolean inferred() {
        return evidence == Evidence.INFERRED;
    }

    /** Address space (0, or 1 for SMM). */
    public int asId() {
        return asId;
    }

    /** Root level: 4 or 5. */
    public int level() {
        return level;
    }

    /** The root's page table (its address is known only for exact roots). */
    public PageTable table() {
        return table;
    }

    /** Role text from kvm_mmu_get_page, or null when no page text announced the root. */
    public String role() {
        return role;
    }

    /** {@code role.word} from a root record, -1 when none printed it. */
    public long roleWord() {
        return roleWord;
    }

    /** {@code mmu_valid_gen} at creation, -1 when unknown. */
    public long gen() {
        return gen;
    }

    /** Line of the event the root was first inferred from or named by. */
    public long line() {
        return line;
    }

    /** Line of the first root record that named it, 0 for an inferred root. */
    public long exactLine() {
        return exactLine;
    }

    /** Why this root is believed to exist (for an exact root: which record named it). */
    public String reason() {
        return reason;
    }

    /** Physical address of the root's page table ({@code __pa(root->spt)}), -1 unless exact and known. */
    public long hpa() {
        return hpa;
    }

    /** The {@code kvm_mmu_page} pointer a root record printed, 0 if none. */
    public long sp() {
        return sp;
    }

    /** {@code root->spt} (kernel virtual) a root record printed, 0 if none. */
    public long spt() {
        return spt;
    }

    /**
     * Line where the root became invalid: for an exact root the {@code tdpscope_invalidate_roots} record
     * (or the first record showing {@code role.invalid}); for an inferred one the
     * {@code kvm_mmu_zap_all_fast} that made it obsolete. 0 if none was traced.
     */
    public long invalidatedLine() {
        return invalidatedLine;
    }

    /** New mmu_valid_gen of the fast zap that invalidated it, -1 if none. */
    public long invalidatedGen() {
        return invalidatedGen;
    }

    /** Last known {@code tdp_mmu_root_count}, -1 if no record showed it. */
    public int refcount() {
        return refcount;
    }

    /** Line of the put that dropped the last reference (the root is unlinked and freed), 0 if none. */
    public long freedLine() {
        return freedLine;
    }

    public boolean freed() {
        return freedLine != 0;
    }

    /** Line where {@code tdp_mmu_zap_root} started on this root, 0 if not traced. */
    public long zapStartLine() {
        return zapStartLine;
    }

    /** Line where that zap returned, 0 if not traced. */
    public long zapEndLine() {
        return zapEndLine;
    }

    /** The root records that touched this root (at most {@link #MAX_HISTORY}). */
    public List<Step> history() {
        return Collections.unmodifiableList(history);
    }

    /** Tasks ({@code comm-pid}) that got this root as their vCPU root (alloc or load records). */
    public Set<String> vcpuTasks() {
        return Collections.unmodifiableSet(users);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(exact() ? "exact root #" : "inferred root #").append(id);
        if (hpa != -1) {
            b.append(' ').append(Long.toHexString(hpa));
        } else if (sp != 0) {
            b.append(" sp ").append(Long.toHexString(sp));
        }
        b.append(" as ").append(asId).append(" level ").append(level);
        if (role != null) {
            b.append(" [").append(role).append(']');
        } else if (roleWord != -1) {
            b.append(" [role 0x").append(Long.toHexString(roleWord)).append(']');
        }
        if (gen >= 0) {
            b.append(" gen ").append(gen);
        }
        b.append(" (line ").append(line).append(": ").append(reason).append(')');
        if (invalidatedLine != 0) {
            b.append(" invalidated at line ").append(invalidatedLine);
        }
        if (exact()) {
            if (refcount >= 0) {
                b.append(" refcount ").append(refcount);
            }
            if (freedLine != 0) {
                b.append(" freed at line ").append(freedLine);
            }
        }
        return b.toString();
    }
}
