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

    Kind kind;
    long hpa;
    long gpa;
    int pageSize;
    long faultGpa;
    int faultGuestLevel;
    int faultEptLevel;
    int eptAccess;
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

    public String reason() {
        return reason;
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
                    GuestTranslation.describeErrorCode(errorCode), reason, references);
        case NON_CANONICAL:
            return "#GP " + reason;
        default:
            return String.format("%s at gpa=%#x (%s) (%d refs)", kind, faultGpa, reason, references);
        }
    }
}
