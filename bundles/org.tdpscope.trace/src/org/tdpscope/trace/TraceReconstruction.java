/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.tdpscope.trace.Payload.*;

/**
 * Rebuilds what a trace shows of the TDP MMU, one event at a time: page-table pages and their SPTEs,
 * inferred roots, fast zaps and generations, zapped tables, MMIO SPTEs, huge-page splits, faults,
 * mmu_notifier unmaps and per-CPU / per-task lanes. Memory grows with the tables and SPTEs the trace
 * touched (plus bounded lists), not with the number of events.
 *
 * <p>How tables are found. An SPTE event names (as_id, gfn, level) but no table. The table holding a
 * level-L SPTE is the one whose entries are at level L and whose range covers the gfn; it is known
 * <ul>
 * <li>from the parent: a non-leaf SPTE's value holds its child table's address, so an install links
 * child to parent, and a change whose old value points at a known child is in that child's parent;</li>
 * <li>from {@code kvm_mmu_set_spte ... at <pa>}: table = pa & ~0xfff, index = (pa & 0xfff) / 8;</li>
 * <li>from {@code kvm_mmu_get_page}: a new direct page (gfn, level), linked by the next install;</li>
 * <li>otherwise it is a table of unknown address, first seen mid-trace.</li>
 * </ul>
 * SPTEs at the top level (4, or 5 once a level-5 SPTE was seen in that address space) sit in a root.
 * Roots are never named by a tracepoint; they are inferred from {@code kvm_mmu_get_page} (direct,
 * gfn 0, level 4/5, per address space and role) or from top-level SPTE changes, and a top-level
 * install after {@code kvm_mmu_zap_all_fast} starts a new root. Frozen markers (0x5a0) are written
 * only into removed tables, so they go to the table most recently unlinked from that range.
 *
 * <p>Exact roots. When the trace holds the root records of the capture recipe (docs/capture:
 * {@code tdpscope_*} kprobe events or kvm-roots.bt lines, {@link Payload.RootAlloc} and friends), roots
 * are named by the physical address of their page table ({@code hpa}, or {@code spt - page_offset_base})
 * and their reference count, invalidation, zap and free come from the kernel's root functions
 * ({@link InferredRoot#evidence()} is then {@code EXACT}). A root announced by {@code kvm_mmu_get_page}
 * becomes exact when the alloc record of the same task follows. Top-level SPTE changes are put in the
 * root the task is known to use: the root its last {@code tdp_mmu_next_root} / {@code tdp_mmu_zap_root}
 * returned or started (walks, zaps), else the root its last alloc / load record gave it (vCPU faults);
 * only when neither is known does the inference above decide.
 */
public final class TraceReconstruction {

    /** Entries kept in the bounded lists (splits, MMIO SPTEs); counters stay exact. */
    public static final int MAX_KEPT = 100_000;

    /** A {@code kvm_mmu_zap_all_fast}: the new generation and the roots it made obsolete. */
    public record FastZap(long gen, long usedPages, long line, long timestampNs, int rootsInvalidated) {
    }

    /** An {@code mmu_valid_gen} value seen in page events or fast zaps. */
    public record Generation(long gen, long firstLine, long lastLine, long pageEvents, long fastZapLine) {
    }

    /** A {@code kvm_mmu_split_huge_page}. */
    public record Split(long gfn, int level, long spte, int errno, long line) {
    }

    /**
     * An MMIO SPTE: from {@code mark_mmio_spte} (access and memslot gen, spte -1) or from an SPTE change
     * to a non-present non-zero value (spte set, access and gen -1).
     */
    public record MmioSpte(long gfn, long spte, int access, long gen, long line) {
    }

    /** One traced SPTE and the line that last set it. */
    public record SpteRef(PageTable table, int index, int level, long gfn, long value, long line) {
        public Sptes.Kind kind() {
            return Sptes.kind(value, level);
        }
    }

    private final TraceDiagnostics diag;
    private final Paging.Evidence paging = new Paging.Evidence();
    private boolean namesSettled; // the paging's clues of each kind, while they are few
    private boolean bitsSettled;
    private long presentBefore;
    private long presentBeforeLine;
    private long presentBeforeLo = Long.MAX_VALUE;
    private long presentBeforeHi = -1;
    private final Map<Integer, PageTable> tables = new LinkedHashMap<>(); // by id, retired ones removed
    private int nextTableId;
    private long retiredTables;
    private final LongMap<PageTable> byHpa = new LongMap<>();
    private final LongMap<PageTable> byRange = new LongMap<>(); // (as, level, base) -> latest table
    private final LongMap<PageTable> detachedByRange = new LongMap<>(); // ... -> latest removed table
    private final List<InferredRoot> roots = new ArrayList<>();
    private final Map<Integer, InferredRoot> currentRoot = new HashMap<>();
    private final int[] topLevel = new int[16];
    private int[] lastAsOnCpu = new int[64]; // as id of the last SPTE change per CPU (set_spte has none)
    private final List<FastZap> fastZaps = new ArrayList<>();
    private final TreeMap<Long, long[]> generations = new TreeMap<>();
    private final Map<Long, MmioSpte> mmio = new LinkedHashMap<>();
    private final List<Split> splits = new ArrayList<>();
    private final Map<Integer, Lane> cpuLanes = new TreeMap<>();
    private final Map<Integer, Lane> taskLanes = new LinkedHashMap<>();
    private Lane[] cpuLaneAt = new Lane[64]; // CPU lanes by number (below CPU_INDEXED), no boxing per event
    private static final int CPU_INDEXED = 1 << 14;
    private Lane lastTask;
    private int lastTaskPid = -1;
    // event names by id in order of first appearance, the events of each, and a small identity cache
    // in front of the map (the reader hands out one String per known name)
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> nameIds = new HashMap<>();
    private long[] eventCounts = new long[16];
    private final String[] idCacheNames = new String[64];
    private final int[] idCacheIds = new int[64];

    private long spteChanges;
    private long setSptes;
    private long frozenWrites;
    private long spteMismatches;
    private long pageFaults;
    private long fastPageFaults;
    private long fastPageFaultsFixed;
    private long spteRequests;
    private long noSlotRequests;
    private long mmioFaults;
    private long mmioChecks;
    private long failedSplits;
    private long splitCount;
    private long unmaps;
    private long unmapBytes;
    private long ageEvents;
    private long pagesCreated;
    private long pagesExisting;
    private long prepareZaps;
    private long shadowPages;

    /** A root a kernel page text announced, and the root of the same address space it made non-current. */
    private record FreshRoot(InferredRoot root, InferredRoot displaced) {
    }

    /** Per task, the last root a kernel page text announced, until its first SPTE shows its address space. */
    private final Map<Integer, FreshRoot> freshRootByPid = new HashMap<>();

