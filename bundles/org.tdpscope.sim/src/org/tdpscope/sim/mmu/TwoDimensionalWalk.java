/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * The hardware's two-dimensional walk (no TLB, no paging-structure caches): every guest table entry's gpa is first
 * translated through the EPT (one memory reference per EPT level), then the entry is read (one reference); the final
 * data gpa is translated through the EPT once more. With n guest levels over m EPT levels and no huge pages that is
 * (n+1)(m+1)-1 references; a huge leaf on either side ends its dimension early.
 * <p>
 * Guest-side semantics are those of {@link GuestWalker} (same checks and error codes). EPT side: an entry with
 * R=W=X=0 (including REMOVED_SPTE and access-tracked leaves) or lacking the needed permission (permissions are
 * ANDed over all levels) is an EPT violation; W without R (KVM's MMIO SPTE), PS at level 4/5, or a reserved memory
 * type is an EPT misconfiguration. With EPT A/D enabled, accesses to guest paging structures count as writes, as
 * on Intel hardware, and the walker sets EPT A (and D for writes) like the CPU; these hardware updates are not
 * reported to the {@link SpteObserver} ({@link #setUpdateEptAccessedDirty} turns them off). Guest A/D bits are set
 * once the guest translation has passed its checks, before the data gpa is translated; setting one needs EPT write
 * permission on the guest table page, else that is an EPT violation.
 * <p>
 * Not thread-safe: with {@code record=false} it allocates nothing and returns its reusable result.
 */
public final class TwoDimensionalWalk {
    private final TdpMmu mmu;
    private final HostMemory mem;
    private final int eptLevels;
    private final boolean eptAd;
    private boolean updateEptAd = true;

    /**
     * Direct-mapped cache hpfn -> page array. Not a TLB (every reference is still made and counted): it only spares
     * the chunked page-table lookup of {@link HostMemory}, which would otherwise put three more dependent loads on
     * each reference. Emptied whenever a page was freed (so reads of freed pages still go through HostMemory and are
     * counted there) or copied on write since it was filled.
     */
    private final long[] pcKey;
    private final long[][] pcPage;
    private long pcFreed = -1; // HostMemory.remaps() when the cache was last emptied
    /** The table page last used at each EPT / guest level: consecutive walks mostly share the upper levels. */
    private final long[] eptPathHpfn = new long[6];
    private final long[][] eptPathPage = new long[6][];
    private final long[] guestPathHpfn = new long[6];
    private final long[][] guestPathPage = new long[6][];

    private final TwoDResult scratch = new TwoDResult();
    private TwoDResult r;
    private boolean record;
    private int refCount;
    private boolean lastEptWritable;
    private final long[] eptEntryHpa = new long[5];
    private final long[] guestEntryGpa = new long[5];
    private final long[] guestEntryHpa = new long[5];
    private final long[] guestEntry = new long[5];
    private final boolean[] guestEntryWritable = new boolean[5];

    public TwoDimensionalWalk(TdpMmu mmu) {
        this.mmu = mmu;
        this.mem = mmu.memory();
        this.eptLevels = mmu.levels();
        this.eptAd = mmu.adEnabled();
        // room for twice the pages there are now (a simulated access: a few hundred; a benchmark: thousands)
        int size = Integer.highestOneBit((int) Math.max(32, Math.min(1 << 16, 2 * mem.materializedPages())) * 2 - 1);
        pcKey = new long[size];
        pcPage = new long[size][];
    }

    public TdpMmu mmu() {
        return mmu;
    }

    /** Whether the walker sets EPT A/D bits like the CPU does when EPT A/D is enabled (default true). */
    public void setUpdateEptAccessedDirty(boolean on) {
        this.updateEptAd = on;
    }

    /** Number of memory references a translation makes (fast path). */
    public int countReferences(long rootHpfn, CpuRegs regs, long gva, int access) {
        return translate(rootHpfn, regs, gva, access, false).references();
    }

    /** Empties the page-array cache if a page was freed or copied (copy on write) since it was filled. */
    private void dropCacheIfRemapped() {
        if (mem.remaps() != pcFreed) {
            Arrays.fill(pcKey, -1);
            Arrays.fill(pcPage, null);
            Arrays.fill(eptPathHpfn, -1);
            Arrays.fill(eptPathPage, null);
            Arrays.fill(guestPathHpfn, -1);
            Arrays.fill(guestPathPage, null);
            pcFreed = mem.remaps();
        }
    }

    public TwoDResult translate(long rootHpfn, CpuRegs regs, long gva, int access, boolean record) {
        TwoDResult res = record ? new TwoDResult() : scratch;
        res.reset();
        res.refs = record ? new ArrayList<>(40) : null;
        this.r = res;
        this.record = record;
        this.refCount = 0;
        dropCacheIfRemapped();
        walk(rootHpfn << 12, regs, gva, access);
        res.references = refCount;
        return res;
    }

    private void walk(long rootHpa, CpuRegs regs, long gva, int access) {
        int dataNeed = Access.isFetch(access) ? (int) Spte.EXECUTABLE
                : Access.isWrite(access) ? (int) Spte.WRITABLE : (int) Spte.READABLE;
        if (!regs.paging()) {
            dataAccess(rootHpa, gva, 4096, dataNeed);
            return;
        }
        GuestWalker.checkMode(regs);
        boolean la57 = regs.la57();
        if (!GuestWalker.canonical(gva, la57)) {
            r.kind = TwoDResult.Kind.NON_CANONICAL;
            r.reason = "non-canonical address";
            return;
        }
        int levels = la57 ? 5 : 4;
        boolean nxe = regs.nxe();
        int tableNeed = (int) (eptAd ? Spte.READABLE | Spte.WRITABLE : Spte.READABLE);
        long table = regs.cr3 & GuestPte.PFN_MASK;
        boolean allUser = true;
        boolean allWritable = true;
        boolean anyXd = false;
        int walked = 0;
        long gpa = 0;
        int pageSize = 0;
        for (int level = levels; level >= 1; level--) {
            long egpa = table + 8L * GuestPte.index(gva, level);
            long ehpa = ept(rootHpa, egpa, level, tableNeed);
            if (ehpa < 0) {
                return;
            }
            long hpfn = ehpa >>> 12;
            long[] p = guestPathHpfn[level] == hpfn ? guestPathPage[level] : guestPath(level, hpfn);
            long e = p != null ? p[(int) (ehpa >>> 3) & 511] : mem.read(ehpa);
            ref(level, 0, egpa, ehpa, e);
            guestEntryGpa[walked] = egpa;
            guestEntryHpa[walked] = ehpa;
            guestEntry[walked] = e;
            guestEntryWritable[walked] = lastEptWritable;
            walked++;
            if ((e & GuestPte.P) == 0) {
                guestFault(GuestWalker.errorBase(access, regs), "guest entry not present");
                return;
            }
            if ((e & GuestPte.reservedMask(level, (e & GuestPte.PS) != 0, nxe)) != 0) {
                guestFault(GuestWalker.errorBase(access, regs) | GuestTranslation.PF_P | GuestTranslation.PF_RSVD,
                        "reserved bit set in guest entry");
                return;
            }
            allUser &= (e & GuestPte.US) != 0;
            allWritable &= (e & GuestPte.RW) != 0;
            anyXd |= (e & GuestPte.XD) != 0;
            if (GuestPte.isLeaf(e, level)) {
                long size = GuestPte.pageSize(level);
                gpa = GuestPte.address(e, level) | (gva & (size - 1));
                pageSize = (int) size;
                break;
            }
            table = e & GuestPte.PFN_MASK;
        }
        int why = GuestWalker.checkAccess(access, regs, allUser, allWritable, anyXd);
        if (why != GuestWalker.OK) {
            guestFault(GuestWalker.errorBase(access, regs) | GuestTranslation.PF_P, GuestWalker.REASONS[why]);
            return;
        }
        // Guest A/D updates: each needs write permission on the guest table page in the EPT.
        boolean write = Access.isWrite(access) && !Access.isFetch(access);
        for (int i = 0; i < walked; i++) {
            long want = guestEntry[i] | GuestPte.A | (i == walked - 1 && write ? GuestPte.D : 0);
            if (want != guestEntry[i]) {
                if (!guestEntryWritable[i]) {
                    eptFault(TwoDResult.Kind.EPT_VIOLATION, guestEntryGpa[i], levels - i, 0, (int) Spte.WRITABLE,
                            "guest A/D update to a write-protected guest table page");
                    return;
                }
                mem.write(guestEntryHpa[i], want);
                dropCacheIfRemapped();
            }
        }
        r.gpa = gpa;
        dataAccess(rootHpa, gpa, pageSize, dataNeed);
    }

    /** An 8-byte read at {@code hpa}, through the page-array cache. */
    private long read(long hpa) {
        long[] p = array(hpa >>> 12);
        return p != null ? p[(int) (hpa >>> 3) & 511] : mem.read(hpa); // else unmaterialized (0) or freed (poison)
    }

    /** The page array of a materialized, live page (cached), or null. */
    private long[] array(long hpfn) {
        int i = (int) hpfn & (pcKey.length - 1);
        if (pcKey[i] == hpfn) {
            return pcPage[i];
        }
        long[] p = mem.peekPage(hpfn);
        if (p != null) {
            pcKey[i] = hpfn;
            pcPage[i] = p;
        }
        return p;
    }

    private long[] eptPath(int level, long hpfn) {
        long[] p = array(hpfn);
        if (p != null) {
            eptPathHpfn[level] = hpfn;
            eptPathPage[level] = p;
        }
        return p;
    }

    private long[] guestPath(int level, long hpfn) {
        long[] p = array(hpfn);
        if (p != null) {
            guestPathHpfn[level] = hpfn;
            guestPathPage[level] = p;
        }
        return p;
    }

    private void dataAccess(long rootHpa, long gpa, int pageSize, int need) {
        r.gpa = gpa;
        long hpa = ept(rootHpa, gpa, 0, need);
        if (hpa < 0) {
            return;
        }
        r.hpa = hpa;
        r.pageSize = pageSize;
        r.kind = TwoDResult.Kind.OK;
    }

    private void guestFault(int ec, String reason) {
        r.kind = TwoDResult.Kind.GUEST_PAGE_FAULT;
        r.errorCode = ec;
        r.reason = reason;
    }

    private void eptFault(TwoDResult.Kind kind, long gpa, int guestLevel, int eptLevel, int need, String reason) {
        r.kind = kind;
        r.faultGpa = gpa;
        r.faultGuestLevel = guestLevel;
        r.faultEptLevel = eptLevel;
        r.eptAccess = need;
        r.reason = reason;
    }

    private void ref(int guestLevel, int eptLevel, long gpa, long hpa, long value) {
        refCount++;
        if (record) {
            r.refs.add(new MemRef(refCount, guestLevel, eptLevel, gpa, hpa, value));
        }
    }

    /**
     * Translates {@code gpa} through the EPT needing the {@code need} permission bits; returns the hpa, or -1 after
     * recording an EPT violation or misconfiguration in the result.
     */
    private long ept(long rootHpa, long gpa, int guestLevel, int need) {
        long gfn = gpa >>> 12;
        long table = rootHpa;
        long perms = Spte.RWX_MASK;
        long allAccessed = Spte.ACCESSED; // so the A/D update (extra writes) happens only when a bit is missing
        for (int level = eptLevels; level >= 1; level--) {
            long ehpa = table + 8L * Spte.index(gfn, level);
            long hpfn = ehpa >>> 12;
            long[] p = eptPathHpfn[level] == hpfn ? eptPathPage[level] : eptPath(level, hpfn);
            long v = p != null ? p[(int) (ehpa >>> 3) & 511] : mem.read(ehpa);
            ref(guestLevel, level, gpa, ehpa, v);
            eptEntryHpa[level - 1] = ehpa;
            if ((v & Spte.RWX_MASK) == 0) {
                eptFault(TwoDResult.Kind.EPT_VIOLATION, gpa, guestLevel, level, need, "EPT entry not present");
                return -1;
            }
            boolean ps = (v & Spte.PAGE_SIZE) != 0;
            if ((v & (Spte.READABLE | Spte.WRITABLE)) == Spte.WRITABLE || (ps && level >= 4)) {
                eptFault(TwoDResult.Kind.EPT_MISCONFIG, gpa, guestLevel, level, need, "EPT misconfiguration");
                return -1;
            }
            perms &= v;
            allAccessed &= v;
            if (level == 1 || ps) {
                long mt = (v & Spte.MEMTYPE_MASK) >>> Spte.MEMTYPE_SHIFT;
                if (mt == 2 || mt == 3 || mt == 7) {
                    eptFault(TwoDResult.Kind.EPT_MISCONFIG, gpa, guestLevel, level, need, "EPT reserved memory type");
                    return -1;
                }
                if ((perms & need) != need) {
                    eptFault(TwoDResult.Kind.EPT_VIOLATION, gpa, guestLevel, level, need, "EPT permission");
                    return -1;
                }
                if (eptAd && updateEptAd && (allAccessed == 0 || ((need & Spte.WRITABLE) != 0
                        && (v & Spte.DIRTY) == 0))) {
                    setEptAd(level, v, (need & Spte.WRITABLE) != 0);
                }
                lastEptWritable = (perms & Spte.WRITABLE) != 0;
                long span = 1L << (12 + 9 * (level - 1));
                return ((v & Spte.PFN_MASK) & -span) | (gpa & (span - 1));
            }
            table = v & Spte.PFN_MASK;
        }
        throw new AssertionError("unreachable");
    }

    /** Sets A on every EPT entry used (leaf at {@code leafLevel}) and D on the leaf for a write, as the CPU does. */
    private void setEptAd(int leafLevel, long leaf, boolean write) {
        for (int level = eptLevels; level > leafLevel; level--) {
            long hpa = eptEntryHpa[level - 1];
            long v = read(hpa);
            if ((v & Spte.ACCESSED) == 0) {
                mem.write(hpa, v | Spte.ACCESSED);
                dropCacheIfRemapped();
            }
        }
        long want = leaf | Spte.ACCESSED | (write ? Spte.DIRTY : 0);
        if (want != leaf) {
            mem.write(eptEntryHpa[leafLevel - 1], want);
            dropCacheIfRemapped();
        }
    }
}
