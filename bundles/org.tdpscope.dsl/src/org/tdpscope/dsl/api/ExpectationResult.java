/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.api;

/**
 * The outcome of checking one expectation against one run.
 *
 * @param actual what the run shows, in the expectation's own words (e.g. {@code [B, C]})
 */
public record ExpectationResult(Expectation expectation, boolean holds, String actual) {
}