    // ---- exact roots (root records of docs/capture) ----
    private long rootRecords;
    private final LongMap<InferredRoot> exactByHpa = new LongMap<>();
    private final LongMap<InferredRoot> exactBySp = new LongMap<>();
    /** Exact roots not freed yet, oldest first (what invalidation and fallbacks search, not all roots). */
    private final List<InferredRoot> liveExact = new ArrayList<>();
    /** Per task, the root its current walk or zap holds (tdp_mmu_next_root, tdp_mmu_zap_root). */
    private final Map<Integer, InferredRoot> walkRoot = new HashMap<>();
    /** Per (task, as), the root the vCPU task got from its last alloc or load record. */
    private final Map<Long, InferredRoot> vcpuRoot = new HashMap<>();
    /** Per task, the last root page any page text announced, until an alloc record names it. */
    private final Map<Integer, InferredRoot> announcedRootByPid = new HashMap<>();
    /** A task's load_pgd of a root not seen yet, and its line: the root the task's next top-level SPTE is in. */
    private record PendingLoad(RootLoad load, long line) {
    }

    private final Map<Integer, PendingLoad> pendingLoadByPid = new HashMap<>();
    /** Tasks whose last alloc record named no root, and its line: their next load_pgd names it. */
    private final Map<Integer, Long> unnamedAllocByPid = new HashMap<>();
    private long pageOffsetBase = -1;
    private boolean warnedNoAddress;
    private int lastFastZapPid = -1;

    public TraceReconstruction() {
        this(new TraceDiagnostics());
    }

    /** Reconstruction whose warnings go to {@code diag} (normally the reader's). */
    public TraceReconstruction(TraceDiagnostics diag) {
        this.diag = diag;
        java.util.Arrays.fill(topLevel, 4);
    }

    /** Reads every event of {@code reader}; warnings go to the reader's diagnostics. */
    public static TraceReconstruction read(EventStream reader) throws IOException {
        TraceReconstruction r = new TraceReconstruction(reader.diagnostics());
        for (TraceEvent e = reader.next(); e != null; e = reader.next()) {
            r.accept(e);
        }
        return r;
    }

    /** Reads a trace file. */
    public static TraceReconstruction read(Path file) throws IOException {
        try (TraceReader reader = TraceReader.open(file)) {
            return read(reader);
        }
    }

    /** Applies one event. */
    public void accept(TraceEvent e) {
        int id = nameId(e.name());
        eventCounts[id]++;
        lanes(e, id);
        Payload p = e.payload();
        // the paging's clues while they are few: a field's test per event after (on the client compiler the
        // import runs on, a call through List or a call not inlined per event costs percents)
        if (!namesSettled && e.prefix().hasStack()) {
            for (String f : e.prefix().stack()) {
                paging.frame(f, e.line());
            }
            namesSettled = paging.weakSettled();
        }
        if (p instanceof TdpMmuSpteChanged c) {
            spteChanged(e, c);
        } else if (p instanceof MmuSetSpte c) {
            setSpte(e, c);
        } else if (p instanceof MmuSpteRequested c) {
            spteRequests++;
            if (c.noSlot()) {
                noSlotRequests++;
            }
        } else if (p instanceof KvmPageFault f) {
            pageFaults++;
            if (!bitsSettled) {
                paging.pageFault(f.errorCode(), e.line());
                bitsSettled = paging.strongSettled();
            }
        } else if (p instanceof MmuGetPage c) {
            getPage(e, c);
        } else if (p instanceof MmuPrepareZapPage c) {
            prepareZap(e, c.page());
        } else if (p instanceof MmuZapAllFast c) {
            fastZap(e, c);
        } else if (p instanceof MmuSplitHugePage c) {
            splitCount++;
            if (c.errno() != 0) {
                failedSplits++;
            }
            if (splits.size() < MAX_KEPT) {
                splits.add(new Split(c.gfn(), c.level(), c.spte(), c.errno(), e.line()));
            }
        } else if (p instanceof MarkMmioSpte c) {
            putMmio(new MmioSpte(c.gfn(), -1, c.access(), c.gen(), e.line()));
        } else if (p instanceof HandleMmioPageFault) {
            mmioFaults++;
        } else if (p instanceof CheckMmioSpte) {
            mmioChecks++;
        } else if (p instanceof FastPageFault c) {
            fastPageFaults++;
            if (c.fixed()) {
                fastPageFaultsFixed++;
            }
        } else if (p instanceof KvmUnmapHvaRange c) {
            unmaps++;
            unmapBytes += c.end() - c.start();
        } else if (p instanceof KvmAgeHva || p instanceof KvmTestAgeHva) {
            ageEvents++;
        } else if (p instanceof MmuSyncPage c) {
            generation(c.page().gen(), e.line(), 0);
        } else if (p instanceof MmuUnsyncPage c) {
            generation(c.page().gen(), e.line(), 0);
        } else if (p instanceof RootAlloc || p instanceof RootNext || p instanceof RootPut || p instanceof RootZap
                || p instanceof RootsInvalidate || p instanceof RootsZapInvalidated || p instanceof RootLoad) {
            rootRecord(e, p);
        } else if (!namesSettled && p instanceof KvmExit x) {
            paging.exitReason(x.reason(), e.line());
            namesSettled = paging.weakSettled();
        }
    }

    // ---- lanes ----------------------------------------------------------------------------------

    /** The id of an event name: its index in {@link #names}, counted from 0 in order of first appearance. */
    private int nameId(String name) {
        int slot = name.hashCode() & (idCacheNames.length - 1);
        if (idCacheNames[slot] == name) {
            return idCacheIds[slot];
        }
        Integer id = nameIds.get(name);
        if (id == null) {
            id = names.size();
            names.add(name);
            nameIds.put(name, id);
            if (id >= eventCounts.length) {
                eventCounts = java.util.Arrays.copyOf(eventCounts, 2 * eventCounts.length);
            }
        }
        idCacheNames[slot] = name;
        idCacheIds[slot] = id;
        return id;
    }

    private void lanes(TraceEvent e, int nameId) {
        Prefix p = e.prefix();
        Lane task = lastTask;
        int pid = p.pid();
        if (pid != lastTaskPid) {
            task = taskLanes.get(pid);
            if (task == null) {
                taskLanes.put(pid, task = new Lane(Lane.Kind.TASK, p.task(), taskLanes.size(), names));
            }
            lastTask = task;
            lastTaskPid = pid;
        }
        int c = p.cpu();
        Lane cpu = c >= 0 && c < cpuLaneAt.length ? cpuLaneAt[c] : null;
        if (cpu == null) {
            cpu = cpuLanes.get(c);
            if (cpu == null) {
                cpuLanes.put(c, cpu = new Lane(Lane.Kind.CPU, "CPU " + c, cpuLanes.size(), names));
            }
            if (c >= 0 && c < CPU_INDEXED) {
                if (c >= cpuLaneAt.length) {
                    cpuLaneAt = java.util.Arrays.copyOf(cpuLaneAt, Math.min(CPU_INDEXED, Math.max(c + 1,
                            2 * cpuLaneAt.length)));
                }
                cpuLaneAt[c] = cpu;
            }
        }
        cpu.add(e, nameId, task);
        task.add(e, nameId, cpu);
    }

