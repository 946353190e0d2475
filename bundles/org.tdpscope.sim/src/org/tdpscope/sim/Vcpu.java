/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

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

    Vcpu(String name, RootRole role, CpuRegs regs) {
        this.name = name;
        this.role = role;
        this.regs = regs;
    }

    /** This vCPU in a fork: registers copied, its root mapped to the copy's. */
    Vcpu copy(Fork f) {
        CpuRegs r = new CpuRegs();
        r.cr0 = regs.cr0;
        r.cr3 = regs.cr3;
        r.cr4 = regs.cr4;
        r.efer = regs.efer;
        Vcpu c = new Vcpu(name, role, r);
        c.root = f.root(root);
        c.mirrorRoot = f.root(mirrorRoot);
        c.reloadRequested = reloadRequested;
        c.faultVariants = faultVariants;
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
}
