/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.tdpscope.trace.ByteStrings.HIGH;
import static org.tdpscope.trace.ByteStrings.ONES;

import java.nio.charset.StandardCharsets;

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
    static final int FAST_PAGE_FAULT = 7;

    private static final Lit AS_ID = new Lit("as id ");
    private static final Lit GFN_ = new Lit(" gfn ");
    private static final Lit LEVEL_ = new Lit(" level ");
    private static final Lit OLD_SPTE = new Lit(" old_spte ");
    private static final Lit NEW_SPTE = new Lit(" new_spte ");
    private static final Lit GFN = new Lit("gfn ");
    private static final Lit SPTE_ = new Lit(" spte ");
    private static final Lit OPEN = new Lit(" (");
    private static final Lit CLOSE_LEVEL = new Lit(") level ");
    private static final Lit AT = new Lit(" at ");
    private static final Lit PFN_ = new Lit(" pfn ");
    private static final Lit VCPU = new Lit("vcpu ");
    private static final Lit RIP_0X = new Lit(" rip 0x");
    private static final Lit ADDRESS_0X = new Lit(" address 0x");
    private static final Lit ERROR_CODE_0X = new Lit(" error_code 0x");
    private static final Lit ADDRESS = new Lit("address ");
    private static final Lit ERROR_CODE = new Lit(" error_code ");
    private static final Lit COMMA_RIP_0X = new Lit(", rip 0x");
    private static final Lit IMMEDIATE = new Lit("[immediate exit]");
    private static final Lit SP_IMMEDIATE = new Lit(" [immediate exit]");
    private static final Lit REASON = new Lit(" reason ");
    private static final Lit INFO1 = new Lit(" info1 0x");
    private static final Lit INFO2 = new Lit(" info2 0x");
    private static final Lit INTR_INFO = new Lit(" intr_info 0x");

    private static final Lit GVA = new Lit(" gva ");
    private static final Lit SPTEP = new Lit(" sptep ");
    private static final Lit OLD_ = new Lit(" old ");
    private static final Lit OX = new Lit("0x");
    private static final Lit NEW_ = new Lit(" new ");
    private static final Lit SPURIOUS = new Lit(" spurious ");
    private static final Lit FIXED = new Lit(" fixed ");

    /** Value of each hex digit byte, -1 for any other byte. */
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
            HEX[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
        }
    }

    /**
     * A literal of a printk format, compared as one to three 64-bit words (the first and last eight bytes,
     * and the middle ones of a longer literal) instead of byte by byte.
     */
    private static final class Lit {
        final byte[] bytes;
        final int len;
        final long head; // bytes [0, 8), or the whole literal zero-padded
        final long mid; // bytes [8, 16) of a literal longer than 16
        final long tail; // the last 8 bytes

        Lit(String text) {
            bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            len = bytes.length;
            if (len > 24) {
                throw new IllegalArgumentException(text);
            }
            head = ByteStrings.word(bytes, 0, Math.min(8, len));
            mid = len > 16 ? ByteStrings.word(bytes, 8, 16) : 0;
            tail = len >= 8 ? ByteStrings.word(bytes, len - 8, len) : head;
        }

        /** Whether {@code b[p, end)} starts with this literal. */
        boolean at(byte[] b, int p, int end) {
            if (p + len > end) {
                return false;
            }
            if (len >= 8) {
                return (long) ByteStrings.LONGS.get(b, p) == head
                        && (long) ByteStrings.LONGS.get(b, p + len - 8) == tail
                        && (len <= 16 || (long) ByteStrings.LONGS.get(b, p + 8) == mid);
            }
            return ByteStrings.word(b, p, p + len) == head;
        }
    }

    // small cache of repeated strings (permissions, exit reasons, error codes, hashed pointers)
    private final ByteStrings strings = new ByteStrings(32);

    private byte[] b;
    private int end;
    private int p;
    private boolean ok;

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
        case "fast_page_fault":
            return FAST_PAGE_FAULT;
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
            case FAST_PAGE_FAULT:
                return fastPageFault();
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

    /**
     * EventParser's regex {@code vcpu (\d+) gva ([0-9a-f]+) error_code ([A-Z|]*) sptep (\S+) old
     * (?:0x)?([0-9a-f]+) new ([0-9a-f]+) spurious ([01]) fixed ([01])}, read in place.
     */
    private Payload fastPageFault() {
        lit(VCPU);
        int q = p;
        while (q < end && b[q] >= '0' && b[q] <= '9') {
            q++;
        }
        if (!ok || q == p || q - p > 9) {
            return null; // no number, or one Integer.parseInt might refuse: EventParser decides
        }
        int vcpu = i32();
        lit(GVA);
        long gva = lowerHex();
        lit(ERROR_CODE);
        int e0 = p;
        while (p < end && (b[p] >= 'A' && b[p] <= 'Z' || b[p] == '|')) {
            p++;
        }
        String error = ok ? strings.string(b, e0, p) : "";
        lit(SPTEP);
        int s0 = p;
        while (p < end && b[p] != ' ' && b[p] != '\t') { // the line is printable ASCII, tab the only other blank
            p++;
        }
        if (!ok || p == s0) {
            return null;
        }
        String sptep = strings.string(b, s0, p);
        lit(OLD_);
        if (ok && OX.at(b, p, end) && p + 2 < end && isLowerHex(b[p + 2])) {
            p += 2;
        }
        long old = lowerHex();
        lit(NEW_);
        long neu = lowerHex();
        lit(SPURIOUS);
        int spurious = bit();
        lit(FIXED);
        int fixed = bit();
        return end() ? new FastPageFault(vcpu, gva, error, sptep, old, neu, spurious == 1, fixed == 1) : null;
    }

    // ---- the cursor, as EventParser.Scan ---------------------------------------------------------

    private boolean starts(Lit t) {
        return t.at(b, p, end);
    }

    private void lit(Lit t) {
        if (ok && t.at(b, p, end)) {
            p += t.len;
        } else {
            ok = false;
        }
    }

    private boolean opt(Lit t) {
        if (ok && t.at(b, p, end)) {
            p += t.len;
            return true;
        }
        return false;
    }

    /** First index at or after {@code from} where {@code t} lies wholly before the end, or -1. */
    private int indexOf(Lit t, int from) {
        byte first = t.bytes[0];
        for (int i = from, last = end - t.len; i <= last; i++) {
            if (b[i] == first && t.at(b, i, end)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isLowerHex(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
    }

    /** {@code [0-9a-f]+} that fits 64 bits (Long.parseUnsignedLong's limit). */
    private long lowerHex() {
        if (!ok) {
            return 0;
        }
        int q = p;
        while (q < end && isLowerHex(b[q])) {
            q++;
        }
        if (q == p) {
            ok = false;
            return 0;
        }
        int start = p;
        long v = hex();
        if (ok && p != q) {
            ok = false; // hex() stopped early: more than 64 bits
        }
        return start == q ? 0 : v;
    }

    /** {@code [01]}. */
    private int bit() {
        if (ok && p < end && (b[p] == '0' || b[p] == '1')) {
            return b[p++] - '0';
        }
        ok = false;
        return 0;
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
        // eight digits at a time; the word may reach past the end (never past the array): only the bytes
        // before the end count, and only those are known to be ASCII
        while (p < n && p + 8 <= s.length) {
            long w = (long) ByteStrings.LONGS.get(s, p);
            if (n - p < 8) {
                w &= -1L >>> (8 - (n - p)) * 8; // bytes past the end become NUL, no digit
            }
            long digit = ByteStrings.digitBytes(w);
            long l = w | 0x20 * ONES; // 'A'..'F' as 'a'..'f'
            long alpha = (l + 0x1f * ONES) & ~(l + 0x19 * ONES) & HIGH; // 'a'..'f'
            long valid = digit | alpha;
            int k = valid == HIGH ? 8 : ByteStrings.firstFlaggedByte(~valid & HIGH); // leading digits
            if (k == 0) {
                break;
            }
            if ((v >>> (64 - 4 * k)) != 0) {
                ok = false; // more than 64 bits
                return 0;
            }
            long x = (w & 0x0f * ONES) + 9 * (alpha >>> 7); // each byte's value, first digit lowest
            x <<= (8 - k) * 8; // the k digits as an 8-digit number with leading zeros
            x = (x << 4 | x >>> 8) & 0x00ff00ff00ff00ffL;
            x = (x << 8 | x >>> 16) & 0x0000ffff0000ffffL;
            x = (x << 16 | x >>> 32) & 0xffffffffL;
            v = k == 8 ? v << 32 | x : v << 4 * k | x;
            p += k;
            if (k < 8) {
                return v;
            }
        }
        while (p < n) {
            int d = HEX[s[p] & 0xff];
            if (d < 0) {
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
        return strings.string(b, from, to);
    }

    private boolean end() {
        return ok && p == end;
    }
}