    // ---- SPTEs ----------------------------------------------------------------------------------

    private static long key(int as, int level, long base) {
        return (long) (as & 0xf) << 60 | (long) level << 56 | base;
    }

    private boolean validLevel(int level, TraceEvent e) {
        if (level >= 1 && level <= 5) {
            return true;
        }
        diag.warn(e.line(), "", e.name() + " with level " + level + " ignored: TDP levels are 1 to 5");
        return false;
    }

    private void spteChanged(TraceEvent e, TdpMmuSpteChanged c) {
        lastChanged = null;
        int level = c.level();
        if (!validLevel(level, e)) {
            return;
        }
        if (c.asId() < 0 || c.asId() > 15) {
            diag.warn(e.line(), "", "kvm_tdp_mmu_spte_changed with as id " + c.asId() + " ignored");
            return;
        }
        spteChanges++;
        int as = c.asId();
        if (e.cpu() >= lastAsOnCpu.length) {
            lastAsOnCpu = java.util.Arrays.copyOf(lastAsOnCpu, Math.max(e.cpu() + 1, 2 * lastAsOnCpu.length));
        }
        lastAsOnCpu[e.cpu()] = as;
        if (level > topLevel[as]) {
            topLevel[as] = level;
        }
        long old = c.oldSpte();
        long neu = c.newSpte();
        if (!bitsSettled) {
            if (Sptes.isTable(neu, level)) {
                paging.nonLeaf(neu, e.line());
            } else if (Sptes.isTable(old, level)) { // a huge page replacing a table (capture 07's collapse)
                paging.nonLeaf(old, e.line());
            }
            bitsSettled = paging.strongSettled();
        }
        PageTable t = tableOf(as, level, c.gfn(), old, neu, e);
        lastChanged = t;
        int idx = Sptes.index(level, c.gfn());
        if (t.traced(idx)) {
            if (t.spte(idx) != old) {
                spteMismatches++; // normal across gaps and lost events; worth a note otherwise
                diag.warn(e.line(), "", "old_spte " + Long.toHexString(old) + " differs from the last traced value "
                        + Long.toHexString(t.spte(idx)) + " (line " + t.setBy(idx) + ") of this SPTE in " + t.label());
            }
        } else if (Sptes.isPresent(old)) { // set before the trace began: a replay starts without it
            if (presentBefore++ == 0) {
                presentBeforeLine = e.line();
            }
            presentBeforeLo = Math.min(presentBeforeLo, c.gfn());
            presentBeforeHi = Math.max(presentBeforeHi, c.gfn());
        }
        t.set(idx, neu, e.line());
        if (Sptes.isTable(old, level) && !(Sptes.isTable(neu, level) && Sptes.hpa(neu) == Sptes.hpa(old))) {
            PageTable child = byHpa.get(Sptes.hpa(old));
            if (child == null) { // first sight of this table is its removal
                child = linkChild(as, level - 1, Sptes.tableBase(level - 1, c.gfn()), Sptes.hpa(old), t, idx,
                        e.line(), false);
            }
            child.detachedLine = e.line();
            detachedByRange.put(key(child.asId(), child.level(), child.baseGfn()), child);
        }
        if (Sptes.isTable(neu, level)) {
            linkChild(as, level - 1, Sptes.tableBase(level - 1, c.gfn()), Sptes.hpa(neu), t, idx, e.line(), true);
        }
        Sptes.Kind kind = Sptes.kind(neu, level);
        if (kind == Sptes.Kind.FROZEN) {
            frozenWrites++;
        } else if (kind == Sptes.Kind.MMIO) {
            putMmio(new MmioSpte(c.gfn(), neu, -1, -1, e.line()));
        }
    }

    /** The table holding the level-{@code level} SPTE for {@code gfn} in address space {@code as}. */
    /** The table the last {@code kvm_tdp_mmu_spte_changed} accepted was applied to, or null. */
    private PageTable lastChanged;

    /**
     * The table the last accepted {@code kvm_tdp_mmu_spte_changed} changed (its root is the one this
     * reconstruction gave the change, which a lookup by gfn afterwards need not find: two roots of one address
     * space can map the same gfn), or null when none was accepted.
     */
    public PageTable lastChangedTable() {
        return lastChanged;
    }

    private PageTable tableOf(int as, int level, long gfn, long old, long neu, TraceEvent e) {
        if (Sptes.isTable(old, level)) { // the old value names a child whose parent we know
            PageTable child = byHpa.get(Sptes.hpa(old));
            if (child != null && child.parent != null && child.parent.level() == level && child.parent.asId() == as) {
                return child.parent;
            }
        }
        long base = Sptes.tableBase(level, gfn);
        if (Sptes.isFrozen(neu)) { // frozen markers only go into removed tables (handle_removed_pt)
            PageTable removed = detachedByRange.get(key(as, level, base));
            if (removed != null) {
                return removed;
            }
        }
        if (rootRecords > 0 && level >= 4) { // root records tell which root this task is working on
            PendingLoad l = pendingLoadByPid.get(e.prefix().pid());
            if (l != null && level >= topLevel[as] && (l.load().level() == null || l.load().level() == level)) {
                InferredRoot named = exactByHpa.get(l.load().hpa());
                if (named != null) { // another task's record named it since
                    pendingLoadByPid.remove(e.prefix().pid());
                    vcpuRoot.put(taskAs(e.prefix().pid(), named.asId()), named);
                    return named.table();
                }
                // the task loaded a root no record named: its top-level SPTE is in that one, not in the one it had
                return loaded(newRoot(as, level, null, e.line(), "level-" + level + " SPTE changed in as " + as), e)
                        .table();
            }
            InferredRoot x = knownRootOf(e.prefix().pid(), as, level);
            if (x != null) {
                return x.table();
            }
        }
        PageTable t = byRange.get(key(as, level, base));
        boolean install = !Sptes.isPresent(old) && !Sptes.isFrozen(old) && Sptes.isPresent(neu);
        if (t != null) {
            if (t.root != null && (t.root.invalidatedLine != 0 || t.root.freed()) && install) {
                InferredRoot x = latestExact(as, level, t.root);
                if (x != null) { // no SPTE is installed in an invalid root: it is the newest valid one
                    return x.table();
                }
                return loaded(newRoot(as, level, null, e.line(), "first level-" + level + " SPTE installed in as "
                        + as + " after kvm_mmu_zap_all_fast (line " + t.root.invalidatedLine + ")"), e).table();
            }
            return t;
        }
        FreshRoot f = freshRootByPid.get(e.prefix().pid());
        InferredRoot fresh = f == null ? null : f.root();
        if (level >= topLevel[as] && fresh != null && fresh.asId() != as && fresh.level() == level
                && fresh.table().tracedEntries() == 0 && fresh.invalidatedLine == 0) {
            // kernel page texts print no smm: a new root whose first SPTE is in another address space is that one's
            int was = fresh.asId();
            byRange.remove(key(was, level, 0), fresh.table());
            if (f.displaced() != null) { // the root it hid in its first address space is current there again
                byRange.put(key(was, level, 0), f.displaced().table());
                currentRoot.put(was, f.displaced());
            } else if (currentRoot.get(was) == fresh) {
                currentRoot.remove(was);
            }
            fresh.rehome(as, "as " + as + " from its first SPTE at line " + e.line() + " (the page text prints no smm)");
            fresh.table().asId = as;
            byRange.put(key(as, level, 0), fresh.table());
            currentRoot.put(as, fresh);
            freshRootByPid.remove(e.prefix().pid());
            return fresh.table();
        }
        if (level >= topLevel[as]) {
            InferredRoot x = latestExact(as, level, null);
            if (x != null) {
                return x.table();
            }
            return loaded(newRoot(as, level, null, e.line(), "level-" + level + " SPTE changed in as " + as
                    + "; top-level SPTEs live in a root, whose address no tracepoint prints"), e).table();
        }
        t = newTable(-1, as, level, base, e.line());
        byRange.put(key(as, level, base), t);
        return t;
    }

