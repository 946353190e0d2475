/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The byte parsers of the frequent payloads ({@link BytePayloads}) agree with {@link EventParser} on
 * every text they accept, at the edges of their word-at-a-time reading: numbers of 1 to 20 digits,
 * leading zeros, upper-case hex, more than 64 bits, and hex digits lying right after the payload in the
 * buffer (a reused block array holds old bytes there).
 */
class BytePayloadsTest {

    private static final String[] NUMBERS = { "0", "7", "1f", "abcdef", "ABCDEF", "12345678", "123456789",
            "ffffffffffffffff", "FFFFFFFFFFFFFFFF", "0000000000000000001", "10000000000000000", "00000000ffffffff0",
            "7fffffff", "80000000", "x", "" };

    /** Every text of {@code template} with each number in place of {@code #}, one slot at a time. */
    private static List<String> variants(String template) {
        List<String> out = new ArrayList<>();
        int slots = template.split("#", -1).length - 1;
        for (int slot = 0; slot < slots; slot++) {
            for (String n : NUMBERS) {
                StringBuilder b = new StringBuilder();
                int k = 0;
                for (char c : template.toCharArray()) {
                    if (c == '#') {
                        b.append(k++ == slot ? n : "1");
                    } else {
                        b.append(c);
                    }
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    private static int check(String name, String template) {
        BytePayloads bp = new BytePayloads();
        int kind = BytePayloads.kind(name);
        int accepted = 0;
        for (String text : variants(template)) {
            for (String after : new String[] { "", "\n", "fedcba9876543210", " 1" }) {
                byte[] b = (" " + text + after).getBytes(StandardCharsets.ISO_8859_1);
                Payload fast = bp.parse(kind, b, 1, 1 + text.length());
                Payload slow = EventParser.parse(name, text);
                if (fast != null) { // null: the reader asks EventParser, so only a payload must agree
                    assertEquals(slow, fast, name + ": " + text + " (then '" + after + "')");
                    accepted++;
                }
            }
        }
        return accepted;
    }

    @Test
    void agreeWithEventParser() {
        int n = 0;
        n += check("kvm_tdp_mmu_spte_changed", "as id # gfn # level # old_spte # new_spte #");
        n += check("kvm_mmu_set_spte", "gfn # spte # (rwxu) level # at #");
        n += check("kvm_mmu_set_spte", "gfn # spte # (r-x) level # at #");
        n += check("kvm_mmu_spte_requested", "gfn # pfn # level #");
        n += check("kvm_page_fault", "vcpu # rip 0x# address 0x# error_code 0x#");
        n += check("kvm_page_fault", "address # error_code #");
        n += check("kvm_entry", "vcpu # rip 0x#");
        n += check("kvm_entry", "vcpu # rip 0x# [immediate exit]");
        n += check("kvm_exit", "vcpu # reason EPT_VIOLATION rip 0x# info1 0x# info2 0x# intr_info 0x# error_code 0x#");
        n += check("fast_page_fault", "vcpu # gva # error_code P|W sptep # old 0x# new # spurious 1 fixed 0");
        n += check("fast_page_fault", "vcpu # gva # error_code  sptep # old # new # spurious 0 fixed 1");
        assertEquals(true, n > 500, "the byte parsers took " + n + " texts");
    }

    @Test
    void fastPageFaultFields() {
        String text = "vcpu 3 gva 7ffde000 error_code P|W sptep 00000000aa55aa55 old 0x6000012345b75 new 6000012345b77 "
                + "spurious 0 fixed 1";
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        Payload p = new BytePayloads().parse(BytePayloads.FAST_PAGE_FAULT, b, 0, b.length);
        assertNotNull(p);
        assertEquals(new Payload.FastPageFault(3, 0x7ffde000L, "P|W", "00000000aa55aa55", 0x6000012345b75L,
                0x6000012345b77L, false, true), p);
        // upper-case hex is no [0-9a-f] of fast_page_fault's format: EventParser refuses it, so must this
        byte[] upper = text.replace("7ffde000", "7FFDE000").getBytes(StandardCharsets.ISO_8859_1);
        assertNull(new BytePayloads().parse(BytePayloads.FAST_PAGE_FAULT, upper, 0, upper.length));
    }
}
