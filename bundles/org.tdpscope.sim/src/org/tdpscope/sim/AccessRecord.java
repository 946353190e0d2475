/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import java.util.List;

import org.tdpscope.sim.mmu.TwoDResult;

/**
 * What one guest access of a vCPU came to, for expectations and views.
 *
 * @param number 1-based, per vCPU, in the order the vCPU made its accesses
 * @param label  the access's name in the scenario ({@code access a1: gva ...}), or null
 * @param op     the operation
 * @param result the last 2-D walk: the outcome the guest sees (a #PF, a #GP, an EPT misconfiguration, a
 *               translation), or the last EPT violation if KVM gave up
 * @param exits  the EPT violations the access caused on the way, in order (each a VM exit KVM handled by
 *               faulting the gpa in before the guest retried)
 */
public record AccessRecord(int number, String label, Op.Access op, TwoDResult result, List<TwoDResult> exits) {

    public AccessRecord {
        exits = List.copyOf(exits);
    }

    /** {@code access 2} or {@code access a1}. */
    public String name() {
        return label != null ? "access " + label : "access " + number;
    }
}
