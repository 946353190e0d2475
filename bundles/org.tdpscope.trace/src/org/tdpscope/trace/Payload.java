/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

/**
 * The typed payload of one {@code kvmmmu} / {@code kvm} trace event: the fields of its {@code TP_printk}
 * text (FORMATS.md section 2 and 3). Field names follow the kernel's. Hex numbers are held as
 * unsigned 64-bit values in a {@code long}; {@code %p} pointers are hashed by the kernel and kept as
 * opaque strings.
 */
public sealed interface Payload {

    // ---- kvmmmu ---------------------------------------------------------------------------------

    /** {@code "as id %d gfn %llx level %d old_spte %llx new_spte %llx"} (handle_changed_spte). */
    record TdpMmuSpteChanged(int asId, long gfn, int level, long oldSpte, long newSpte) implements Payload {
    }

    /**
     * {@code "gfn %llx spte %llx (%s%s%s%s) level %d at %llx"}: a fault installed a leaf. {@code perm} is
     * the text between the parentheses ({@code rwx} or {@code rwxu}; {@code u} is absent when the MMU has
     * no user mask); {@code at} is the physical address of the SPTE itself.
     */
    record MmuSetSpte(long gfn, long spte, String perm, int level, long at) implements Payload {
        public boolean readable() {
            return perm.length() > 0 && perm.charAt(0) == 'r';
        }

        public boolean writable() {
            return perm.length() > 1 && perm.charAt(1) == 'w';
        }

        public boolean executable() {
            return perm.length() > 2 && perm.charAt(2) == 'x';
        }

        /** True/false when the user column was printed, null when it was not. */
        public Boolean user() {
            return perm.length() > 3 ? perm.charAt(3) == 'u' : null;
        }

        /** Physical address of the page-table page holding this SPTE. */
        public long tableHpa() {
            return at & ~0xfffL;
        }

        /** Index of this SPTE in its page-table page. */
        public int tableIndex() {
            return (int) ((at & 0xfff) >>> 3);
        }
    }

    /** {@code "gfn %llx pfn %llx level %d"}: start of kvm_tdp_mmu_map; level is the goal level. */
    record MmuSpteRequested(long gfn, long pfn, int level) implements Payload {
        /** The no-slot error pfn: the fault is MMIO. */
        public boolean noSlot() {
            return pfn == 0x8000000000000000L;
        }
    }

    /** {@code kvm_mmu_get_page}: page text plus {@code new} / {@code existing}. */
    record MmuGetPage(MmuPage page, boolean created) implements Payload {
    }

    /** {@code kvm_mmu_prepare_zap_page}: a page table is being removed (handle_removed_pt). */
    record MmuPrepareZapPage(MmuPage page) implements Payload {
    }

    /** {@code kvm_mmu_sync_page} (shadow MMU). */
    record MmuSyncPage(MmuPage page) implements Payload {
    }

    /** {@code kvm_mmu_unsync_page} (shadow MMU). */
    record MmuUnsyncPage(MmuPage page) implements Payload {
    }

    /** {@code kvm_mmu_zap_page} of old kernels (trace-cmd plugin text). */
    record MmuZapPage(MmuPage page) implements Payload {
    }

    /**
     * {@code kvm_mmu_zap_all_fast} / 4.x {@code kvm_mmu_invalidate_zap_all_pages}:
     * {@code "kvm-mmu-valid-gen %u used_pages %x"}. {@code gen} is the new mmu_valid_gen.
     */
    record MmuZapAllFast(long gen, long usedPages) implements Payload {
    }

    /** {@code "gfn %llx spte %llx level %d errno %d"}: a huge SPTE is split (errno 0 = success). */
    record MmuSplitHugePage(long gfn, long spte, int level, int errno) implements Payload {
    }

    /** {@code "sptep:%p gfn %llx access %x gen %x"}: an MMIO SPTE was created; gen is the memslot gen. */
    record MarkMmioSpte(String sptep, long gfn, int access, long gen) implements Payload {
    }

    /** {@code "addr:%llx gfn %llx access %x"}. */
    record HandleMmioPageFault(long addr, long gfn, int access) implements Payload {
    }

    /** {@code "spte %llx kvm_gen %x spte-gen %x valid %d"}. */
    record CheckMmioSpte(long spte, long kvmGen, long spteGen, boolean valid) implements Payload {
    }

    /**
     * {@code "vcpu %d gva %llx error_code %s sptep %p old %#llx new %llx spurious %d fixed %d"};
     * {@code errorCode} is the flag text ({@code P|W|U|RSVD|F}, may be empty).
     */
    record FastPageFault(int vcpu, long gva, String errorCode, String sptep, long oldSpte, long newSpte,
            boolean spurious, boolean fixed) implements Payload {
    }

