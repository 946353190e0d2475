/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim;

import org.tdpscope.sim.mmu.SpteOp;

/** Scenario words for SPTE operations. */
public final class Ops {

    private Ops() {
    }

    public static String word(SpteOp op) {
        return switch (op) {
            case ZAP -> "zap";
            case WRPROT -> "write-protect";
            case CLEAR_DIRTY -> "clear-dirty";
            case AGE -> "age";
            case ZAP_COLLAPSIBLE -> "zap-collapsible";
        };
    }

    public static SpteOp fromWord(String w) {
        for (SpteOp op : SpteOp.values()) {
            if (word(op).equals(w)) {
                return op;
            }
        }
        return null;
    }
}
