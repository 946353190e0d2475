/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * The exit qualification the CPU reports for an EPT violation (Intel SDM vol. 3C, table "Exit Qualification for EPT
 * Violations"), computed from a {@link TwoDResult}, and what KVM makes of it.
 * <p>
 * Bits 0-2: the access (data read, data write, instruction fetch). Reads of guest paging entries are data reads;
 * with EPT A/D enabled they are treated as writes and set bits 0 and 1 together; a guest A/D update is a data write
 * (bit 1; whether the read half of that read-modify-write also sets bit 0 is implementation-specific, and here it
 * does not). Bits 3-5: R, W and X ANDed over the EPT entries used to translate the gpa, up to the one that failed
 * (all 0 when an entry is not present). Bit 6 and bits 9-11 are 0: no mode-based execute control, and no
 * "advanced VM-exit information for EPT violations". Bit 7 is always 1 (the simulator never loads PAE PDPTEs);
 * bit 8 is 1 for the access to the gpa a linear address translates to (also with paging off), 0 for the access
 * to a guest paging entry, its A/D update included. Bit 12 (NMI unblocking by IRET) is 0.
 */
public final class EptExitQualification {
    /** Bit 0: the access was a data read. */
    public static final long READ = 1L << 0;
    /** Bit 1: the access was a data write. */
    public static final long WRITE = 1L << 1;
    /** Bit 2: the access was an instruction fetch. */
    public static final long FETCH = 1L << 2;
    /** Bit 3: the gpa was readable (AND of bit 0 over the EPT entries used). */
    public static final long READABLE = 1L << 3;
    /** Bit 4: the gpa was writable. */
    public static final long WRITABLE = 1L << 4;
    /** Bit 5: the gpa was executable (for supervisor linear addresses with mode-based execute control). */
    public static final long EXECUTABLE = 1L << 5;
    /** Bit 6: the gpa was executable for user linear addresses (mode-based execute control only). */
    public static final long USER_EXECUTABLE = 1L << 6;
    /** Bit 7: the guest linear-address field is valid. */
    public static final long GLA_VALID = 1L << 7;
    /** Bit 8 (with bit 7): the access was to the translation of a linear address, not to a guest paging entry. */
    public static final long GLA_TRANSLATED = 1L << 8;
    /** Bit 12: NMI unblocking due to IRET. */
    public static final long NMI_UNBLOCKING = 1L << 12;

    /** KVM's page-fault error code bits (arch/x86/include/asm/kvm_host.h). */
    public static final long PFERR_PRESENT = 1L << 0;
    public static final long PFERR_WRITE = 1L << 1;
    public static final long PFERR_USER = 1L << 2;
    public static final long PFERR_FETCH = 1L << 4;
    public static final long PFERR_GUEST_FINAL = 1L << 32;
    public static final long PFERR_GUEST_PAGE = 1L << 33;

    private EptExitQualification() {
    }

    /** The exit qualification of an EPT-violation result; -1 for any other kind of result. */
    public static long of(TwoDResult r) {
        if (r == null || r.kind() != TwoDResult.Kind.EPT_VIOLATION) {
            return -1;
        }
        long q = 0;
        int need = r.eptAccess();
        if ((need & Spte.READABLE) != 0) {
            q |= READ;
        }
        if ((need & Spte.WRITABLE) != 0) {
            q |= WRITE;
        }
        if ((need & Spte.EXECUTABLE) != 0) {
            q |= FETCH;
        }
        q |= (long) (r.eptPermissions() & Spte.RWX_MASK) << 3; // R, W, X are bits 0-2 of an EPT entry
        q |= GLA_VALID;
        if (r.faultGuestLevel() == 0) {
            q |= GLA_TRANSLATED;
        }
        return q;
    }

    /**
     * The error code KVM hands to kvm_mmu_page_fault() for this qualification, as __vmx_handle_ept_violation()
     * (arch/x86/kvm/vmx/common.h) derives it: a read becomes PFERR_USER_MASK, a write PFERR_WRITE_MASK, a fetch
     * PFERR_FETCH_MASK, any of bits 3-6 PFERR_PRESENT_MASK, and with bit 7 set, bit 8 chooses
     * PFERR_GUEST_FINAL_MASK or PFERR_GUEST_PAGE_MASK.
     */
    public static long kvmErrorCode(long qual) {
        long ec = (qual & READ) != 0 ? PFERR_USER : 0;
        ec |= (qual & WRITE) != 0 ? PFERR_WRITE : 0;
        ec |= (qual & FETCH) != 0 ? PFERR_FETCH : 0;
        ec |= (qual & (READABLE | WRITABLE | EXECUTABLE | USER_EXECUTABLE)) != 0 ? PFERR_PRESENT : 0;
        if ((qual & GLA_VALID) != 0) {
            ec |= (qual & GLA_TRANSLATED) != 0 ? PFERR_GUEST_FINAL : PFERR_GUEST_PAGE;
        }
        return ec;
    }

    /**
     * The qualification in words, e.g. {@code "read; gpa was not present; final gpa"} or
     * {@code "read+write; gpa was R-X; guest paging entry"}.
     */
    public static String describe(long qual) {
        if (qual < 0) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        b.append((qual & READ) != 0 ? "read" : "");
        if ((qual & WRITE) != 0) {
            b.append(b.length() > 0 ? "+" : "").append("write");
        }
        if ((qual & FETCH) != 0) {
            b.append(b.length() > 0 ? "+" : "").append("fetch");
        }
        long prot = qual & (READABLE | WRITABLE | EXECUTABLE);
        b.append("; gpa was ").append(prot == 0 ? "not present"
                : ((qual & READABLE) != 0 ? "R" : "-") + ((qual & WRITABLE) != 0 ? "W" : "-")
                        + ((qual & EXECUTABLE) != 0 ? "X" : "-"));
        if ((qual & GLA_VALID) != 0) {
            b.append((qual & GLA_TRANSLATED) != 0 ? "; final gpa" : "; guest paging entry");
        }
        return b.toString();
    }
}
