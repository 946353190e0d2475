/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * Bits describing a linear-address access. No bit set = supervisor data read with EFLAGS.AC=0.
 * IMPLICIT_SUPERVISOR marks an implicit supervisor access (e.g. a descriptor-table read): supervisor even at CPL 3,
 * and SMAP applies regardless of EFLAGS.AC. AC models EFLAGS.AC=1, which exempts explicit supervisor data accesses
 * from SMAP.
 */
public final class Access {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int USER = 2;
    public static final int FETCH = 4;
    public static final int IMPLICIT_SUPERVISOR = 8;
    public static final int AC = 16;

    private Access() {
    }

    public static boolean isWrite(int access) {
        return (access & WRITE) != 0;
    }

    public static boolean isFetch(int access) {
        return (access & FETCH) != 0;
    }

    /** A user-mode access (CPL 3 and not implicit-supervisor). */
    public static boolean isUser(int access) {
        return (access & USER) != 0 && (access & IMPLICIT_SUPERVISOR) == 0;
    }

    public static String describe(int access) {
        String s = isUser(access) ? "user" : "supervisor";
        s += isFetch(access) ? " fetch" : isWrite(access) ? " write" : " read";
        if ((access & IMPLICIT_SUPERVISOR) != 0) {
            s += " (implicit)";
        }
        if ((access & AC) != 0) {
            s += " AC";
        }
        return s;
    }
}
