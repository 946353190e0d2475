/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

import java.util.Collections;
import java.util.List;

/**
 * Result of a {@link TwoDimensionalWalk}. With {@code record=false} the walker returns its own reusable instance,
 * overwritten by the next call (use {@link #copy()} to keep one); with {@code record=true} a fresh instance with the
 * ordered {@link #refs()}.
 */
public final class TwoDResult {
    public enum Kind {
        OK,
        /** The guest's own tables fault: #PF with {@link #errorCode()}. */
        GUEST_PAGE_FAULT,
        /** An EPT entry is not present or lacks the needed permission, at {@link #faultGpa()}. */
        EPT_VIOLATION,
        /** An EPT entry is malformed (e.g. a KVM MMIO SPTE, W without R), at {@link #faultGpa()}. */
        EPT_MISCONFIG,
        /** The gva is not canonical (#GP); nothing was read. */
        NON_CANONICAL
    }

    /** Which architectural check ended the walk ({@link #NONE} for a walk that did not fault). */
    public enum Check {
        NONE,
        /** The gva is not canonical (#GP). */
        NON_CANONICAL,
        /** A guest entry's P bit is clear. */
        GUEST_NOT_PRESENT,
        /** A reserved bit is set in a guest entry ({@link #failBit()}). */
        GUEST_RESERVED,
        /** A user access meets a guest entry with U/S=0. */
        GUEST_USER_SUPERVISOR,
        /** A user write, or a supervisor write with CR0.WP=1, meets a guest entry with R/W=0. */
        GUEST_READ_ONLY,
        /** An instruction fetch meets a guest entry with XD=1 (EFER.NXE=1). */
        GUEST_XD,
        /** A supervisor fetch from a user page with CR4.SMEP=1. */
        GUEST_SMEP,
        /** A supervisor data access to a user page with CR4.SMAP=1 (and EFLAGS.AC=0 or an implicit access). */
        GUEST_SMAP,
        /** An EPT entry has R=W=X=0. */
        EPT_NOT_PRESENT,
        /** An EPT entry lacks a permission the access needs. */
        EPT_PERMISSION,
        /** The EPT entries of a guest table page lack W, needed to set a guest A or D bit. */
        EPT_GUEST_AD_UPDATE,
        /** An EPT entry has W without R. */
        EPT_WRITE_WITHOUT_READ,
        /** An EPT PML4E or PML5E has PS set. */
        EPT_LARGE_AT_TOP,
        /** An EPT leaf has memory type 2, 3 or 7. */
        EPT_MEMORY_TYPE
    }

    Kind kind;
    long hpa;
    long gpa;
    int pageSize;
    long faultGpa;
    int faultGuestLevel;
    int faultEptLevel;
    int eptAccess;
    int eptPerms;
    int access;
    Check check;
    int failRef;
    int failLevel;
    int failBit;
    int errorCode;
    int references;
    String reason;
    List<MemRef> refs;

    TwoDResult() {
        reset();
    }

    void reset() {
        kind = Kind.OK;
        hpa = -1;
        gpa = -1;
        pageSize = 0;
        faultGpa = -1;
        faultGuestLevel = 0;
        faultEptLevel = 0;
        eptAccess = 0;
        eptPerms = 0;
        access = 0;
        check = Check.NONE;
        failRef = 0;
        failLevel = 0;
        failBit = -1;
        errorCode = 0;
        references = 0;
        reason = "ok";
    }

    public Kind kind() {
        return kind;
    }

    public boolean ok() {
        return kind == Kind.OK;
    }

    /** Host physical address of the data (OK only), else -1. */
    public long hpa() {
        return hpa;
    }

    /** Guest physical address of the data, once the guest walk has produced it, else -1. */
    public long gpa() {
        return gpa;
    }

    /** Guest page size of the data translation (OK only). */
    public int pageSize() {
        return pageSize;
    }

    /** The gpa whose EPT translation failed (EPT_VIOLATION / EPT_MISCONFIG), else -1. */
    public long faultGpa() {
        return faultGpa;
    }

    /** For EPT faults: the guest level whose table entry was being fetched, 0 for the final data gpa. */
    public int faultGuestLevel() {
        return faultGuestLevel;
    }

    /** For EPT faults: the EPT level of the offending entry (0 if the fault was a guest A/D update). */
    public int faultEptLevel() {
        return faultEptLevel;
    }

