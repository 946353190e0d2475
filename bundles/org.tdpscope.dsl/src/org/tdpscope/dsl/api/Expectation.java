/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

import java.util.List;

import org.tdpscope.sim.Era;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;

/** One line of a scenario's {@code expect} block. */
public interface Expectation {

    /** 1-based source line. */
    int line();

    /** 1-based source column. */
    int column();

    /** The source words, e.g. {@code under fifo: W visited [B, C]}. */
    String text();

    /** Checks the expectation against a finished run (under any policy; see {@link #appliesTo}). */
    ExpectationResult check(RunResult run);

    /** The policies named by {@code under ...:}; empty when the expectation holds for every policy. */
    default List<Policy> policies() {
        return List.of();
    }

    /** Whether a run under {@code policy} should be checked against this expectation. */
    default boolean appliesTo(Policy policy) {
        return policies().isEmpty() || policies().contains(policy);
    }

    /** The kernel eras named by {@code under kernel ...:}; empty when the expectation holds in every era. */
    default List<Era> eras() {
        return List.of();
    }

    /** Whether a run under {@code kernel} and {@code policy} should be checked against this expectation. */
    default boolean appliesTo(KernelRules kernel, Policy policy) {
        return appliesTo(policy) && (eras().isEmpty() || eras().contains(kernel.era()));
    }
}