    /**
     * Links the table at {@code hpa} under entry {@code idx} of {@code parent}. {@code installed} is false
     * when the link predates the trace and is only learned from the SPTE's old value.
     */
    private PageTable linkChild(int as, int level, long base, long hpa, PageTable parent, int idx, long line,
            boolean installed) {
        long k = key(as, level, base);
        PageTable child = byHpa.get(hpa);
        if (child != null && (child.state() != PageTable.State.LIVE || child.level() != level
                || child.baseGfn() != base || child.asId() != as)) {
            // the page was freed and is reused for a new table: forget the old one, so memory follows
            // the host pages in use as page tables, not the length of the trace
            retire(child);
            child = null;
        }
        if (child == null) {
            PageTable announced = byRange.get(k);
            if (announced != null && !announced.hpaKnown() && announced.parent == null && announced.root == null
                    && announced.tracedEntries() == 0) {
                child = announced; // kvm_mmu_get_page announced it; this install names its address
                child.setHpa(hpa);
                byHpa.put(hpa, child);
            } else {
                child = newTable(hpa, as, level, base, line);
            }
        }
        child.parent = parent;
        child.parentIndex = idx;
        if (installed) {
            child.linkedLine = line;
        }
        byRange.put(k, child);
        return child;
    }

    private void retire(PageTable t) {
        tables.remove(t.id());
        detachedByRange.remove(key(t.asId(), t.level(), t.baseGfn()), t);
        if (t.hpaKnown()) {
            byHpa.remove(t.hpa(), t);
        }
        retiredTables++;
    }

    private PageTable newTable(long hpa, int as, int level, long base, long line) {
        PageTable t = new PageTable(nextTableId++, hpa, as, level, base, line);
        tables.put(t.id(), t);
        if (hpa != -1) {
            byHpa.put(hpa, t);
        }
        return t;
    }

    /**
     * A root just inferred from a task's top-level SPTE: if that task loaded a root no record had named, this
     * is it, with the address the load gave.
     */
    private InferredRoot loaded(InferredRoot r, TraceEvent e) {
        int pid = e.prefix().pid();
        PendingLoad pending = pendingLoadByPid.remove(pid);
        RootLoad l = pending == null ? null : pending.load();
        if (l == null || (l.level() != null && l.level() != r.level()) || exactByHpa.get(l.hpa()) != null) {
            return r;
        }
        long at = pending.line();
        r.renameExact(e.line(), "the root the task loaded at line " + at + " (load_pgd of hpa 0x" + Long.toHexString(
                l.hpa()) + ", named by no record before), whose first level-" + r.level() + " SPTE is at line "
                + e.line());
        liveExact.add(r);
        update(r, e, new RootFields(null, null, l.hpa(), null, null, null, null), l.hpa(), 0);
        r.addUser(e.prefix().task());
        vcpuRoot.put(taskAs(pid, r.asId()), r);
        return r;
    }

    private InferredRoot newRoot(int as, int level, MmuPage page, long line, String reason) {
        PageTable t = newTable(-1, as, level, 0, line);
        InferredRoot r = new InferredRoot(roots.size(), as, level, t, page == null ? null : page.role(),
                page == null ? -1 : page.gen(), line, reason);
        t.root = r;
        t.page = page;
        roots.add(r);
        currentRoot.put(as, r);
        byRange.put(key(as, level, 0), t);
        if (level > topLevel[as]) {
            topLevel[as] = level;
        }
        return r;
    }

    private void setSpte(TraceEvent e, MmuSetSpte c) {
        int level = c.level();
        if (!validLevel(level, e)) {
            return;
        }
        setSptes++;
        long hpa = c.tableHpa();
        int idx = c.tableIndex();
        PageTable t = byHpa.get(hpa);
        if (t != null && (t.state() != PageTable.State.LIVE || t.level() != level)) {
            retire(t); // freed page reused for a table whose install was not traced
            t = null;
        }
        if (t == null) {
            // set_spte prints no as_id: take the one of the last SPTE change on this CPU
            int as = e.cpu() < lastAsOnCpu.length ? lastAsOnCpu[e.cpu()] : 0;
            long base = Sptes.tableBase(level, c.gfn());
            PageTable r = byRange.get(key(as, level, base));
            if (r != null && !r.hpaKnown()) {
                r.setHpa(hpa); // a table seen only through SPTE changes gets its address here
                byHpa.put(hpa, r);
                t = r;
            } else {
                t = newTable(hpa, as, level, base, e.line());
                if (r == null) {
                    byRange.put(key(as, level, base), t);
                }
            }
        }
        if (!t.traced(idx) || t.spte(idx) != c.spte()) { // usually kvm_tdp_mmu_spte_changed set it already
            t.set(idx, c.spte(), e.line());
        }
    }