    /** For EPT violations: the access needed, as {@link Spte#READABLE}/{@link Spte#WRITABLE}/{@link Spte#EXECUTABLE}. */
    public int eptAccess() {
        return eptAccess;
    }

    /**
     * For EPT violations: the R/W/X bits ANDed over the EPT entries walked for {@link #faultGpa()}, up to and
     * including the offending one (0 when that entry is not present).
     */
    public int eptPermissions() {
        return eptPerms;
    }

    /** The access translated, as {@link Access} bits. */
    public int access() {
        return access;
    }

    /** The check that ended the walk, {@link Check#NONE} if none did. */
    public Check check() {
        return check;
    }

    /**
     * The number ({@link MemRef#index()}) of the reference whose entry failed {@link #check()}: the guest entry (for a
     * guest check, the highest level whose bit denies the access; for SMEP/SMAP the leaf) or the EPT entry (for a
     * permission, the highest level lacking it). 0 when no reference failed (a walk that did not fault, #GP).
     */
    public int failingReference() {
        return failRef;
    }

    /** Whether the failing entry is an EPT entry (else a guest entry). */
    public boolean failedInEpt() {
        return check.ordinal() >= Check.EPT_NOT_PRESENT.ordinal();
    }

    /** The level (5..1) of the failing entry, in the EPT or guest tables as {@link #failedInEpt()} says; else 0. */
    public int failingLevel() {
        return failLevel;
    }

    /**
     * For {@link Check#GUEST_RESERVED}: the highest reserved bit set; for {@link Check#EPT_MEMORY_TYPE}: the memory
     * type; for {@link Check#EPT_WRITE_WITHOUT_READ}: 1 if the entry is KVM's MMIO SPTE; else -1.
     */
    public int failBit() {
        return failBit;
    }

    /** Guest #PF error code (GUEST_PAGE_FAULT only). */
    public int errorCode() {
        return errorCode;
    }

    /** Memory references made (EPT entries plus guest entries), whatever the outcome. */
    public int references() {
        return references;
    }

    /** The ordered references when recorded, else an empty list. */
    public List<MemRef> refs() {
        return refs == null ? List.of() : Collections.unmodifiableList(refs);
    }

    /** What ended the walk in words ({@link #failure()}), "ok" for a walk that did not fault. */
    public String reason() {
        return check == Check.NONE ? reason : failure();
    }

    /**
     * The failing check in words, naming the entry: "guest PML4E not present", "EPT PDE not writable (write access)",
     * "reserved bit 51 set in guest PDE", "SMEP: supervisor fetch from a user page"; "" for a walk that did not fault.
     */
    public String failure() {
        String g = "guest " + GuestPte.levelName(failLevel);
        String e = "EPT " + GuestPte.levelName(failLevel);
        switch (check) {
        case NON_CANONICAL:
            return "non-canonical address";
        case GUEST_NOT_PRESENT:
            return g + " not present";
        case GUEST_RESERVED:
            return "reserved bit " + failBit + (failBit == 7 ? " (PS)" : failBit == 63 ? " (XD, EFER.NXE=0)" : "")
                    + " set in " + g;
        case GUEST_USER_SUPERVISOR:
            return g + " is supervisor-only (U/S=0): " + Access.describe(access);
        case GUEST_READ_ONLY:
            return g + " is read-only (R/W=0): " + Access.describe(access)
                    + (Access.isUser(access) ? "" : " with CR0.WP=1");
        case GUEST_XD:
            return g + " has XD=1: " + Access.describe(access);
        case GUEST_SMEP:
            return "SMEP: supervisor fetch from a user page (" + g + ")";
        case GUEST_SMAP:
            return "SMAP: " + Access.describe(access) + " of a user page (" + g + ")";
        case EPT_NOT_PRESENT:
            return e + " not present (" + eptAccessWords() + ")";
        case EPT_PERMISSION:
            return e + " not " + missing() + " (" + eptAccessWords() + ")";
        case EPT_GUEST_AD_UPDATE:
            return e + " not writable (A/D update of guest " + GuestPte.levelName(faultGuestLevel) + ")";
        case EPT_WRITE_WITHOUT_READ:
            return e + " misconfigured: write without read" + (failBit == 1 ? " (KVM's MMIO SPTE)" : "");
        case EPT_LARGE_AT_TOP:
            return e + " misconfigured: PS set at level " + failLevel;
        case EPT_MEMORY_TYPE:
            return e + " misconfigured: reserved memory type " + failBit;
        default:
            return "";
        }
    }

