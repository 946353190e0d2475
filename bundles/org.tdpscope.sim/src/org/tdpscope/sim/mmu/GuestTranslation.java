/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/** Result of a one-dimensional guest translation ({@link GuestWalker}). */
public final class GuestTranslation {
    /** Page-fault error code bits (SDM 4.7). */
    public static final int PF_P = 1;
    public static final int PF_W = 1 << 1;
    public static final int PF_U = 1 << 2;
    public static final int PF_RSVD = 1 << 3;
    public static final int PF_I = 1 << 4;

    public enum Kind {
        OK,
        /** #PF with {@link #errorCode()}. */
        PAGE_FAULT,
        /** A non-canonical address: #GP (or #SS), no page fault and no walk. */
        GENERAL_PROTECTION
    }

    private final Kind kind;
    private final long gpa;
    private final int pageSize;
    private final int errorCode;
    private final int faultLevel;
    private final String reason;

    GuestTranslation(Kind kind, long gpa, int pageSize, int errorCode, int faultLevel, String reason) {
        this.kind = kind;
        this.gpa = gpa;
        this.pageSize = pageSize;
        this.errorCode = errorCode;
        this.faultLevel = faultLevel;
        this.reason = reason;
    }

    public Kind kind() {
        return kind;
    }

    public boolean ok() {
        return kind == Kind.OK;
    }

    public long gpa() {
        return gpa;
    }

    /** 4096, 2M or 1G. */
    public int pageSize() {
        return pageSize;
    }

    /** The architectural #PF error code; 0 unless PAGE_FAULT. */
    public int errorCode() {
        return errorCode;
    }

    /** Guest level at which a not-present or reserved-bit fault was found (0 for access-rights faults or OK). */
    public int faultLevel() {
        return faultLevel;
    }

    public String reason() {
        return reason;
    }

    /** E.g. "P W U RSVD I" for an error code. */
    public static String describeErrorCode(int ec) {
        StringBuilder b = new StringBuilder();
        b.append((ec & PF_P) != 0 ? "P" : "NP");
        b.append((ec & PF_W) != 0 ? " W" : " R");
        b.append((ec & PF_U) != 0 ? " U" : " S");
        if ((ec & PF_RSVD) != 0) {
            b.append(" RSVD");
        }
        if ((ec & PF_I) != 0) {
            b.append(" I");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        switch (kind) {
        case OK:
            return "gpa=0x" + Long.toHexString(gpa) + " (" + (pageSize >> 10) + "K page)";
        case PAGE_FAULT:
            return "#PF ec=0x" + Integer.toHexString(errorCode) + " [" + describeErrorCode(errorCode) + "] " + reason;
        default:
            return "#GP " + reason;
        }
    }
}
