/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.tdpscope.trace.Payload.*;

/**
 * The payloads of the most frequent events (the SPTE changes, set_spte, spte_requested and the fault's
 * kvm_exit / kvm_page_fault / kvm_entry) read straight from the ASCII bytes of a line, with the grammar
 * of {@link EventParser}: a payload found here is the one EventParser finds in the same text. A text it
 * does not take on (another event, another era's text, anything malformed) gives null, and EventParser
 * decides. One per reader: it keeps the few strings these payloads repeat (permissions, exit reasons).
 */
final class BytePayloads {

    static final int SPTE_CHANGED = 1;
    static final int SET_SPTE = 2;
    static final int SPTE_REQUESTED = 3;
    static final int PAGE_FAULT = 4;
    static final int ENTRY = 5;
    static final int EXIT = 6;

    private static final byte[] AS_ID = ascii("as id ");
    private static final byte[] GFN_ = ascii(" gfn ");
    private static final byte[] LEVEL_ = ascii(" level ");
    private static final byte[] OLD_SPTE = ascii(" old_spte ");
    private static final byte[] NEW_SPTE = ascii(" new_spte ");
    private static final byte[] GFN = ascii("gfn ");
    private static final byte[] SPTE_ = ascii(" spte ");
    private static final byte[] OPEN = ascii(" (");
    private static final byte[] CLOSE_LEVEL = ascii(") level ");
    private static final byte[] AT = ascii(" at ");
    private static final byte[] PFN_ = ascii(" pfn ");
    private static final byte[] VCPU = ascii("vcpu ");
    private static final byte[] RIP_0X = ascii(" rip 0x");
    private static final byte[] ADDRESS_0X = ascii(" address 0x");
    private static final byte[] ERROR_CODE_0X = ascii(" error_code 0x");
    private static final byte[] ADDRESS = ascii("address ");
    private static final byte[] ERROR_CODE = ascii(" error_code ");
    private static final byte[] COMMA_RIP_0X = ascii(", rip 0x");
    private static final byte[] IMMEDIATE = ascii("[immediate exit]");
    private static final byte[] SP_IMMEDIATE = ascii(" [immediate exit]");
    private static final byte[] REASON = ascii(" reason ");
    private static final byte[] INFO1 = ascii(" info1 0x");
    private static final byte[] INFO2 = ascii(" info2 0x");
    private static final byte[] INTR_INFO = ascii(" intr_info 0x");

    // small caches of repeated strings, compared by bytes
    private final byte[][] keys = new byte[16][];
    private final String[] values = new String[16];

    private byte[] b;
    private int end;
    private int p;
    private boolean ok;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The kind of payload read here for event {@code name}, 0 for none. */
    static int kind(String name) {
        switch (name) {
        case "kvm_tdp_mmu_spte_changed":
            return SPTE_CHANGED;
        case "kvm_mmu_set_spte":
            return SET_SPTE;
        case "kvm_mmu_spte_requested":
            return SPTE_REQUESTED;
        case "kvm_page_fault":
            return PAGE_FAULT;
        case "kvm_entry":
            return ENTRY;
        case "kvm_exit":
            return EXIT;
        default:
            return 0;
        }
    }

    /** The payload in {@code s[from, to)} (printable ASCII) of an event of this kind, or null: EventParser decides. */
    Payload parse(int kind, byte[] s, int from, int to) {
        b = s;
        p = from;
        end = to;
        ok = true;
        try {
            switch (kind) {
            case SPTE_CHANGED: {
                lit(AS_ID);
                int as = i32();
                lit(GFN_);
                long gfn = hex();
                lit(LEVEL_);
                int level = i32();
                lit(OLD_SPTE);
                long old = hex();
                lit(NEW_SPTE);
                long neu = hex();
                return end() ? new TdpMmuSpteChanged(as, gfn, level, old, neu) : null;
            }
            case SET_SPTE: {
                lit(GFN);
                long gfn = hex();
                lit(SPTE_);
                long spte = hex();
                lit(OPEN);
                String perm = perm();
                lit(CLOSE_LEVEL);
                int level = i32();
                lit(AT);
                long at = hex();
                return end() ? new MmuSetSpte(gfn, spte, perm, level, at) : null;
            }
            case SPTE_REQUESTED: {
                lit(GFN);
                long gfn = hex();
                lit(PFN_);
                long pfn = hex();
                lit(LEVEL_);
                int level = i32();
                return end() ? new MmuSpteRequested(gfn, pfn, level) : null;
            }
            case PAGE_FAULT:
                return pageFault();
            case ENTRY:
                return entry();
            case EXIT:
                return exit();
            default:
                return null;
            }
        } catch (RuntimeException e) {
            return null;
        } finally {
            b = null;
        }
    }

    private Payload pageFault() {
        if (starts(VCPU)) {
            lit(VCPU);
            int vcpu = i32();
            lit(RIP_0X);
            long rip = hex();
            lit(ADDRESS_0X);
            long address = hex();
            lit(ERROR_CODE_0X);
            long error = hex();
            return end() ? new KvmPageFault(vcpu, rip, address, error) : null;
        }
        lit(ADDRESS);
        long address = hex();
        lit(ERROR_CODE);
        long error = hex();
        return end() ? new KvmPageFault(null, null, address, error) : null;
    }