    /** Records an MMIO SPTE, keeping what an earlier event said about the same gfn. */
    private void putMmio(MmioSpte m) {
        MmioSpte old = mmio.get(m.gfn());
        if (old != null) {
            m = new MmioSpte(m.gfn(), m.spte() != -1 ? m.spte() : old.spte(), m.access() != -1 ? m.access()
                    : old.access(), m.gen() != -1 ? m.gen() : old.gen(), m.line());
        } else if (mmio.size() >= MAX_KEPT) {
            return;
        }
        mmio.put(m.gfn(), m);
    }

    // ---- pages, roots, generations --------------------------------------------------------------

    private void generation(long gen, long line, long fastZapLine) {
        if (gen < 0) {
            return;
        }
        long[] g = generations.get(gen);
        if (g == null) {
            generations.put(gen, g = new long[] { line, line, 0, 0 });
        }
        g[1] = line;
        if (fastZapLine != 0) {
            g[3] = fastZapLine;
        } else {
            g[2]++;
        }
    }

    private void getPage(TraceEvent e, MmuGetPage c) {
        MmuPage g = c.page();
        generation(g.gen(), e.line(), 0);
        if (c.created()) {
            pagesCreated++;
        } else {
            pagesExisting++;
        }
        int as = g.asId();
        if (g.looksLikeTdpRoot()) {
            if (!c.created()) {
                for (int i = roots.size() - 1; i >= 0; i--) {
                    InferredRoot r = roots.get(i);
                    if (r.asId() == as && g.role().equals(r.role()) && r.gen() == g.gen()) {
                        return; // an existing root was looked up again
                    }
                }
            }
            InferredRoot displaced = currentRoot.get(as);
            InferredRoot r = newRoot(as, g.level(), g, e.line(), "kvm_mmu_get_page " + (c.created() ? "new"
                    : "existing") + ": direct level-" + g.level() + " page for gfn 0 in as " + as);
            if (c.created() && announcedRootByPid.size() < 4096) {
                announcedRootByPid.put(e.prefix().pid(), r);
            }
            if (g.text() == MmuPage.Text.KERNEL && freshRootByPid.size() < 4096) {
                freshRootByPid.put(e.prefix().pid(), new FreshRoot(r, displaced));
            }
            return;
        }
        if (!isTdpTable(g)) {
            shadowPages++;
            return;
        }
        long k = key(as, g.level(), g.gfn());
        PageTable t = byRange.get(k);
        if (c.created() || t == null) {
            if (t != null && !t.hpaKnown() && t.parent == null && t.tracedEntries() == 0) {
                retire(t); // announced earlier but never linked: superseded by this page
            }
            t = newTable(-1, as, g.level(), g.gfn(), e.line());
            byRange.put(k, t);
        }
        t.page = g;
        if (c.created()) {
            t.createdLine = e.line();
        }
    }

    /** A direct page whose gfn is aligned to its range: a TDP MMU (or direct shadow) page table. */
    private static boolean isTdpTable(MmuPage g) {
        return g.direct() && g.gfn() >= 0 && g.level() >= 1 && g.level() <= 5
                && g.gfn() == Sptes.tableBase(g.level(), g.gfn());
    }

    private void prepareZap(TraceEvent e, MmuPage g) {
        prepareZaps++;
        generation(g.gen(), e.line(), 0);
        if (!isTdpTable(g)) {
            return; // trace-cmd's text has no gfn; shadow pages are not tables here
        }
        long k = key(g.asId(), g.level(), g.gfn());
        PageTable t = byRange.get(k);
        if (t == null) {
            t = newTable(-1, g.asId(), g.level(), g.gfn(), e.line());
            byRange.put(k, t);
        }
        if (t.page == null) {
            t.page = g;
        }
        t.prepareZapLine = e.line();
    }

    private void fastZap(TraceEvent e, MmuZapAllFast c) {
        int n = 0;
        lastFastZapPid = e.prefix().pid();
        for (InferredRoot r : currentRoot.values()) {
            if (r.invalidatedLine == 0 && !r.exact()) { // exact roots: tdpscope_invalidate_roots says which
                r.invalidatedLine = e.line();
                r.invalidatedGen = c.gen();
                n++;
            }
        }
        fastZaps.add(new FastZap(c.gen(), c.usedPages(), e.line(), e.timestampNs(), n));
        generation(c.gen(), e.line(), e.line());
    }

    // ---- exact roots: the root records of docs/capture ------------------------------------------

    private static long taskAs(int pid, int as) {
        return (long) pid << 8 | (as & 0xff);
    }

    private static int count(RootFields f) {
        return f.count() == null ? -1 : (int) Math.max(-1, Math.min(Integer.MAX_VALUE, f.count()));
    }

    private static void step(InferredRoot r, TraceEvent e, String op, int before, int after) {
        r.step(new InferredRoot.Step(e.line(), e.timestampNs(), op, before, after, e.prefix().task()));
    }

    private void rootRecord(TraceEvent e, Payload p) {
        rootRecords++;
        int pid = e.prefix().pid();
        if (p instanceof RootAlloc a) {
            alloc(e, a);
        } else if (p instanceof RootNext n) {
            if (n.root().walkEnded()) {
                walkRoot.remove(pid);
                return;
            }
            InferredRoot r = exactRoot(e, n.root(), "tdp_mmu_next_root");
            if (r != null) {
                step(r, e, "next_root", -1, count(n.root()));
                walkRoot.put(pid, r);
            }
        } else if (p instanceof RootPut u) {
            InferredRoot r = exactRoot(e, u.root(), "kvm_tdp_mmu_put_root");
            if (r == null) {
                return;
            }
            int before = count(u.root());
            step(r, e, "put_root", before, before > 0 ? before - 1 : -1);
            if (walkRoot.get(pid) == r) {
                walkRoot.remove(pid); // the walker moves on (next_root puts the previous root) or is done
            }
            if (before == 1) {
                lastPut(e, r, u.root());
            }
        } else if (p instanceof RootZap z) {
            InferredRoot r = z.root().named() ? exactRoot(e, z.root(), "tdp_mmu_zap_root") : walkRoot.get(pid);
            if (r == null) {
                return;
            }
            int c = count(z.root());
            if (z.done()) {
                r.zapEndLine = e.line();
                step(r, e, "zap_root_done", c, c);
            } else {
                r.zapStartLine = e.line();
                r.zapEndLine = 0;
                step(r, e, "zap_root", c, c);
                walkRoot.put(pid, r);
            }
        } else if (p instanceof RootsInvalidate v) {
            invalidate(e, v);
        } else if (p instanceof RootsZapInvalidated z) {
            if (z.done()) {
                walkRoot.remove(pid);
            }
        } else if (p instanceof RootLoad l) {
            InferredRoot r = exactByHpa.get(l.hpa());
            pendingLoadByPid.remove(pid); // a later load of the task's supersedes one not resolved yet
            Long unnamed = unnamedAllocByPid.remove(pid);
            if (r == null && unnamed != null) {
                // the task's alloc record named no root (return probes without $arg): the root it loads is that
                // one, so its address is known from here (docs/capture, attribution)
                InferredRoot mine = vcpuRoot.get(taskAs(pid, 0));
                RootFields f = new RootFields(null, null, l.hpa(), null, null, null, null);
                if (mine != null && !mine.exact() && !mine.freed() && mine.invalidatedLine == 0 && (l.level() == null
                        || l.level() == mine.level())) {
                    mine.makeExact(e.line(), "named by the load_pgd record at line " + e.line() + " of the task "
                            + "whose alloc record at line " + unnamed + " named none");
                    liveExact.add(mine);
                    r = mine;
                } else {
                    r = newExactRoot(e, f, "load_pgd record at line " + e.line() + ": the root the task loads after "
                            + "its alloc record at line " + unnamed + " named none", true);
                }
                update(r, e, f, l.hpa(), 0);
            }
            if (r == null) {
                // a root not seen yet (or a nested/shadow root): a root the task's next top-level SPTE change
                // makes the importer infer is the one it loaded
                if (pendingLoadByPid.size() < 4096) {
                    pendingLoadByPid.put(pid, new PendingLoad(l, e.line()));
                }
                return;
            }
            vcpuRoot.put(taskAs(pid, r.asId()), r);
            r.addUser(e.prefix().task());
            step(r, e, "load_pgd", -1, -1);
        }
    }

