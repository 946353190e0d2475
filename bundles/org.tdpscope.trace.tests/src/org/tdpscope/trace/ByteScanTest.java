/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The reader's word-at-a-time byte scans against the obvious byte loops, on every start and end of random
 * arrays mixing digits, colons, other ASCII and non-ASCII bytes (a carry out of a non-ASCII byte must not
 * change what is found below it).
 */
class ByteScanTest {

    private static final byte[] ALPHABET = "0123456789:: ab_.\t\u007f"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @Test
    void firstFlaggedByteIsTheLowestFlaggedByte() {
        for (int k = 0; k < 8; k++) {
            for (int above = 0; above < 256; above++) {
                long x = 0x80L << 8 * k;
                for (int j = k + 1; j < 8; j++) {
                    if ((above >> j & 1) != 0) {
                        x |= 0x80L << 8 * j;
                    }
                }
                assertEquals(Long.numberOfTrailingZeros(x) >>> 3, ByteStrings.firstFlaggedByte(x),
                        Long.toHexString(x));
            }
        }
    }

    @Test
    void indexOfAndDigitsMatchByteLoops() {
        Random rnd = new Random(15);
        for (int round = 0; round < 300; round++) {
            byte[] s = new byte[rnd.nextInt(40)];
            for (int i = 0; i < s.length; i++) {
                int pick = rnd.nextInt(10);
                s[i] = pick < 6 ? ALPHABET[rnd.nextInt(10)] // runs of digits
                        : pick < 9 ? ALPHABET[rnd.nextInt(ALPHABET.length)] : (byte) (0x80 + rnd.nextInt(128));
            }
            for (int from = 0; from <= s.length; from++) {
                for (int to = from; to <= s.length; to++) {
                    int colon = from;
                    while (colon < to && s[colon] != ':') {
                        colon++;
                    }
                    assertEquals(colon, ByteStrings.indexOf(s, from, to, (byte) ':'));
                    int digit = from;
                    while (digit < to && s[digit] >= '0' && s[digit] <= '9') {
                        digit++;
                    }
                    assertEquals(digit - from, ByteStrings.digits(s, from, to));
                }
            }
        }
    }
}