    /**
     * The failed check in a few words, without the entry (which a picture shows by position): "not present (P=0)",
     * "reserved bit 51 set", "SMEP: user page", "not writable"; "" for a walk that did not fault.
     */
    public String failedCheck() {
        switch (check) {
        case NON_CANONICAL:
            return "non-canonical address";
        case GUEST_NOT_PRESENT:
            return "not present (P=0)";
        case GUEST_RESERVED:
            return "reserved bit " + failBit + " set";
        case GUEST_USER_SUPERVISOR:
            return "U/S=0: supervisor page";
        case GUEST_READ_ONLY:
            return "R/W=0: read-only";
        case GUEST_XD:
            return "XD=1: not executable";
        case GUEST_SMEP:
            return "SMEP: user page";
        case GUEST_SMAP:
            return "SMAP: user page";
        case EPT_NOT_PRESENT:
            return "not present (R=W=X=0)";
        case EPT_PERMISSION:
            return "not " + missing();
        case EPT_GUEST_AD_UPDATE:
            return "not writable: A/D update";
        case EPT_WRITE_WITHOUT_READ:
            return failBit == 1 ? "MMIO SPTE: misconfig" : "W without R: misconfig";
        case EPT_LARGE_AT_TOP:
            return "PS at level " + failLevel + ": misconfig";
        case EPT_MEMORY_TYPE:
            return "memory type " + failBit + ": misconfig";
        default:
            return "";
        }
    }

    /** The permissions {@link #eptAccess()} asks for that {@link #eptPermissions()} lacks: "writable", "readable". */
    private String missing() {
        int lack = eptAccess & ~eptPerms;
        StringBuilder b = new StringBuilder();
        if ((lack & Spte.READABLE) != 0) {
            b.append("readable");
        }
        if ((lack & Spte.WRITABLE) != 0) {
            b.append(b.length() > 0 ? "/" : "").append("writable");
        }
        if ((lack & Spte.EXECUTABLE) != 0) {
            b.append(b.length() > 0 ? "/" : "").append("executable");
        }
        return b.toString();
    }

    /** The access the EPT was asked for: "write access" for the data, "read of guest PML4E" for a guest table. */
    private String eptAccessWords() {
        if (faultGuestLevel == 0) {
            return Access.isFetch(access) ? "instruction fetch"
                    : Access.isWrite(access) ? "write access" : "read access";
        }
        String what = (eptAccess & Spte.WRITABLE) != 0 ? "read/write" : "read";
        return what + " of guest " + GuestPte.levelName(faultGuestLevel)
                + ((eptAccess & Spte.WRITABLE) != 0 ? ", EPT A/D on" : "");
    }

    /** A detached copy (for keeping a fast-path result). */
    public TwoDResult copy() {
        TwoDResult c = new TwoDResult();
        c.kind = kind;
        c.hpa = hpa;
        c.gpa = gpa;
        c.pageSize = pageSize;
        c.faultGpa = faultGpa;
        c.faultGuestLevel = faultGuestLevel;
        c.faultEptLevel = faultEptLevel;
        c.eptAccess = eptAccess;
        c.eptPerms = eptPerms;
        c.access = access;
        c.check = check;
        c.failRef = failRef;
        c.failLevel = failLevel;
        c.failBit = failBit;
        c.errorCode = errorCode;
        c.references = references;
        c.reason = reason;
        c.refs = refs == null ? null : List.copyOf(refs);
        return c;
    }

    @Override
    public String toString() {
        switch (kind) {
        case OK:
            return String.format("OK gpa=%#x hpa=%#x (%d refs)", gpa, hpa, references);
        case GUEST_PAGE_FAULT:
            return String.format("#PF ec=%#x [%s] %s (%d refs)", errorCode,
                    GuestTranslation.describeErrorCode(errorCode), reason(), references);
        case NON_CANONICAL:
            return "#GP " + reason();
        case EPT_VIOLATION:
            return String.format("EPT_VIOLATION at gpa=%#x qual=%#x: %s (%d refs)", faultGpa,
                    EptExitQualification.of(this), reason(), references);
        default:
            return String.format("%s at gpa=%#x: %s (%d refs)", kind, faultGpa, reason(), references);
        }
    }
}