    /** kvm_tdp_mmu_alloc_root / kvm_tdp_mmu_get_vcpu_root_hpa returned a root to a vCPU task. */
    private void alloc(TraceEvent e, RootAlloc a) {
        int pid = e.prefix().pid();
        RootFields f = a.root();
        learnPageOffset(e, f);
        long hpa = physical(f);
        long sp = f.sp() == null ? 0 : f.sp();
        InferredRoot r = lookup(hpa, sp);
        InferredRoot announced = announcedRootByPid.remove(pid);
        walkRoot.remove(pid); // the alloc's own search of the root list is over
        pendingLoadByPid.remove(pid); // a new alloc of the task's supersedes what its earlier records left open
        unnamedAllocByPid.remove(pid);
        if (r == null && announced != null && !announced.exact() && !announced.freed()
                && (f.level() < 1 || f.level() == announced.level())) {
            r = announced; // kvm_mmu_get_page of the new root, then this return, on the same task
            r.makeExact(e.line(), "named by the alloc record at line " + e.line() + " of the same task");
            liveExact.add(r);
        } else if (r == null) {
            if (!f.named()) { // an alloc record that printed no root (6.9: return probes cannot read arguments)
                if (unnamedAllocByPid.size() < 4096) {
                    unnamedAllocByPid.put(pid, e.line()); // the task's next load_pgd names it
                }
                if (announced != null) {
                    vcpuRoot.put(taskAs(pid, announced.asId()), announced);
                    announced.addUser(e.prefix().task());
                }
                return;
            }
            r = newExactRoot(e, f, "alloc record at line " + e.line() + " returned a root not seen before "
                    + "(reused, or created before the trace)", true);
        }
        update(r, e, f, hpa, sp);
        step(r, e, "alloc_root", -1, count(f));
        r.addUser(e.prefix().task());
        vcpuRoot.put(taskAs(pid, r.asId()), r);
    }

    /** The last reference went: on an invalid root the put unlinks and frees it. */
    private void lastPut(TraceEvent e, InferredRoot r, RootFields f) {
        if (Boolean.FALSE.equals(f.invalidNow())) {
            // 5.16/5.17 zap and free it, 5.18-6.3 make it "defunct" (invalid, refcount 1, queued), 6.4+ KVM_BUG_ON
            diag.warn(e.line(), "", "last reference of the valid " + r.table().label() + " dropped: freed on 5.16/5.17"
                    + ", made defunct (invalid, refcount 1, queued for zapping) on 5.18-6.3, a KVM bug on 6.4+");
            if (r.invalidatedLine == 0) {
                r.invalidatedLine = e.line();
            }
            return;
        }
        r.freedLine = e.line();
        liveExact.remove(r);
        if (r.hpa() != -1) {
            exactByHpa.remove(r.hpa(), r);
        }
        if (r.sp() != 0) {
            exactBySp.remove(r.sp(), r);
        }
        walkRoot.values().removeIf(x -> x == r);
        vcpuRoot.values().removeIf(x -> x == r);
        byRange.remove(key(r.asId(), r.level(), 0), r.table());
        if (currentRoot.get(r.asId()) == r) {
            currentRoot.remove(r.asId());
            InferredRoot x = latestExact(r.asId(), r.level(), r);
            if (x != null) {
                currentRoot.put(x.asId(), x);
                byRange.put(key(x.asId(), x.level(), 0), x.table());
            }
        }
    }

    /** kvm_tdp_mmu_invalidate_roots: every valid root of the given types becomes invalid here. */
    private void invalidate(TraceEvent e, RootsInvalidate v) {
        Long types = v.types();
        boolean afterFastZap = lastFastZapPid == e.prefix().pid() && !fastZaps.isEmpty();
        int n = 0;
        for (InferredRoot r : liveExact) {
            if (r.freed() || r.invalidatedLine != 0) {
                continue;
            }
            if (types != null) { // KVM_DIRECT_ROOTS = 2, KVM_MIRROR_ROOTS = 4
                boolean mirror = r.roleWord() != -1 && (r.roleWord() & 1L << 19) != 0;
                if ((types & (mirror ? 4 : 2)) == 0) {
                    continue;
                }
            }
            r.invalidatedLine = e.line();
            if (afterFastZap) {
                r.invalidatedGen = fastZaps.get(fastZaps.size() - 1).gen();
            }
            step(r, e, "invalidate_roots", r.refcount(), r.refcount());
            n++;
        }
        if (afterFastZap) { // kvm_mmu_zap_all_fast calls it in the same critical section
            FastZap z = fastZaps.get(fastZaps.size() - 1);
            fastZaps.set(fastZaps.size() - 1, new FastZap(z.gen(), z.usedPages(), z.line(), z.timestampNs(),
                    z.rootsInvalidated() + n));
            lastFastZapPid = -1;
        }
    }

    private void learnPageOffset(TraceEvent e, RootFields f) {
        long pob = -1;
        if (f.pob() != null) {
            pob = f.pob();
        } else if (f.hpa() != null && f.spt() != null && f.spt() != 0) {
            pob = f.spt() - f.hpa(); // kvm-roots.bt prints both
        }
        if (pob != -1 && pob != pageOffsetBase) {
            if (pageOffsetBase != -1) {
                diag.warn(e.line(), "", "page_offset_base 0x" + Long.toHexString(pob) + " differs from 0x"
                        + Long.toHexString(pageOffsetBase) + " of earlier root records (another boot?)");
            }
            pageOffsetBase = pob;
        }
    }