    /** {@code "addr %llx pferr %x %s"} (guest page-table walker, not SPTEs). */
    record MmuPagetableWalk(long addr, int pferr, String flags) implements Payload {
    }

    /** {@code "pte %llx level %u"} (guest page-table walker). */
    record MmuPagingElement(long pte, int level) implements Payload {
    }

    /** {@code "pferr %x %s"} (guest page-table walker). */
    record MmuWalkerError(int pferr, String flags) implements Payload {
    }

    /** {@code kvm_mmu_set_accessed_bit}: {@code "gpa %llx"}. */
    record MmuSetAccessedBit(long gpa) implements Payload {
    }

    /** {@code kvm_mmu_set_dirty_bit}: {@code "gpa %llx"}. */
    record MmuSetDirtyBit(long gpa) implements Payload {
    }

    // ---- kvm ------------------------------------------------------------------------------------

    /** The three {@code kvm_entry} texts. */
    enum EntryText {
        /** old kernels: {@code "vcpu %u"}. */
        VCPU,
        /** kernel: {@code "vcpu %u, rip 0x%lx"} (plus {@code [immediate exit]} on new kernels). */
        KERNEL,
        /** trace-cmd plugin: {@code " vcpu %u rip 0x%llx"} [guest symbol], no comma. */
        PLUGIN
    }

    /** {@code kvm_entry}; rip is null for {@link EntryText#VCPU}. */
    record KvmEntry(int vcpu, Long rip, boolean immediateExit, String guestSym, EntryText text)
            implements Payload {
    }

    /** The three {@code kvm_exit} texts. */
    enum ExitText {
        /** 5.10+: {@code vcpu reason rip info1 info2 intr_info error_code}. */
        KERNEL,
        /** 4.8: {@code "vcpu %u reason %s rip 0x%lx info %llx %llx"}. */
        KERNEL_4X,
        /** trace-cmd plugin: {@code "reason %s rip 0x%llx"} [guest symbol] {@code " info %llx %llx"}. */
        PLUGIN
    }

    /**
     * {@code kvm_exit}. {@code vcpu} is null in the plugin text, {@code intrInfo}/{@code errorCode} are
     * null outside the {@link ExitText#KERNEL} text. For EPT_VIOLATION info1 is the exit qualification.
     */
    record KvmExit(Integer vcpu, String reason, long rip, String guestSym, long info1, long info2, Long intrInfo,
            Long errorCode, ExitText text) implements Payload {
    }

    /**
     * {@code kvm_nested_vmexit}: the trace-cmd plugin text
     * {@code "rip %llx reason %s info1 %llx info2 %llx int_info %llx int_info_err %llx"} or, when
     * {@code kernelText}, the kvm_exit-shaped kernel text (then vcpu is set).
     */
    record KvmNestedVmexit(Integer vcpu, String reason, long rip, String guestSym, long info1, long info2,
            long intInfo, long intInfoErr, boolean kernelText) implements Payload {
    }

    /**
     * {@code kvm_page_fault}: new text {@code "vcpu %u rip 0x%lx address 0x%016llx error_code 0x%llx"}
     * or old text {@code "address %lx error_code %x"} (then vcpu and rip are null). address is the GPA.
     */
    record KvmPageFault(Integer vcpu, Long rip, long address, long errorCode) implements Payload {
    }

    /** {@code "mmu notifier unmap range: %#016lx -- %#016lx"} (host virtual addresses). */
    record KvmUnmapHvaRange(long start, long end) implements Payload {
    }

    /** {@code "mmu notifier age hva: %#016lx -- %#016lx"}. */
    record KvmAgeHva(long start, long end) implements Payload {
    }

    /** {@code "mmu notifier test age hva: %#016lx"}. */
    record KvmTestAgeHva(long hva) implements Payload {
    }

    /** {@code "reason %s (%d)"}; code is null when not printed. */
    record KvmUserspaceExit(String reason, Integer code) implements Payload {
    }

    /** {@code "load"} / {@code "unload"}. */
    record KvmFpu(boolean load) implements Payload {
    }

    /** {@code "pio_%s at 0x%x size %d count %d val 0x%x %s"}; val is null on kernels without it. */
    record KvmPio(boolean write, int port, int size, int count, Long val, boolean more) implements Payload {
    }

    // ---- root records of the capture recipe (docs/capture) --------------------------------------

