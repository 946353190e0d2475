/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The VM's memslots (one address space). Kept as an array sorted by base gfn so {@link #find} is a binary search
 * (plus a one-entry cache), which is what the fault path does millions of times when a big guest is populated.
 * Changes go to a map by base gfn and one by id (adding, moving and deleting cost O(log n), so a VM of 32,768
 * memslots is set up in linear time); the array is rebuilt from the map at the first lookup after a change.
 */
public final class Memslots {
    private static final Memslot[] NONE = new Memslot[0];
    /** Host backing is reserved with this alignment (1 GiB in pages) so guest and host huge-page offsets agree. */
    static final long HOST_ALIGN_PAGES = 1L << 18;

    private final HostMemory mem;
    /** The slots by base gfn and by id: what changes update (after {@link #unshare}). */
    private TreeMap<Long, Memslot> byBase = new TreeMap<>();
    private Map<Integer, Memslot> byId = new HashMap<>();
    /**
     * Whether the maps and slots may be shared with a copy: a copy shares them until either set changes (memslot
     * changes are rare; forks are many), and the first change then copies them.
     */
    private boolean shared;
    /** {@link #byBase} as arrays for the binary search of {@link #find}; null after a change until the next find. */
    private Index index = new Index(NONE, new long[0]);
    private long generation;
    private Memslot last;

    public Memslots(HostMemory mem) {
        this.mem = mem;
    }

    public HostMemory memory() {
        return mem;
    }

    /** An independent copy over {@code mem} (the copy of this set's memory), for a forked simulation. */
    public Memslots copy(HostMemory mem) {
        Memslots c = new Memslots(mem);
        c.byBase = byBase;
        c.byId = byId;
        c.index = index;
        c.generation = generation;
        c.shared = true;
        shared = true;
        return c;
    }

    /** Before a change: this set's own maps and slots (a {@link Memslot} is mutable), if they may be shared. */
    private void unshare() {
        if (!shared) {
            return;
        }
        TreeMap<Long, Memslot> base = new TreeMap<>();
        Map<Integer, Memslot> id = new HashMap<>();
        for (Memslot s : byBase.values()) {
            Memslot n = new Memslot(s.id(), s.baseGfn(), s.npages(), s.hostBasePfn(), s.readOnly(), s.dirtyLogging);
            base.put(n.baseGfn(), n);
            id.put(n.id(), n);
        }
        byBase = base;
        byId = id;
        index = null;
        last = null;
        shared = false;
    }

    /** Adds a slot whose host backing has the same 1G/2M alignment as its gfns (huge pages possible). */
    public Memslot add(int id, long baseGfn, long npages, boolean readOnly) {
        return add(id, baseGfn, npages, readOnly, 0);
    }

    /**
     * Adds a slot whose host backing is shifted by {@code hostMisalignPages} pages relative to the guest's huge-page
     * alignment (0 = aligned); a misaligned backing keeps the fault path at 4K.
     */
    public Memslot add(int id, long baseGfn, long npages, boolean readOnly, long hostMisalignPages) {
        if (npages <= 0 || baseGfn < 0 || baseGfn + npages < 0) {
            throw new IllegalArgumentException("bad slot geometry");
        }
        if (get(id) != null) {
            throw new IllegalArgumentException("duplicate memslot id " + id);
        }
        checkNoOverlap(-1, baseGfn, npages);
        unshare();
        long phase = Math.floorMod(baseGfn + hostMisalignPages, HOST_ALIGN_PAGES);
        long host = mem.reserveAligned(npages, HOST_ALIGN_PAGES, phase);
        Memslot s = new Memslot(id, baseGfn, npages, host, readOnly, false);
        install(s, null);
        return s;
    }

    /** Deletes a slot; its host backing stays reserved (userspace owns it) but is no longer guest-visible. */
    public void delete(int id) {
        unshare();
        Memslot old = existing(id);
        byBase.remove(old.baseGfn());
        byId.remove(id);
        changed();
    }

    /** Moves a slot to a new base gfn, keeping its host backing and flags. */
    public Memslot move(int id, long newBaseGfn) {
        unshare();
        Memslot old = existing(id);
        if (newBaseGfn < 0 || newBaseGfn + old.npages() < 0) {
            throw new IllegalArgumentException("bad slot geometry");
        }
        checkNoOverlap(id, newBaseGfn, old.npages());
        Memslot s = new Memslot(id, newBaseGfn, old.npages(), old.hostBasePfn(), old.readOnly(), old.dirtyLogging);
        install(s, old);
        return s;
    }

