/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

/**
 * The part of a {@code kvm_mmu_page_role} that decides root sharing: vCPUs whose role words are
 * equal share a root. {@code invalid} is kept on the {@link Root}, as the kernel keeps it in the
 * page's role, and a vCPU's role never has it set.
 *
 * @param name      the scenario word: {@code default}, {@code smm}, {@code guest}, or any other label
 * @param asId      address space: 1 for SMM
 * @param guestMode nested (L2) guest
 */
public record RootRole(String name, int asId, boolean guestMode, boolean mirror) {

    public static final RootRole DEFAULT = new RootRole("default", 0, false, false);

    public RootRole(String name, int asId, boolean guestMode) {
        this(name, asId, guestMode, false);
    }

    /** The TDX mirror root's role beside this direct role ({@code role.is_mirror}). */
    public RootRole mirrorRole() {
        return new RootRole(name + "/mirror", asId, guestMode, true);
    }

    /** The role for a scenario word; unknown words are distinct roles in address space 0. */
    public static RootRole of(String word) {
        return switch (word) {
            case "default" -> DEFAULT;
            case "smm" -> new RootRole("smm", 1, false);
            case "guest" -> new RootRole("guest", 0, true);
            default -> new RootRole(word, 0, false);
        };
    }
}