    /**
     * What a root probe of the capture recipe read of a {@code struct kvm_mmu_page} (docs/capture/README.md,
     * "Record format"). Every component is null when the record did not print it or printed
     * {@code (fault)}.
     *
     * @param sp      the {@code kvm_mmu_page} pointer (kernel virtual); 0 when {@code tdp_mmu_next_root}
     *                returned NULL (the walk ended)
     * @param spt     {@code sp->spt}: kernel virtual address of the root's page table
     * @param hpa     physical address of the root's page table, as printed: computed by kvm-roots.bt, or read
     *                from {@code mmu->root.hpa} / the return value by the kprobe alloc and load records
     * @param pob     {@code page_offset_base}, the base of the direct map: physical = spt - pob
     * @param role    {@code sp->role.word}
     * @param count   {@code sp->tdp_mmu_root_count} as read where the probe fired
     * @param invalid {@code sp->role.invalid}
     */
    record RootFields(Long sp, Long spt, Long hpa, Long pob, Long role, Long count, Boolean invalid) {

        /** Nothing printed. */
        public static final RootFields NONE = new RootFields(null, null, null, null, null, null, null);

        /** The page table's physical address: {@code hpa}, else {@code spt - pob}, else -1. */
        public long physical() {
            if (hpa != null) {
                return hpa;
            }
            return spt != null && pob != null ? spt - pob : -1;
        }

        /** A {@code tdp_mmu_next_root} that returned NULL: the walk is over. */
        public boolean walkEnded() {
            return sp != null && sp == 0;
        }

        /** Whether the record names a root (by pointer or by address). */
        public boolean named() {
            return sp != null && sp != 0 || physical() != -1 || spt != null && spt != 0;
        }

        /** {@code role.level} (bits 0-3), -1 without a role word. */
        public int level() {
            return role == null ? -1 : (int) (role & 0xf);
        }

        /** Address space: {@code role.smm} (bits 24-31), -1 without a role word. */
        public int asId() {
            return role == null ? -1 : (int) (role >>> 24 & 0xff);
        }

        /** {@code role.direct} (bit 7). */
        public boolean direct() {
            return role != null && (role & 1L << 7) != 0;
        }

        /** {@code role.is_mirror} (bit 19, 6.14+; always clear before). */
        public boolean mirror() {
            return role != null && (role & 1L << 19) != 0;
        }

        /** {@code role.invalid} as printed, else bit 11 of the role word, else null. */
        public Boolean invalidNow() {
            if (invalid != null) {
                return invalid;
            }
            return role == null ? null : (role & 1L << 11) != 0;
        }
    }

    /**
     * {@code tdpscope_alloc_root}: {@code kvm_tdp_mmu_alloc_root} (6.9+) or
     * {@code kvm_tdp_mmu_get_vcpu_root_hpa} (5.10-6.8) returned; the vCPU task now holds a reference on
     * the root. {@code mirror} is the 6.14+ argument (null when not printed); when it is set, the root's
     * address is {@code mirror_root_hpa}. {@code site} is the probe's own text between the parentheses
     * ("" if none).
     */
    record RootAlloc(String site, RootFields root, Boolean mirror) implements Payload {
    }

    /** {@code tdpscope_next_root}: {@code tdp_mmu_next_root} returned this root (referenced) to a walker. */
    record RootNext(String site, RootFields root) implements Payload {
    }

    /** {@code tdpscope_put_root}: {@code kvm_tdp_mmu_put_root} entry; {@code count} is before the put. */
    record RootPut(String site, RootFields root) implements Payload {
    }

    /**
     * {@code tdpscope_zap_root} ({@code done} false: {@code tdp_mmu_zap_root} entry) or
     * {@code tdpscope_zap_root_done} (its return; the root is not printed on kernels whose return probes
     * cannot read arguments).
     */
    record RootZap(String site, RootFields root, Boolean shared, boolean done) implements Payload {
    }

    /**
     * {@code tdpscope_invalidate_roots}: {@code kvm_tdp_mmu_invalidate_roots(kvm, types)} (6.14+; types is
     * the KVM_*_ROOTS mask) or {@code kvm_tdp_mmu_invalidate_all_roots(kvm)} (types null).
     */
    record RootsInvalidate(String site, Long types) implements Payload {
    }

    /**
     * {@code tdpscope_zap_invalidated_roots} (entry) and {@code tdpscope_zap_invalidated_roots_done}
     * (return) of {@code kvm_tdp_mmu_zap_invalidated_roots}; shared is the 6.14+ argument.
     */
    record RootsZapInvalidated(String site, Boolean shared, boolean done) implements Payload {
    }

    /**
     * {@code tdpscope_load_pgd}: {@code vmx_load_mmu_pgd} / {@code svm_load_mmu_pgd}: the vCPU task loads
     * the root at physical address {@code hpa} (level null when not printed).
     */
    record RootLoad(String site, long hpa, Integer level) implements Payload {
    }

    // ---- anything else --------------------------------------------------------------------------

    /** An event this reader does not know: the payload text, kept verbatim. */
    record Unknown(String text) implements Payload {
    }
}