    public void setDirtyLogging(int id, boolean on) {
        unshare();
        existing(id).dirtyLogging = on;
        generation++;
    }

    /** The slot containing {@code gfn}, or null (the gfn is then MMIO). */
    public Memslot find(long gfn) {
        Memslot l = last;
        if (l != null && l.contains(gfn)) {
            return l;
        }
        Index x = index;
        if (x == null) {
            x = rebuild();
        }
        int i = Arrays.binarySearch(x.bases, gfn);
        if (i < 0) {
            i = -i - 2; // the slot with the greatest base <= gfn
        }
        if (i < 0) {
            return null;
        }
        Memslot s = x.sorted[i];
        if (!s.contains(gfn)) {
            return null;
        }
        last = s;
        return s;
    }

    /** The slot with this id, or null. */
    public Memslot get(int id) {
        return byId.get(id);
    }

    /** Bumped on every change; MMIO SPTEs carry it so stale ones can be recognised. */
    public long generation() {
        return generation;
    }

    /** How many slots there are. */
    public int size() {
        return byId.size();
    }

    /** The {@code i}-th slot by base gfn (0 to {@link #size()} - 1), without making a list (fingerprints). */
    public Memslot at(int i) {
        Index x = index;
        if (x == null) {
            x = rebuild();
        }
        return x.sorted[i];
    }

    /** All slots sorted by base gfn. */
    public List<Memslot> all() {
        return Collections.unmodifiableList(new ArrayList<>(byBase.values()));
    }

    /**
     * Reads guest RAM at {@code gpa} (8-byte aligned) through the slot's host backing. A gpa in no slot reads as
     * all ones, like a read of non-existent physical memory on x86 (master abort).
     */
    public long readGpa(long gpa) {
        Memslot s = find(gpa >>> 12);
        if (s == null) {
            return -1L;
        }
        return mem.read((s.hpfnOf(gpa >>> 12) << 12) | (gpa & 0xfff));
    }

    /** Writes guest RAM at {@code gpa}; host-side, so read-only slots are writable here. No slot: an error. */
    public void writeGpa(long gpa, long value) {
        if ((gpa & 7) != 0) {
            throw new IllegalArgumentException("unaligned gpa 0x" + Long.toHexString(gpa));
        }
        Memslot s = find(gpa >>> 12);
        if (s == null) {
            throw new IllegalArgumentException("gpa 0x" + Long.toHexString(gpa) + " is in no memslot");
        }
        mem.write((s.hpfnOf(gpa >>> 12) << 12) | (gpa & 0xfff), value);
    }

    /** The host physical address backing {@code gpa}, or -1 if no slot contains it. */
    public long hpaOf(long gpa) {
        Memslot s = find(gpa >>> 12);
        return s == null ? -1 : (s.hpfnOf(gpa >>> 12) << 12) | (gpa & 0xfff);
    }

    private Memslot existing(int id) {
        Memslot s = byId.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no memslot " + id);
        }
        return s;
    }

    /** Slots are kept disjoint, so only the neighbours of the new range can overlap it. */
    private void checkNoOverlap(int ignoreId, long base, long npages) {
        Map.Entry<Long, Memslot> below = byBase.floorEntry(base + npages - 1);
        while (below != null) {
            Memslot s = below.getValue();
            if (s.endGfn() <= base) {
                return;
            }
            if (s.id() != ignoreId) {
                throw new IllegalArgumentException("overlaps " + s);
            }
            below = byBase.lowerEntry(below.getKey());
        }
    }

    private void install(Memslot s, Memslot replaced) {
        if (replaced != null) {
            byBase.remove(replaced.baseGfn());
        }
        byBase.put(s.baseGfn(), s);
        byId.put(s.id(), s);
        changed();
    }

    private void changed() {
        index = null;
        last = null;
        generation++;
    }

    /** The sorted slots and their bases, published together (a copy may read its original from another thread). */
    private record Index(Memslot[] sorted, long[] bases) {
    }

    private Index rebuild() {
        Memslot[] n = byBase.values().toArray(NONE);
        long[] b = new long[n.length];
        for (int i = 0; i < n.length; i++) {
            b[i] = n[i].baseGfn();
        }
        Index x = new Index(n, b);
        index = x;
        return x;
    }
}
