/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.ArrayList;
import java.util.List;

import org.tdpscope.sim.mmu.CpuRegs;

/** A vCPU: its role, the root it runs on (holding one reference) and a pending reload request. */
public final class Vcpu {

    private final String name;
    private final RootRole role;
    final CpuRegs regs;
    Root root;
    /** The TDX mirror root (6.14+, {@code vm type tdx}): allocated once, kept for the VM's life. */
    Root mirrorRoot;
    boolean reloadRequested;
    /** Broken fault-path variants this vCPU runs with (normally none). */
    Variants faultVariants = Variants.KERNEL;
    /** The accesses made so far, in order (records are immutable, so forks share them). */
    final List<AccessRecord> accesses = new ArrayList<>();

    Vcpu(String name, RootRole role, CpuRegs regs) {
        this.name = name;
        this.role = role;
        this.regs = regs;
    }

    /** This vCPU in a fork: registers copied, its root mapped to the copy's. */
    Vcpu copy(Fork f) {
        Vcpu c = new Vcpu(name, role, regs.copy());
        c.root = f.root(root);
        c.mirrorRoot = f.root(mirrorRoot);
        c.reloadRequested = reloadRequested;
        c.faultVariants = faultVariants;
        if (!accesses.isEmpty()) { // addAll of an empty list still makes an array, at every fork
            c.accesses.addAll(accesses);
        }
        return c;
    }

    public String name() {
        return name;
    }

    public RootRole role() {
        return role;
    }

    public Root root() {
        return root;
    }

    public Root mirrorRoot() {
        return mirrorRoot;
    }

    public boolean reloadRequested() {
        return reloadRequested;
    }

    public CpuRegs regs() {
        return regs;
    }

    /** Every access this vCPU made, in order. */
    public List<AccessRecord> accesses() {
        return List.copyOf(accesses);
    }

    /** The access numbered {@code number} (1-based), or null when the vCPU made fewer. */
    public AccessRecord access(int number) {
        return number >= 1 && number <= accesses.size() ? accesses.get(number - 1) : null;
    }

    /** The last access labelled {@code label}, or null when none ran. */
    public AccessRecord access(String label) {
        for (int i = accesses.size() - 1; i >= 0; i--) {
            if (label.equals(accesses.get(i).label())) {
                return accesses.get(i);
            }
        }
        return null;
    }
}
