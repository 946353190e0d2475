/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.validation;

/** Stable issue codes of scenario diagnostics (what {@code Diagnostic.code()} carries). */
public final class TdpIssueCodes {

    private TdpIssueCodes() {
    }

    public static final String SYNTAX = "syntax";
    public static final String UNKNOWN_NAME = "unknown-name";
    public static final String IO = "io";
    public static final String INTERNAL = "internal";
    public static final String INTERPRETER = "interpreter";

    public static final String DUPLICATE_NAME = "duplicate-name";
    public static final String OVERLAPPING_MEMSLOTS = "overlapping-memslots";
    public static final String EMPTY_RANGE = "empty-range";
    public static final String GFN_OUTSIDE_SLOTS = "gfn-outside-slots";
    public static final String BAD_POLICY = "bad-policy";
    public static final String BAD_KERNEL = "bad-kernel";
    public static final String POLICY_NOT_RUN = "policy-not-run";
    public static final String BAD_LEVELS = "bad-levels";
    public static final String BAD_MAPPING = "bad-mapping";
    public static final String MISPLACED_OPTION = "misplaced-option";
    public static final String DUPLICATE_OPTION = "duplicate-option";
    public static final String THREAD_ENDED = "thread-ended";
    public static final String CANNOT_YIELD = "cannot-yield";
    public static final String NOT_A_VCPU = "not-a-vcpu";
    public static final String NO_OPS_LEFT = "no-ops-left";
    public static final String BAD_INVARIANT = "bad-invariant";
    public static final String ROOT_NAME = "root-name";
    public static final String NOT_A_WALKER = "not-a-walker";
    public static final String DRY_RUN = "dry-run";
    public static final String DRY_RUN_LIMIT = "dry-run-limit";
    public static final String BAD_NUMBER = "bad-number";
    public static final String NOTHING_TO_REPEAT = "nothing-to-repeat";
    public static final String NOTHING_TO_CHECK = "nothing-to-check";
    /** A declared size or count beyond {@code org.tdpscope.sim.Limits}. */
    public static final String LIMIT = "limit";
    /** Bytes that are not UTF-8, or a bidi control character that makes text read differently than it runs. */
    public static final String ENCODING = "encoding";
    /** A bit name that does not exist in the register or entry written, or a bit number beyond 63. */
    public static final String BAD_BIT = "bad-bit";
    /** A raw write sets a bit the SDM reserves there (a warning: the fault it causes is the point). */
    public static final String RESERVED_BIT = "reserved-bit";
    /** Guest CPU state the simulator cannot take (a paging mode it does not model, a CPL beyond 3). */
    public static final String BAD_CPU_STATE = "bad-cpu-state";
    /** An expectation about an access that no access of that vCPU is (by number or name). */
    public static final String NO_SUCH_ACCESS = "no-such-access";

    /** Xtext's own codes in the short form tools print. */
    public static String external(String code) {
        if (code == null) {
            return SYNTAX;
        }
        if (code.equals(org.eclipse.xtext.diagnostics.Diagnostic.LINKING_DIAGNOSTIC)) {
            return UNKNOWN_NAME;
        }
        return code.startsWith("org.eclipse.xtext.") ? SYNTAX : code;
    }
}
