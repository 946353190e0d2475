/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

/**
 * A {@code struct kvm_mmu_page} as the page-class events print it ({@code kvm_mmu_get_page},
 * {@code kvm_mmu_prepare_zap_page}, {@code kvm_mmu_sync_page}, {@code kvm_mmu_unsync_page},
 * {@code kvm_mmu_zap_page}). Four texts exist and each prints a different subset of the role word,
 * so fields a text does not print hold their "not printed" value ({@code -1}, {@code 0}, {@code null}
 * or {@code false}), and {@link #text()} says which text this came from so it can be printed back.
 *
 * @param text       which printer produced the text
 * @param gen        {@code mmu_valid_gen} ({@code sp gen}); -1 when not printed (trace-cmd plugins)
 * @param gfn        {@code sp->gfn}, the first gfn the page covers; -1 when not printed
 *                   (trace-cmd plugin text of the page-class events other than get_page)
 * @param level      {@code role.level}: level of the entries in this page (1 = 4K PTEs)
 * @param glevels    guest levels, old trace-cmd plugin only ({@code "1/4"}), else 0
 * @param gpteBytes  4 or 8 ({@code has_4_byte_gpte}), kernel 6.x text only, else 0
 * @param quadrant   {@code role.quadrant}
 * @param direct     {@code role.direct}
 * @param access     {@code access_str[role.access]}: {@code ---} .. {@code wux}
 * @param invalid    {@code role.invalid}
 * @param pae        4.x kernel text {@code " pae"}, or the new plugin's {@code pae} / {@code !pae}
 * @param nxe        {@code efer_nx} ({@code nxe} / {@code !nxe})
 * @param ad         {@code ad} / {@code !ad} (true = A/D bits enabled); null when not printed
 * @param wp         new plugin's {@code wp} / {@code !wp}
 * @param smep       new plugin's {@code smep}
 * @param smap       new plugin's {@code smap}
 * @param smm        new plugin's {@code smm}: the page belongs to address space 1
 * @param pge        old plugin's {@code pge} / {@code !pge}
 * @param rootCount  {@code sp->root_count}
 * @param unsync     {@code unsync} / {@code sync}
 */
public record MmuPage(Text text, long gen, long gfn, int level, int glevels, int gpteBytes, int quadrant,
        boolean direct, String access, boolean invalid, boolean pae, boolean nxe, Boolean ad, boolean wp,
        boolean smep, boolean smap, boolean smm, boolean pge, int rootCount, boolean unsync) {

    /** Which printer wrote the page text. */
    public enum Text {
        /** mmutrace.h of 5.x/6.x: {@code sp gen %u gfn %llx l%u %u-byte q%u...}. */
        KERNEL,
        /** mmutrace.h of 4.x: {@code sp gen %lx gfn %llx %u%s q%u...} (" pae", optional "ad"). */
        KERNEL_4X,
        /** libtraceevent plugin_kvm.c: {@code %u q%u%s %s%s %spae %snxe %swp...}. */
        PLUGIN,
        /** trace-cmd's own plugin_kvm.c before the split: {@code %u/%u q%u%s %s%s %spge %snxe}. */
        PLUGIN_OLD
    }

    /**
     * A TDP MMU root as {@code tdp_mmu_init_sp()} reports it: a direct page for gfn 0 at level 4 or 5.
     * No tracepoint names a root, so this is the only root signal in page events.
     */
    public boolean looksLikeTdpRoot() {
        return direct && gfn == 0 && level >= 4;
    }

    /** Address space implied by the role: 1 when the plugin printed {@code smm}, else 0 (not printed). */
    public int asId() {
        return smm ? 1 : 0;
    }

    /** The role part of the text (no gen, gfn, root count or sync state), used to group pages by role. */
    public String role() {
        return KernelTraceFormat.role(this);
    }
}