    /** Physical address of the root's table: printed, or spt minus the (learned) page_offset_base. */
    private long physical(RootFields f) {
        long hpa = f.physical();
        if (hpa == -1 && f.spt() != null && f.spt() != 0 && pageOffsetBase != -1) {
            hpa = f.spt() - pageOffsetBase;
        }
        return hpa;
    }

    private InferredRoot lookup(long hpa, long sp) {
        InferredRoot r = hpa != -1 ? exactByHpa.get(hpa) : null;
        if (r == null && sp != 0) {
            r = exactBySp.get(sp);
            if (r != null && r.hpa() != -1 && hpa != -1 && r.hpa() != hpa) {
                r = null; // the struct names another table: not the same root
            }
        }
        return r;
    }

    /** The exact root a record names, created when not seen before; null when the record names none. */
    private InferredRoot exactRoot(TraceEvent e, RootFields f, String function) {
        learnPageOffset(e, f);
        long hpa = physical(f);
        long sp = f.sp() == null ? 0 : f.sp();
        InferredRoot r = lookup(hpa, sp);
        if (r == null) {
            if (!f.named()) {
                return null;
            }
            r = newExactRoot(e, f, function + " named a root not seen before (it existed before the trace, or its "
                    + "alloc was not traced)", false);
        }
        update(r, e, f, hpa, sp);
        return r;
    }

    private InferredRoot newExactRoot(TraceEvent e, RootFields f, String reason, boolean current) {
        int as = f.asId() >= 0 ? f.asId() : 0;
        int level = f.level() >= 4 ? f.level() : Math.max(4, topLevel[as & 0xf]);
        InferredRoot prev = currentRoot.get(as);
        InferredRoot r = newRoot(as, level, null, e.line(), reason + (f.role() == null ? "; this record has no role "
                + "word: as " + as + " and level " + level + " assumed until one gives it" : ""));
        r.makeExact(e.line(), null);
        liveExact.add(r);
        if (!current && prev != null && !prev.freed()) { // an old root met in a walk is not the newest one
            currentRoot.put(as, prev);
            byRange.put(key(as, prev.level(), 0), prev.table());
        }
        return r;
    }

    /** Takes what the record adds about {@code r}: role, addresses, invalidation, refcount. */
    private void update(InferredRoot r, TraceEvent e, RootFields f, long hpa, long sp) {
        if (!r.exact()) {
            r.makeExact(e.line(), "named by a root record at line " + e.line());
            liveExact.add(r);
        }
        if (f.role() != null) {
            r.roleWord = f.role();
            int as = f.asId();
            if (as != r.asId() && as < 16) {
                moveRoot(r, as, "as " + as + " from role.smm of the root record at line " + e.line());
            }
            int level = f.level();
            if (level >= 1 && level <= 5 && level != r.level()) {
                if (r.table().tracedEntries() == 0) {
                    PageTable old = r.table();
                    byRange.remove(key(r.asId(), old.level(), 0), old);
                    retire(old);
                    PageTable t = newTable(-1, r.asId(), level, 0, e.line());
                    t.root = r;
                    r.setTable(t, level);
                    if (currentRoot.get(r.asId()) == r) {
                        byRange.put(key(r.asId(), level, 0), t);
                    }
                    if (level > topLevel[r.asId() & 0xf]) {
                        topLevel[r.asId() & 0xf] = level;
                    }
                } else {
                    diag.warn(e.line(), "", "root record says level " + level + " for " + r.table().label()
                            + ", which holds level-" + r.level() + " SPTEs; kept at " + r.level());
                }
            }
        }
        if (hpa != -1 && r.hpa() == -1) {
            r.hpa = hpa;
            exactByHpa.put(hpa, r);
            PageTable stale = byHpa.get(hpa);
            if (stale != null && stale != r.table()) {
                retire(stale); // a freed table's page now holds this root
            }
            r.table().setHpa(hpa);
            byHpa.put(hpa, r.table());
        } else if (hpa == -1 && r.hpa() == -1 && !warnedNoAddress) {
            warnedNoAddress = true;
            diag.warn(e.line(), "", "root records print no physical address (no hpa=, no pob=): roots are named by "
                    + "their kvm_mmu_page pointer, and alloc/load records cannot be matched to them");
        }
        if (sp != 0 && r.sp() == 0) {
            r.sp = sp;
            exactBySp.put(sp, r);
        }
        if (f.spt() != null && f.spt() != 0) {
            r.spt = f.spt();
        }
        if (Boolean.TRUE.equals(f.invalidNow()) && r.invalidatedLine == 0) {
            r.invalidatedLine = e.line(); // no invalidate record came before: first record that shows it
        }
    }

    /** Moves a root to address space {@code as} (a page text prints no smm; the role word does). */
    private void moveRoot(InferredRoot r, int as, String why) {
        int was = r.asId();
        PageTable t = r.table();
        byRange.remove(key(was, r.level(), 0), t);
        if (currentRoot.get(was) == r) {
            currentRoot.remove(was);
            InferredRoot x = latestExact(was, r.level(), r);
            if (x != null) {
                currentRoot.put(was, x);
                byRange.put(key(was, x.level(), 0), x.table());
            }
        }
        r.rehome(as, why);
        t.asId = as;
        byRange.put(key(as, r.level(), 0), t);
        currentRoot.put(as, r);
        if (r.level() > topLevel[as & 0xf]) {
            topLevel[as & 0xf] = r.level();
        }
    }

    /** The root a task works on at (as, level): its walk's or zap's root, else its vCPU root. */
    private InferredRoot knownRootOf(int pid, int as, int level) {
        InferredRoot r = walkRoot.get(pid);
        if (r != null && r.asId() == as && r.level() == level && !r.freed()) {
            return r;
        }
        r = vcpuRoot.get(taskAs(pid, as));
        if (r != null && r.asId() == as && r.level() == level && !r.freed() && r.invalidatedLine == 0) {
            return r;
        }
        return null;
    }

    /** The newest exact root of (as, level) that is valid and not freed, other than {@code not}; or null. */
    private InferredRoot latestExact(int as, int level, InferredRoot not) {
        for (int i = liveExact.size() - 1; i >= 0; i--) {
            InferredRoot r = liveExact.get(i);
            if (r != not && !r.freed() && r.invalidatedLine == 0 && r.asId() == as && r.level() == level) {
                return r;
            }
        }
        return null;
    }

    // ---- queries --------------------------------------------------------------------------------

    /** Inferred roots in order of inference. */
    public List<InferredRoot> roots() {
        return Collections.unmodifiableList(roots);
    }

