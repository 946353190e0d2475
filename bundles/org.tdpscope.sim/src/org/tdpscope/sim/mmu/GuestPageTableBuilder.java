/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * Builds guest page tables in guest memory, as a guest kernel would, taking table pages from a gpa pool given by the
 * caller (which must lie in memslots). Intermediate entries are P|RW|US, so the leaf decides permissions, and have A
 * clear, so walks visibly set it. A non-executable leaf gets XD: with EFER.NXE=0 that is a reserved bit (the guest's
 * problem, as on hardware).
 */
public final class GuestPageTableBuilder {
    public static final int SIZE_4K = 4096;
    public static final int SIZE_2M = 2 << 20;
    public static final int SIZE_1G = 1 << 30;

    private final Memslots slots;
    private final int levels;
    private final long poolGpa;
    private final long poolPages;
    private long used;
    private final long root;

    public GuestPageTableBuilder(Memslots slots, int levels, long tablePoolGpa, long tablePoolPages) {
        if (levels != 4 && levels != 5) {
            throw new IllegalArgumentException("guest paging levels must be 4 or 5");
        }
        if ((tablePoolGpa & 0xfff) != 0) {
            throw new IllegalArgumentException("table pool must be page aligned");
        }
        this.slots = slots;
        this.levels = levels;
        this.poolGpa = tablePoolGpa;
        this.poolPages = tablePoolPages;
        this.root = allocTable();
    }

    /** CR3 value: the top-level table's gpa (PCID and PWT/PCD zero). */
    public long cr3() {
        return root;
    }

    public int levels() {
        return levels;
    }

    /** Table pages taken from the pool so far (including the top-level table). */
    public long tablePagesUsed() {
        return used;
    }

    /**
     * Maps [gva, gva+size) to [gpa, gpa+size) with pages of {@code pageSize} (4096, 2M or 1G); all three must be
     * aligned to it. Remapping an existing leaf of the same size overwrites it; a conflict with a table or a larger
     * leaf is an error.
     */
    public void map(long gva, long gpa, long size, int pageSize, boolean writable, boolean user, boolean exec,
            boolean global) {
        int leafLevel = pageSize == SIZE_4K ? 1 : pageSize == SIZE_2M ? 2 : pageSize == SIZE_1G ? 3 : 0;
        if (leafLevel == 0) {
            throw new IllegalArgumentException("page size " + pageSize);
        }
        long mask = pageSize - 1L;
        if ((gva & mask) != 0 || (gpa & mask) != 0 || (size & mask) != 0 || size <= 0) {
            throw new IllegalArgumentException("gva/gpa/size not aligned to the page size");
        }
        long flags = GuestPte.P | (writable ? GuestPte.RW : 0) | (user ? GuestPte.US : 0)
                | (leafLevel > 1 ? GuestPte.PS : 0) | (global ? GuestPte.G : 0) | (exec ? 0 : GuestPte.XD);
        for (long off = 0; off < size; off += pageSize) {
            long egpa = entryGpaCreate(gva + off, leafLevel);
            long old = slots.readGpa(egpa);
            if ((old & GuestPte.P) != 0 && !GuestPte.isLeaf(old, leafLevel)) {
                throw new IllegalStateException("gva 0x" + Long.toHexString(gva + off) + " already has a table at "
                        + GuestPte.levelName(leafLevel));
            }
            slots.writeGpa(egpa, ((gpa + off) & GuestPte.PFN_MASK) | flags);
        }
    }

    /** Writes a raw entry at {@code level} for {@code gva}, creating the tables above it (odd and reserved cases). */
    public void setRaw(long gva, int level, long value) {
        slots.writeGpa(entryGpaCreate(gva, level), value);
    }

    /** The entry at {@code level} on {@code gva}'s path, 0 if the path stops above it. */
    public long readEntry(long gva, int level) {
        long egpa = entryGpa(gva, level);
        return egpa < 0 ? 0 : slots.readGpa(egpa);
    }

    /** The gpa of the entry at {@code level} on {@code gva}'s path, -1 if the path stops above it. */
    public long entryGpa(long gva, int level) {
        long table = root;
        for (int l = levels; l > level; l--) {
            long e = slots.readGpa(table + 8L * GuestPte.index(gva, l));
            if ((e & GuestPte.P) == 0 || GuestPte.isLeaf(e, l)) {
                return -1;
            }
            table = e & GuestPte.PFN_MASK;
        }
        return table + 8L * GuestPte.index(gva, level);
    }

    private long entryGpaCreate(long gva, int level) {
        long table = root;
        for (int l = levels; l > level; l--) {
            long egpa = table + 8L * GuestPte.index(gva, l);
            long e = slots.readGpa(egpa);
            if ((e & GuestPte.P) == 0) {
                e = allocTable() | GuestPte.P | GuestPte.RW | GuestPte.US;
                slots.writeGpa(egpa, e);
            } else if (GuestPte.isLeaf(e, l)) {
                throw new IllegalStateException("gva 0x" + Long.toHexString(gva) + " is inside a huge page at "
                        + GuestPte.levelName(l));
            }
            table = e & GuestPte.PFN_MASK;
        }
        return table + 8L * GuestPte.index(gva, level);
    }

    private long allocTable() {
        if (used >= poolPages) {
            throw new IllegalStateException("guest page-table pool exhausted (" + poolPages + " pages)");
        }
        long gpa = poolGpa + (used++ << 12);
        long hpa = slots.hpaOf(gpa);
        if (hpa < 0) {
            throw new IllegalStateException("table pool gpa 0x" + Long.toHexString(gpa) + " is in no memslot");
        }
        slots.memory().zeroPage(hpa >>> 12);
        return gpa;
    }
}
