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
 * A faulting walk says which check failed on which entry ({@link TwoDResult#check()},
 * {@link TwoDResult#failingReference()}) and, for an EPT violation, what its exit qualification needs: the access
 * asked of the EPT and the permissions ANDed over the entries walked ({@link EptExitQualification}).
 * <p>
 * Not thread-safe: with {@code record=false} it allocates nothing and returns its reusable result.
 */
public final class TwoDimensionalWalk {
    private final TdpMmu mmu;
    private final HostMemory mem;
    private final int eptLevels;
    private final boolean eptAd;
    private boolean updateEptAd = true;

    /*
     * How an entry is found from its hpa. None of this is a TLB or a paging-structure cache: every reference is still
     * made, read from memory and counted; the caches only say which Java array holds the entry. The walk is a chain
     * of 24 dependent loads, so any extra load on the way from one entry to the next costs as much as the reference
     * itself; these caches keep the chain close to a C walker's, where the hpa is the address.
     *
     * Per "slot" (EPT levels 1..5 at 1..5, guest levels 1..5 at 6..10, other reads at 0) the array last used there:
     * the upper tables are the same for every walk and EPT tables sit side by side in memory, so the check mostly
     * hits and the entry is one load away. Dense layout (HostMemory#denseSlabs): the array is a slab of 64 pages, a
     * miss is one more load. Paged layout (after a fork): the array is one page, and a miss goes through the
     * direct-mapped hpfn -> page cache (pcKey/pcPage) before HostMemory's chunks.
     */
    private static final int SLOTS = 11;
    private static final int GUEST_SLOT = 5;
    private static final int SLAB_ENTRY_MASK = (1 << (HostMemory.SLAB_SHIFT + 9)) - 1;
    private final long[] slotKey = new long[SLOTS];
    private final long[][] slotArray = new long[SLOTS][];
    /** The same for {@link #ept4}, one field a level: constant offsets and no bounds checks on the hot path. */
    private long key1 = -1, key2 = -1, key3 = -1, key4 = -1;
    private long[] slab1, slab2, slab3, slab4;
    /** Whether the memory was in the dense layout when the cache was last checked. */
    private boolean dense;
    /** Paged layout: direct-mapped cache hpfn -> page array of live, materialized pages. */
    private final long[] pcKey;
    private final long[][] pcPage;
    private long pcFreed = -1; // HostMemory.remaps() when the caches were last emptied

    private final TwoDResult scratch = new TwoDResult();
    private TwoDResult r;
    private boolean record;
    private int refCount;
    private int lastEptPerms; // R/W/X over the last EPT translation that reached a leaf
    private int deniedLeaf; // set by eptDenyingLevel
    private final long[] guestEntryGpa = new long[5];
    private final long[] guestEntryHpa = new long[5];
    private final long[] guestEntry = new long[5];
    private final int[] guestEntryPerms = new int[5];
    /** The reference number of each guest entry read, for naming the failing one. */
    private final int[] guestEntryRef = new int[5];

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

    /**
     * Empties the array caches if a page was freed or copied (copy on write) or the layout changed since they were
     * filled (a freed page must be read through HostMemory, which counts the use-after-free).
     */
    private void dropCacheIfRemapped() {
        dense = mem.isDense(); // the first copy changes the layout
        if (mem.remaps() != pcFreed) {
            Arrays.fill(pcKey, -1);
            Arrays.fill(pcPage, null);
            Arrays.fill(slotKey, -1);
            Arrays.fill(slotArray, null);
            key1 = key2 = key3 = key4 = -1;
            slab1 = slab2 = slab3 = slab4 = null;
            pcFreed = mem.remaps();
        }
    }

    public TwoDResult translate(long rootHpfn, CpuRegs regs, long gva, int access, boolean record) {
        TwoDResult res = record ? new TwoDResult() : scratch;
        res.reset();
        res.refs = record ? new ArrayList<>(40) : null;
        res.access = access;
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
            r.check = TwoDResult.Check.NON_CANONICAL;
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
            long e = load(GUEST_SLOT + level, ehpa);
            ref(level, 0, egpa, ehpa, e);
            guestEntryGpa[walked] = egpa;
            guestEntryHpa[walked] = ehpa;
            guestEntry[walked] = e;
            guestEntryPerms[walked] = lastEptPerms;
            guestEntryRef[walked] = refCount;
            walked++;
            if ((e & GuestPte.P) == 0) {
                guestFault(GuestWalker.errorBase(access, regs), "guest entry not present",
                        TwoDResult.Check.GUEST_NOT_PRESENT, walked - 1, level);
                return;
            }
            long rsvd = e & GuestPte.reservedMask(level, (e & GuestPte.PS) != 0, nxe);
            if (rsvd != 0) {
                guestFault(GuestWalker.errorBase(access, regs) | GuestTranslation.PF_P | GuestTranslation.PF_RSVD,
                        "reserved bit set in guest entry", TwoDResult.Check.GUEST_RESERVED, walked - 1, level);
                r.failBit = 63 - Long.numberOfLeadingZeros(rsvd);
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
            int at = denyingGuestEntry(why, walked);
            guestFault(GuestWalker.errorBase(access, regs) | GuestTranslation.PF_P, GuestWalker.REASONS[why],
                    GUEST_CHECKS[why], at, levels - at);
            return;
        }
        // Guest A/D updates: each needs write permission on the guest table page in the EPT.
        boolean write = Access.isWrite(access) && !Access.isFetch(access);
        for (int i = 0; i < walked; i++) {
            long want = guestEntry[i] | GuestPte.A | (i == walked - 1 && write ? GuestPte.D : 0);
            if (want != guestEntry[i]) {
                if ((guestEntryPerms[i] & Spte.WRITABLE) == 0) {
                    eptFault(TwoDResult.Kind.EPT_VIOLATION, guestEntryGpa[i], levels - i, 0, (int) Spte.WRITABLE,
                            "guest A/D update to a write-protected guest table page");
                    r.check = TwoDResult.Check.EPT_GUEST_AD_UPDATE;
                    r.eptPerms = guestEntryPerms[i] & (int) Spte.RWX_MASK;
                    // the EPT entry denying W, among the references that translated this guest entry's gpa
                    int d = eptDenyingLevel(rootHpa, guestEntryGpa[i], (int) Spte.WRITABLE);
                    r.failLevel = d;
                    r.failRef = guestEntryRef[i] - 1 - (d - deniedLeaf);
                    return;
                }
                mem.write(guestEntryHpa[i], want);
                dropCacheIfRemapped();
            }
        }
        r.gpa = gpa;
        dataAccess(rootHpa, gpa, pageSize, dataNeed);
    }

    /** The 8-byte entry at {@code hpa}, through the array cached at {@code slot}. */
    private long load(int slot, long hpa) {
        if (!dense) {
            return loadPaged(slot, hpa);
        }
        long key = hpa >>> (12 + HostMemory.SLAB_SHIFT);
        long[] slab = slotKey[slot] == key ? slotArray[slot] : slab(slot, key);
        if (slab != null) {
            long v = slab[(int) (hpa >>> 3) & SLAB_ENTRY_MASK];
            if (v != HostMemory.POISON) {
                return v;
            }
        }
        return mem.read(hpa); // no slab: never written (0); poison: perhaps freed, which HostMemory counts
    }

    private long loadPaged(int slot, long hpa) {
        long hpfn = hpa >>> 12;
        long[] p = slotKey[slot] == hpfn ? slotArray[slot] : page(slot, hpfn);
        return p != null ? p[(int) (hpa >>> 3) & 511] : mem.read(hpa); // else unmaterialized (0) or freed (poison)
    }

    /** Dense layout: slab {@code key} (hpa >>> 18), or null if it does not exist. */
    private long[] slabAt(long key) {
        return mem.denseSlab(key);
    }

    /** Dense layout: slab {@code key}, now cached at {@code slot}, or null if it does not exist. */
    private long[] slab(int slot, long key) {
        long[] slab = slabAt(key);
        if (slab != null) {
            slotKey[slot] = key;
            slotArray[slot] = slab;
        }
        return slab;
    }

    /** Paged layout: the array of a materialized, live page, now cached at {@code slot}, or null. */
    private long[] page(int slot, long hpfn) {
        int i = (int) hpfn & (pcKey.length - 1);
        long[] p;
        if (pcKey[i] == hpfn) {
            p = pcPage[i];
        } else {
            p = mem.peekPage(hpfn); // the page's own array in this layout
            if (p == null) {
                return null;
            }
            pcKey[i] = hpfn;
            pcPage[i] = p;
        }
        slotKey[slot] = hpfn;
        slotArray[slot] = p;
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

    private static final TwoDResult.Check[] GUEST_CHECKS = { TwoDResult.Check.NONE,
            TwoDResult.Check.GUEST_USER_SUPERVISOR, TwoDResult.Check.GUEST_READ_ONLY,
            TwoDResult.Check.GUEST_READ_ONLY, TwoDResult.Check.GUEST_XD, TwoDResult.Check.GUEST_SMEP,
            TwoDResult.Check.GUEST_SMAP };

    /**
     * The walked guest entry (index in walk order) to blame for an access-rights fault: rights are combined over
     * all levels, so the highest entry whose bit denies it; for SMEP and SMAP (a user page) the leaf.
     */
    private int denyingGuestEntry(int why, int walked) {
        long bit;
        boolean set;
        switch (why) {
        case GuestWalker.USER_TO_SUPERVISOR:
            bit = GuestPte.US;
            set = false;
            break;
        case GuestWalker.USER_WRITE_RO:
        case GuestWalker.SUPERVISOR_WRITE_RO:
            bit = GuestPte.RW;
            set = false;
            break;
        case GuestWalker.FETCH_XD:
            bit = GuestPte.XD;
            set = true;
            break;
        default:
            return walked - 1;
        }
        for (int i = 0; i < walked; i++) {
            if (((guestEntry[i] & bit) != 0) == set) {
                return i;
            }
        }
        return walked - 1;
    }

    private void guestFault(int ec, String reason, TwoDResult.Check check, int entry, int level) {
        r.kind = TwoDResult.Kind.GUEST_PAGE_FAULT;
        r.errorCode = ec;
        r.reason = reason;
        r.check = check;
        r.failLevel = level;
        r.failRef = guestEntryRef[entry];
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
            record(0, guestLevel, eptLevel, gpa, hpa, value);
        }
    }

    /** Records the reference {@code ahead} places after the {@link #refCount} made so far. */
    private void record(int ahead, int guestLevel, int eptLevel, long gpa, long hpa, long value) {
        r.refs.add(new MemRef(refCount + ahead, guestLevel, eptLevel, gpa, hpa, value));
    }

    /**
     * Translates {@code gpa} through the EPT needing the {@code need} permission bits; returns the hpa, or -1 after
     * recording an EPT violation or misconfiguration in the result. The hot path is kept small so the compiler
     * inlines it into the walk, counts its references once at the end rather than one by one, and leaves the
     * leaf's checks and every fault out of line.
     */
    private long ept(long rootHpa, long gpa, int guestLevel, int need) {
        if (eptLevels == 4 && dense && !record) {
            return ept4(rootHpa, gpa, guestLevel, need);
        }
        return eptLoop(rootHpa, gpa, guestLevel, need);
    }

    /** {@link #ept} for any EPT, either layout, recording or not: a loop over the levels. */
    private long eptLoop(long rootHpa, long gpa, int guestLevel, int need) {
        long gfn = gpa >>> 12;
        long table = rootHpa;
        long perms = Spte.RWX_MASK;
        long allAccessed = Spte.ACCESSED; // so the A/D update (extra writes) happens only when a bit is missing
        for (int level = eptLevels;; level--) {
            long ehpa = table + 8L * Spte.index(gfn, level);
            long v = load(level, ehpa);
            int made = eptLevels - level + 1; // references made by this translation so far
            if (record) {
                record(made, guestLevel, level, gpa, ehpa, v);
            }
            boolean ps = (v & Spte.PAGE_SIZE) != 0;
            if ((v & Spte.RWX_MASK) == 0 || (v & (Spte.READABLE | Spte.WRITABLE)) == Spte.WRITABLE
                    || (ps && level >= 4)) {
                refCount += made;
                return eptBadEntry(v, gpa, guestLevel, level, need);
            }
            perms &= v;
            allAccessed &= v;
            if (level == 1 || ps) {
                refCount += made;
                return eptLeaf(rootHpa, v, level, perms, allAccessed, gpa, guestLevel, need);
            }
            table = v & Spte.PFN_MASK;
        }
    }

    /**
     * {@link #ept} for the common case, unrolled: a 4-level EPT in the dense layout, not recording. It takes only
     * tables and leaves that are present and well formed; at anything else (a fault, a freed page, a missing slab)
     * it goes back to {@link #ept}'s loop, which walks the same entries again and reports exactly what it finds.
     * Reading has no side effect until then, and the references are counted only once the leaf is reached.
     */
    private long ept4(long rootHpa, long gpa, int guestLevel, int need) {
        long gfn = gpa >>> 12;
        long v = fastLoad(4, rootHpa + ((gfn >>> 24) & 0xff8)); // 8 * index: (gfn >>> 27 & 511) << 3
        long perms = v;
        int level = 4;
        if (wellFormed(v) && (v & Spte.PAGE_SIZE) == 0) {
            v = fastLoad(3, (v & Spte.PFN_MASK) + ((gfn >>> 15) & 0xff8));
            perms &= v;
            level = 3;
            if (wellFormed(v) && (v & Spte.PAGE_SIZE) == 0) {
                v = fastLoad(2, (v & Spte.PFN_MASK) + ((gfn >>> 6) & 0xff8));
                perms &= v;
                level = 2;
                if (wellFormed(v) && (v & Spte.PAGE_SIZE) == 0) {
                    v = fastLoad(1, (v & Spte.PFN_MASK) + ((gfn << 3) & 0xff8));
                    perms &= v;
                    level = 1;
                }
            }
        }
        if (level == 4 || !wellFormed(v)) { // a huge or bad top-level entry, or a bad one below
            return eptLoop(rootHpa, gpa, guestLevel, need);
        }
        refCount += 5 - level;
        return eptLeaf(rootHpa, v, level, perms, perms & Spte.ACCESSED, gpa, guestLevel, need);
    }

    /** Present (some of R/W/X), not W without R, and not poison: an entry {@link #ept4} may go on from. */
    private static boolean wellFormed(long v) {
        return (v & Spte.RWX_MASK) != 0 && (v & (Spte.READABLE | Spte.WRITABLE)) != Spte.WRITABLE
                && v != HostMemory.POISON;
    }

    /** An entry read for {@link #ept4} at a constant level; {@link HostMemory#POISON} where its slab is missing. */
    private long fastLoad(int level, long hpa) {
        long key = hpa >>> (12 + HostMemory.SLAB_SHIFT);
        long[] slab;
        switch (level) {
        case 4:
            slab = key == key4 ? slab4 : cacheSlab(4, key);
            break;
        case 3:
            slab = key == key3 ? slab3 : cacheSlab(3, key);
            break;
        case 2:
            slab = key == key2 ? slab2 : cacheSlab(2, key);
            break;
        default:
            slab = key == key1 ? slab1 : cacheSlab(1, key);
        }
        return slab != null ? slab[(int) (hpa >>> 3) & SLAB_ENTRY_MASK] : HostMemory.POISON;
    }

    private long[] cacheSlab(int level, long key) {
        long[] slab = slabAt(key);
        if (slab == null) {
            return null;
        }
        switch (level) {
        case 4:
            key4 = key;
            slab4 = slab;
            break;
        case 3:
            key3 = key;
            slab3 = slab;
            break;
        case 2:
            key2 = key;
            slab2 = slab;
            break;
        default:
            key1 = key;
            slab1 = slab;
        }
        return slab;
    }

    private long eptBadEntry(long v, long gpa, int guestLevel, int level, int need) {
        if ((v & Spte.RWX_MASK) == 0) {
            eptFault(TwoDResult.Kind.EPT_VIOLATION, gpa, guestLevel, level, need, "EPT entry not present");
            r.check = TwoDResult.Check.EPT_NOT_PRESENT;
        } else {
            eptFault(TwoDResult.Kind.EPT_MISCONFIG, gpa, guestLevel, level, need, "EPT misconfiguration");
            boolean wo = (v & (Spte.READABLE | Spte.WRITABLE)) == Spte.WRITABLE;
            r.check = wo ? TwoDResult.Check.EPT_WRITE_WITHOUT_READ : TwoDResult.Check.EPT_LARGE_AT_TOP;
            r.failBit = wo && Spte.isMmio(v) ? 1 : -1;
        }
        r.eptPerms = 0; // the AND over the entries includes this one
        r.failLevel = level;
        r.failRef = refCount; // the references up to this entry are counted already
        return -1;
    }

    /** Reads an entry like {@link HostMemory#read}, but a freed page's read is not counted: this is no reference. */
    private long peek(long hpa) {
        long hpfn = hpa >>> 12;
        if (mem.isFreed(hpfn)) {
            return HostMemory.POISON;
        }
        long[] page = mem.peekPage(hpfn);
        return page == null ? 0 : page[(int) (hpa >>> 3) & (HostMemory.ENTRIES - 1)];
    }

    /**
     * The highest EPT level on {@code gpa}'s path whose entry lacks some of {@code need}; its leaf level goes to
     * {@link #deniedLeaf}. Walked again rather than tracked, so the fast path keeps no extra state (faults are rare).
     */
    private int eptDenyingLevel(long rootHpa, long gpa, int need) {
        long gfn = gpa >>> 12;
        long table = rootHpa;
        int denying = 0;
        for (int level = eptLevels;; level--) {
            long v = peek(table + 8L * Spte.index(gfn, level));
            if (denying == 0 && (v & need) != need) {
                denying = level;
            }
            if (level == 1 || (v & Spte.PAGE_SIZE) != 0 || (v & Spte.RWX_MASK) == 0) {
                deniedLeaf = level;
                return denying == 0 ? level : denying;
            }
            table = v & Spte.PFN_MASK;
        }
    }

    /** The leaf's memory type and the permissions over all levels; sets A/D; returns the hpa or -1. */
    private long eptLeaf(long rootHpa, long v, int level, long perms, long allAccessed, long gpa, int guestLevel,
            int need) {
        long mt = (v & Spte.MEMTYPE_MASK) >>> Spte.MEMTYPE_SHIFT;
        if (mt == 2 || mt == 3 || mt == 7) {
            eptFault(TwoDResult.Kind.EPT_MISCONFIG, gpa, guestLevel, level, need, "EPT reserved memory type");
            r.check = TwoDResult.Check.EPT_MEMORY_TYPE;
            r.failLevel = level;
            r.failBit = (int) mt;
            r.failRef = refCount;
            return -1;
        }
        if ((perms & need) != need) {
            eptFault(TwoDResult.Kind.EPT_VIOLATION, gpa, guestLevel, level, need, "EPT permission");
            r.check = TwoDResult.Check.EPT_PERMISSION;
            r.eptPerms = (int) (perms & Spte.RWX_MASK);
            int d = eptDenyingLevel(rootHpa, gpa, need);
            r.failLevel = d;
            r.failRef = refCount - (d - level); // refCount is the leaf's number
            return -1;
        }
        if (eptAd && updateEptAd && (allAccessed == 0 || ((need & Spte.WRITABLE) != 0
                && (v & Spte.DIRTY) == 0))) {
            setEptAd(rootHpa, gpa, level, (need & Spte.WRITABLE) != 0);
        }
        lastEptPerms = (int) (perms & Spte.RWX_MASK);
        long span = 1L << (12 + 9 * (level - 1));
        return ((v & Spte.PFN_MASK) & -span) | (gpa & (span - 1));
    }

    /**
     * Sets A on every EPT entry on {@code gpa}'s path (leaf at {@code leafLevel}) and D on the leaf for a write, as
     * the CPU does. The path is found again rather than remembered: the walk has just read it, nothing changed it
     * since, and not remembering keeps a store off every reference.
     */
    private void setEptAd(long rootHpa, long gpa, int leafLevel, boolean write) {
        long gfn = gpa >>> 12;
        long table = rootHpa;
        for (int level = eptLevels;; level--) {
            long hpa = table + 8L * Spte.index(gfn, level);
            long v = load(0, hpa);
            long want = v | Spte.ACCESSED | (level == leafLevel && write ? Spte.DIRTY : 0);
            if (want != v) {
                mem.write(hpa, want);
                dropCacheIfRemapped();
            }
            if (level == leafLevel) {
                return;
            }
            table = v & Spte.PFN_MASK;
        }
    }
}