    /** Every page table seen, roots included, in order of first sight (minus retired ones). */
    public List<PageTable> tables() {
        return List.copyOf(tables.values());
    }

    /**
     * Tables with neither a root nor a traced parent: the tops of what a capture shows below its roots (it starts
     * below the top level, or the SPTEs above were not traced), in order of first sight. The views, the
     * {@code --xmi} model and the page-table picture keep them under a "?" root.
     */
    public List<PageTable> unrootedTables() {
        List<PageTable> out = new ArrayList<>();
        for (PageTable t : tables.values()) {
            if (t.parent() == null && t.root() == null) {
                out.add(t);
            }
        }
        return out;
    }

    /** Freed tables forgotten because their page was reused for a new table. */
    public long retiredTables() {
        return retiredTables;
    }

    /** The table at host physical address {@code hpa}, or null. */
    public PageTable table(long hpa) {
        return byHpa.get(hpa);
    }

    /** The latest table with entries at {@code level} covering {@code gfn} in {@code as}, or null. */
    public PageTable tableCovering(int as, int level, long gfn) {
        return level < 1 || level > 5 ? null : byRange.get(key(as, level, Sptes.tableBase(level, gfn)));
    }

    /** The traced SPTE at (gfn, level) in {@code as}, with the line that last set it; null if never traced. */
    public SpteRef spte(int as, long gfn, int level) {
        PageTable t = tableCovering(as, level, gfn);
        if (t == null) {
            return null;
        }
        int idx = Sptes.index(level, gfn);
        if (!t.traced(idx)) {
            return null;
        }
        return new SpteRef(t, idx, level, t.gfnOf(idx), t.spte(idx), t.setBy(idx));
    }

    /** Children of {@code parent} that are still linked to it, by index. */
    public SortedMap<Integer, PageTable> children(PageTable parent) {
        SortedMap<Integer, PageTable> m = new TreeMap<>();
        for (PageTable t : tables.values()) {
            if (t.parent == parent && t.state() == PageTable.State.LIVE && parent.traced(t.parentIndex)
                    && Sptes.isTable(parent.spte(t.parentIndex), parent.level())
                    && Sptes.hpa(parent.spte(t.parentIndex)) == t.hpa()) {
                m.put(t.parentIndex, t);
            }
        }
        return m;
    }

    /** Root records of the capture recipe (docs/capture) read; when non-zero, roots they named are exact. */
    public long rootRecords() {
        return rootRecords;
    }

    /** The kernel's page_offset_base as the root records printed or implied it, -1 if unknown. */
    public long pageOffsetBase() {
        return pageOffsetBase;
    }

    /** The latest exact root whose page table is at physical address {@code hpa} (freed ones included), or null. */
    public InferredRoot exactRoot(long hpa) {
        for (int i = roots.size() - 1; i >= 0; i--) {
            if (roots.get(i).exact() && roots.get(i).hpa() == hpa) {
                return roots.get(i);
            }
        }
        return null;
    }

    public List<FastZap> fastZaps() {
        return Collections.unmodifiableList(fastZaps);
    }

    /** mmu_valid_gen values seen, ascending. */
    public List<Generation> generations() {
        List<Generation> l = new ArrayList<>();
        generations.forEach((gen, g) -> l.add(new Generation(gen, g[0], g[1], g[2], g[3])));
        return l;
    }

    /** MMIO SPTEs by gfn (at most {@link #MAX_KEPT}). */
    public Map<Long, MmioSpte> mmioSptes() {
        return Collections.unmodifiableMap(mmio);
    }

    /** Huge-page splits (at most {@link #MAX_KEPT}). */
    public List<Split> splits() {
        return Collections.unmodifiableList(splits);
    }

    /** CPU lanes by CPU number. */
    public Map<Integer, Lane> cpuLanes() {
        return Collections.unmodifiableMap(cpuLanes);
    }

    /** Task lanes by pid, in order of first appearance. */
    public Map<Integer, Lane> taskLanes() {
        return Collections.unmodifiableMap(taskLanes);
    }

    /** Events per tracepoint name (unknown ones included). */
    public Map<String, Long> eventCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), eventCounts[i]);
        }
        return m;
    }

    /** What the trace shows of its paging (EPT or NPT), and so how its SPTE bits are read. */
    public Paging.Evidence paging() {
        return paging;
    }

    /** Line counters and warnings (shared with the reader when built by {@link #read(TraceReader)}). */
    public TraceDiagnostics diagnostics() {
        return diag;
    }

    public long spteChanges() {
        return spteChanges;
    }

    public long setSptes() {
        return setSptes;
    }

    /** SPTE changes to the frozen marker (entries of tables being freed). */
    public long frozenWrites() {
        return frozenWrites;
    }

    /** SPTE changes whose old value differs from the last traced value (gaps, lost events, ambiguity). */
    public long spteMismatches() {
        return spteMismatches;
    }

    /** SPTEs already present when the trace first shows them: mapped before it began. */
    public long presentBefore() {
        return presentBefore;
    }

    /** Their gfns, lowest and highest ({@code [0]}, {@code [1]}), and the line of the first ({@code [2]}). */
    public long[] presentBeforeRange() {
        return new long[] { presentBeforeLo, presentBeforeHi, presentBeforeLine };
    }

    /** {@code kvm_page_fault} events. */
    public long pageFaults() {
        return pageFaults;
    }

    public long fastPageFaults() {
        return fastPageFaults;
    }

    public long fastPageFaultsFixed() {
        return fastPageFaultsFixed;
    }

    /** {@code kvm_mmu_spte_requested} events (TDP faults reaching kvm_tdp_mmu_map). */
    public long spteRequests() {
        return spteRequests;
    }

    /** spte_requested with the no-slot pfn: MMIO faults. */
    public long noSlotRequests() {
        return noSlotRequests;
    }

    public long mmioFaults() {
        return mmioFaults;
    }

    public long mmioChecks() {
        return mmioChecks;
    }

    public long splitCount() {
        return splitCount;
    }

    public long failedSplits() {
        return failedSplits;
    }

    /** {@code kvm_unmap_hva_range} events. */
    public long unmaps() {
        return unmaps;
    }

    /** Bytes of host virtual address space the unmaps covered. */
    public long unmapBytes() {
        return unmapBytes;
    }

    public long ageEvents() {
        return ageEvents;
    }

    /** {@code kvm_mmu_get_page ... new}. */
    public long pagesCreated() {
        return pagesCreated;
    }

    /** {@code kvm_mmu_get_page ... existing}. */
    public long pagesExisting() {
        return pagesExisting;
    }

    public long prepareZaps() {
        return prepareZaps;
    }

    /** Page events for indirect (shadow) or unaligned pages, which are not TDP tables. */
    public long shadowPages() {
        return shadowPages;
    }
}
