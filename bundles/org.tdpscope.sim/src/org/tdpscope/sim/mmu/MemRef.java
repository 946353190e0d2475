/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * One memory reference of a 2-D walk. {@code guestLevel}: 5..1 while serving a guest table entry, 0 for the final
 * data gpa. {@code eptLevel}: 5..1 for an EPT entry read (then {@code gpa} is the address being translated and
 * {@code hpa} the EPT entry's address), 0 for the read of the guest entry itself (then {@code gpa}/{@code hpa} are
 * the guest entry's addresses). {@code value} is the 64-bit entry read.
 */
public record MemRef(int index, int guestLevel, int eptLevel, long gpa, long hpa, long value) {
    @Override
    public String toString() {
        String who = eptLevel > 0 ? "EPT L" + eptLevel + " " + Spte.describe(value, eptLevel)
                : GuestPte.describe(value, guestLevel);
        return String.format("#%d %s gpa=%#x hpa=%#x: %s", index, guestLevel > 0 ? "g" + guestLevel : "data", gpa,
                hpa, who);
    }
}