    private Payload entry() {
        lit(VCPU);
        int vcpu = i32();
        if (end()) {
            return new KvmEntry(vcpu, null, false, null, EntryText.VCPU);
        }
        if (!opt(COMMA_RIP_0X)) {
            return null; // the plugin's text (with a guest symbol) is EventParser's
        }
        long rip = hex();
        boolean immediate = opt(IMMEDIATE) || opt(SP_IMMEDIATE);
        return end() ? new KvmEntry(vcpu, rip, immediate, null, EntryText.KERNEL) : null;
    }

    /** The 5.10+ kernel text of kvm_exit; the older ones are EventParser's. */
    private Payload exit() {
        if (!starts(VCPU)) {
            return null;
        }
        lit(VCPU);
        int vcpu = i32();
        lit(REASON);
        int r = p;
        int rip = indexOf(RIP_0X, r);
        if (!ok || rip <= r) {
            return null;
        }
        String reason = cached(r, rip);
        p = rip;
        lit(RIP_0X);
        long ripValue = hex();
        lit(INFO1);
        long info1 = hex();
        lit(INFO2);
        long info2 = hex();
        lit(INTR_INFO);
        long intr = hex();
        lit(ERROR_CODE_0X);
        long error = hex();
        return end() ? new KvmExit(vcpu, reason, ripValue, null, info1, info2, intr, error, ExitText.KERNEL) : null;
    }

    // ---- the cursor, as EventParser.Scan ---------------------------------------------------------

    private boolean starts(byte[] t) {
        return p + t.length <= end && Arrays.equals(b, p, p + t.length, t, 0, t.length);
    }

    private void lit(byte[] t) {
        if (ok && starts(t)) {
            p += t.length;
        } else {
            ok = false;
        }
    }

    private boolean opt(byte[] t) {
        if (ok && starts(t)) {
            p += t.length;
            return true;
        }
        return false;
    }

    /** First index at or after {@code from} where {@code t} lies wholly before the end, or -1. */
    private int indexOf(byte[] t, int from) {
        byte first = t[0];
        for (int i = from, last = end - t.length; i <= last; i++) {
            if (b[i] == first && Arrays.equals(b, i, i + t.length, t, 0, t.length)) {
                return i;
            }
        }
        return -1;
    }

    /** Up to 16 significant hex digits (a u64). */
    private long hex() {
        if (!ok) {
            return 0;
        }
        int start = p;
        long v = 0;
        byte[] s = b;
        int n = end;
        while (p < n) {
            int ch = s[p];
            int d;
            if (ch >= '0' && ch <= '9') {
                d = ch - '0';
            } else if (ch >= 'a' && ch <= 'f') {
                d = ch - 'a' + 10;
            } else if (ch >= 'A' && ch <= 'F') {
                d = ch - 'A' + 10;
            } else {
                break;
            }
            if ((v >>> 60) != 0) {
                ok = false; // more than 64 bits
                return 0;
            }
            v = v << 4 | d;
            p++;
        }
        if (p == start) {
            ok = false;
        }
        return v;
    }

    /** A signed decimal that fits a long. */
    private long dec() {
        if (!ok) {
            return 0;
        }
        boolean neg = p < end && b[p] == '-';
        int start = neg ? p + 1 : p;
        int q = start;
        while (q < end && b[q] >= '0' && b[q] <= '9') {
            q++;
        }
        if (q == start || q - start > 18) {
            ok = false;
            return 0;
        }
        long v = 0;
        for (int i = start; i < q; i++) {
            v = v * 10 + (b[i] - '0');
        }
        p = q;
        return neg ? -v : v;
    }

    private int i32() {
        long v = dec();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            ok = false;
            return 0;
        }
        return (int) v;
    }

    /** {@code [r-][w-][x-][u-]?}, the permission text of kvm_mmu_set_spte. */
    private String perm() {
        if (!ok || p + 3 > end) {
            ok = false;
            return "";
        }
        int len = p + 4 <= end && (b[p + 3] == 'u' || b[p + 3] == '-') ? 4 : 3;
        if ((b[p] != 'r' && b[p] != '-') || (b[p + 1] != 'w' && b[p + 1] != '-')
                || (b[p + 2] != 'x' && b[p + 2] != '-')) {
            ok = false;
            return "";
        }
        String t = cached(p, p + len);
        p += len;
        return t;
    }

    /** The text of b[from, to), the same String as the last time these bytes were seen. */
    private String cached(int from, int to) {
        int len = to - from;
        int slot = (len * 31 + b[from] * 7 + b[to - 1] * 3 + b[from + len / 2]) & (keys.length - 1);
        byte[] k = keys[slot];
        if (k != null && k.length == len && Arrays.equals(k, 0, len, b, from, to)) {
            return values[slot];
        }
        keys[slot] = Arrays.copyOfRange(b, from, to);
        return values[slot] = new String(b, from, len, StandardCharsets.ISO_8859_1);
    }

    private boolean end() {
        return ok && p == end;
    }
}
