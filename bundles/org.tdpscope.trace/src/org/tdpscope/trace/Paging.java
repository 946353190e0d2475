/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

/**
 * The two-dimensional paging a trace was recorded under: Intel EPT or AMD NPT. Their SPTEs share KVM's
 * layout (address bits 51:12, the MMU-present bit 11, the page-size bit 7) but not the permission and
 * accessed/dirty bits, and the error code {@code kvm_page_fault} prints is an EPT exit qualification on
 * Intel and the #NPF error code on AMD. No tracepoint names the vendor: {@link Evidence} gathers it.
 */
public enum Paging {
    /** Intel EPT: bits 0-2 read, write, execute; accessed bit 8, dirty bit 9. */
    EPT("Intel EPT"),
    /** AMD NPT (x86 page-table format): present bit 0, write bit 1, user bit 2, accessed bit 5, dirty bit 6, NX bit 63. */
    NPT("AMD NPT");

    private final String label;

    Paging(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** A leaf SPTE's permissions and accessed/dirty bits, e.g. {@code RWX AD} or {@code R-X --}. */
    public String permissions(long spte) {
        boolean r = (spte & 1) != 0; // EPT readable; NPT present
        boolean w = (spte & 2) != 0;
        boolean x = this == EPT ? (spte & 4) != 0 : spte >= 0; // NPT: NX is bit 63
        boolean a = (spte & (this == EPT ? 1L << 8 : 1L << 5)) != 0;
        boolean d = (spte & (this == EPT ? 1L << 9 : 1L << 6)) != 0;
        return (r ? "R" : "-") + (w ? "W" : "-") + (x ? "X" : "-") + " " + (a ? "A" : "-") + (d ? "D" : "-");
    }

    /**
     * The access of a TDP fault from the error code {@code kvm_page_fault} printed: on Intel the EPT
     * violation's exit qualification (bit 1 write, bit 2 fetch), on AMD the #NPF error code (bit 1 write,
     * bit 4 fetch).
     */
    public String access(long errorCode) {
        if ((errorCode & 2) != 0) {
            return "write";
        }
        boolean npf = this == NPT || (errorCode >>> 32) != 0; // only #NPF codes have bits above 31
        return (errorCode & (npf ? 0x10 : 4)) != 0 ? "exec" : "read";
    }

    /**
     * What a trace shows of its paging, gathered as it is read; the first few clues only, so a long trace
     * pays nothing after them.
     */
    public static final class Evidence {

        /** Clues of a kind looked at, at most: the rest of the trace pays nothing for them. */
        private static final int ENOUGH = 64;
        // strong clues are the SPTEs' own bits and AMD's 64-bit error codes; weak ones are names (exit reasons,
        // stack frames), which a tool's text may spell its own way: a strong clue outvotes any number of weak
        private final int[] strong = new int[2];
        private final int[] weak = new int[2];
        private final long[] firstLine = new long[2];
        private final String[] firstClue = new String[2]; // the first strong clue, else the first weak one

        /**
         * A {@code kvm_exit} reason. The kernel prints VMX's in upper case ({@code EPT_VIOLATION}) and SVM's in
         * lower ({@code npf}); trace-cmd's kvm plugin prints SVM's as {@code EXIT_NPF}. A reason printed as a
         * number ({@code 0x80000021}) or {@code UNKNOWN} says nothing.
         */
        void exitReason(String reason, long line) {
            if (weakSettled() || reason == null || reason.isEmpty() || reason.startsWith("0x")
                    || reason.startsWith("UNKNOWN")) {
                return;
            }
            if (reason.startsWith("EXIT_")) {
                clue(Paging.NPT, false, line, "kvm_exit reason " + reason + " is SVM's (trace-cmd's name)");
                return;
            }
            boolean upper = false;
            boolean lower = false;
            for (int i = 0; i < reason.length(); i++) {
                char c = reason.charAt(i);
                upper |= c >= 'A' && c <= 'Z';
                lower |= c >= 'a' && c <= 'z';
            }
            if (upper != lower) {
                clue(upper ? Paging.EPT : Paging.NPT, false, line, "kvm_exit reason " + reason + " is " + (upper
                        ? "VMX" : "SVM") + "'s");
            }
        }

        /**
         * A present non-leaf SPTE: KVM sets the accessed bit in the tables it links, bit 8 under EPT and bit 5
         * under NPT (EPT's bits 3-7 of a non-leaf entry are reserved, NPT's bit 8 must be zero).
         */
        void nonLeaf(long spte, long line) {
            if (strongSettled()) {
                return;
            }
            boolean a8 = (spte & (1L << 8)) != 0;
            boolean a5 = (spte & (1L << 5)) != 0;
            if (a8 != a5) {
                clue(a8 ? Paging.EPT : Paging.NPT, true, line, String.format(java.util.Locale.ROOT,
                        "a non-leaf SPTE 0x%x has its accessed bit at bit %d", spte, a8 ? 8 : 5));
            }
        }

        /** A {@code kvm_page_fault} error code with bits above 31: only AMD's 64-bit #NPF codes have them. */
        void pageFault(long errorCode, long line) {
            if (!strongSettled() && (errorCode >>> 32) != 0) {
                clue(Paging.NPT, true, line, "a 64-bit #NPF error code 0x" + Long.toHexString(errorCode));
            }
        }

        /** A {@code <stack trace>} frame naming the vendor module's functions. */
        void frame(String function, long line) {
            if (weakSettled() || function == null) {
                return;
            }
            if (function.startsWith("vmx_") || function.startsWith("handle_ept_") || function.contains("[kvm_intel]")) {
                clue(Paging.EPT, false, line, "the stack frame " + function);
            } else if (function.startsWith("svm_") || function.startsWith("npf_")
                    || function.contains("[kvm_amd]")) {
                clue(Paging.NPT, false, line, "the stack frame " + function);
            }
        }

        private void clue(Paging p, boolean isStrong, long line, String what) {
            int k = p.ordinal();
            (isStrong ? strong : weak)[k]++;
            if (firstClue[k] == null || isStrong && strong[k] == 1) {
                firstLine[k] = line;
                firstClue[k] = what;
            }
        }

        /** Enough of the names: exit reasons and stack frames are not looked at any more. */
        boolean weakSettled() {
            return weak[0] + weak[1] >= ENOUGH;
        }

        /** Enough of the bits: SPTEs and error codes are not looked at any more. */
        boolean strongSettled() {
            return strong[0] + strong[1] >= ENOUGH;
        }

        /**
         * The paging the clues agree on: the strong ones if there are any, else the weak ones; null if there is
         * none or they disagree.
         */
        public Paging paging() {
            int[] c = strong[0] + strong[1] > 0 ? strong : weak;
            return c[0] > 0 && c[1] == 0 ? Paging.EPT : c[1] > 0 && c[0] == 0 ? Paging.NPT : null;
        }

        /** The paging to read the trace's SPTEs as: the one found, else Intel EPT (assumed, as {@link #reading} says). */
        public Paging readAs() {
            Paging p = paging();
            return p != null ? p : Paging.EPT;
        }

        /** A picture's words for it: {@code SPTE bits as AMD NPT (line 6)} or {@code ... Intel EPT (assumed)}. */
        public String brief() {
            Paging p = paging();
            return p != null ? "SPTE bits as " + p.label() + " (line " + firstLine[p.ordinal()] + ")"
                    : "SPTE bits as Intel EPT (assumed)";
        }

        /**
         * The first clue for the paging found, e.g. {@code line 6: a non-leaf SPTE 0x100b1b16827 has its
         * accessed bit at bit 5}; empty when none was found.
         */
        public String clue() {
            Paging p = paging();
            return p == null ? "" : "line " + firstLine[p.ordinal()] + ": " + firstClue[p.ordinal()];
        }

        /**
         * How the SPTE bits are read, in a sentence: the paging and its first clue, or that Intel EPT is
         * assumed (and why).
         */
        public String reading() {
            Paging p = paging();
            if (p != null) {
                return "SPTE bits read as " + p.label() + " (" + clue() + ")";
            }
            int e = strong[0] + weak[0];
            int n = strong[1] + weak[1];
            if (e > 0 && n > 0) {
                return "SPTE bits read as Intel EPT, assumed: the trace has clues of both EPT (" + e + ") and NPT ("
                        + n + ")";
            }
            return "SPTE bits read as Intel EPT, assumed: the trace does not show the vendor";
        }
    }
}
