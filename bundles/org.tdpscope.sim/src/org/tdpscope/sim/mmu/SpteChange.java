/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.mmu;

/**
 * Why an SPTE changed. SET: the fault path installed or fixed an SPTE; ZAP: cleared by a zap (or a huge leaf
 * replaced by the fault path); FREEZE: an entry of a table being torn down was set to REMOVED_SPTE before the
 * page is freed (the kernel's handle_removed_pt); the others are the SPTE operations of the same name.
 */
public enum SpteChange {
    SET, ZAP, WRPROT, CLEAR_DIRTY, AGE, FREEZE
}
