/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The few strings a trace repeats on every line (task names, flags, event names, permissions, exit
 * reasons), found again from their ASCII bytes without making a String: up to 32 bytes are compared as
 * four 64-bit words, so a hit costs a few loads instead of a copy or an array comparison. Two-way: a key
 * may sit in its slot or the one beside it, so two frequent keys of one slot do not evict each other on
 * every line. Each value carries an int tag (the event kind of a name). One per reader.
 */
final class ByteStrings {

    /** Little-endian 64-bit reads of a byte array, shared by the byte scanners of the reader. */
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int WORDS = 4;
    static final long ONES = 0x0101010101010101L;
    static final long HIGH = 0x8080808080808080L;
    private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;

    /**
     * The index of the lowest byte of {@code x} with its 0x80 bit set ({@code x} non-zero, with no other bits
     * set): what {@code Long.numberOfTrailingZeros(x) >>> 3} gives, by one multiply. The tdpscope launcher runs
     * an import on the client compiler, which has no intrinsic for numberOfTrailingZeros: its Java fallback costs
     * about 7 ns a call there, this about 1 ns, and it is no slower in the server compiler.
     */
    static int firstFlaggedByte(long x) {
        return (int) (((x & -x) >>> 7) * 0x0001020304050607L >>> 56);
    }

    /** 0x80 in each byte of {@code w} equal to {@code c}'s byte, 0 elsewhere (exact, no carries between bytes). */
    static long equalBytes(long w, long c) {
        long x = w ^ c;
        return ~((x & LOW7) + LOW7 | x | LOW7);
    }

    /** The index of the first byte {@code c} in {@code s[from, to)}, or {@code to}; eight bytes a step. */
    static int indexOf(byte[] s, int from, int to, byte c) {
        long cs = ONES * (c & 0xff);
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long equal = equalBytes((long) LONGS.get(s, i), cs);
            if (equal != 0) {
                return i + firstFlaggedByte(equal);
            }
        }
        while (i < to && s[i] != c) {
            i++;
        }
        return i;
    }

    /**
     * 0x80 in each byte of {@code w} that is '0'..'9', 0 elsewhere; exact for ASCII bytes (a byte from 0x80 up
     * may carry into the bytes above it).
     */
    static long digitBytes(long w) {
        return (w + 0x50 * ONES) & ~(w + 0x46 * ONES) & HIGH;
    }

    /** How many decimal digits start at {@code s[from]} (before {@code to}); eight bytes a step. */
    static int digits(byte[] s, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(s, i);
            // per byte: below '0' or above '9', or not ASCII; a carry out of a byte comes only from a
            // non-ASCII one, flagged itself, so every byte below the lowest flag is judged right
            long other = (~digitBytes(w) | w) & HIGH;
            if (other != 0) {
                return i - from + firstFlaggedByte(other);
            }
        }
        while (i < to && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        return i - from;
    }

    private final int mask;
    private final long[] words;
    private final int[] lens;
    private final String[] values;
    private final int[] tags;
    // the key of the last lookup, for put()
    private long k0;
    private long k1;
    private long k2;
    private long k3;
    private int slot;
    /** Tag of the value the last hit returned. */
    int tag;

    ByteStrings(int slots) {
        mask = slots - 1;
        words = new long[slots * WORDS];
        lens = new int[slots];
        values = new String[slots];
        tags = new int[slots];
        Arrays.fill(lens, -1);
    }

    /**
     * The bytes {@code s[from, to)} as a little-endian word, zero-padded; reads only inside
     * {@code s[from, to)} (at most 8 bytes of it).
     */
    static long word(byte[] s, int from, int to) {
        int len = to - from;
        if (len >= 8) {
            return (long) LONGS.get(s, from);
        }
        if (len <= 0) {
            return 0;
        }
        if (to >= 8) { // the 8 bytes ending at to, shifted down: no read outside the array
            return (long) LONGS.get(s, to - 8) >>> (8 - len) * 8;
        }
        long w = 0;
        for (int i = to - 1; i >= from; i--) {
            w = w << 8 | s[i] & 0xff;
        }
        return w;
    }

    /** The value for {@code s[from, to)} (its tag in {@link #tag}), or null: then {@link #put} it. */
    String get(byte[] s, int from, int to) {
        int len = to - from;
        if (len > 8 * WORDS) {
            slot = -1;
            return null;
        }
        long w0 = word(s, from, to);
        long w1 = len > 8 ? word(s, from + 8, to) : 0;
        long w2 = len > 16 ? word(s, from + 16, to) : 0;
        long w3 = len > 24 ? word(s, from + 24, to) : 0;
        long h = ((w0 * 0x9E3779B97F4A7C15L ^ w1) * 0x9E3779B97F4A7C15L ^ w2 ^ w3 >>> 7 ^ len)
                * 0xC2B2AE3D27D4EB4FL;
        int i = (int) (h ^ h >>> 32) & mask;
        k0 = w0;
        k1 = w1;
        k2 = w2;
        k3 = w3;
        slot = i;
        if (matches(i, len)) {
            tag = tags[i];
            return values[i];
        }
        if (matches(i ^ 1, len)) {
            tag = tags[i ^ 1];
            return values[i ^ 1];
        }
        return null;
    }

    private boolean matches(int i, int len) {
        int o = i * WORDS;
        return lens[i] == len && words[o] == k0 && words[o + 1] == k1 && words[o + 2] == k2 && words[o + 3] == k3;
    }

    /** Remembers {@code value} for the bytes of the last {@link #get} that missed. */
    void put(int len, String value, int valueTag) {
        int i = slot;
        if (i < 0) {
            return; // too long to keep
        }
        if (lens[i] >= 0) { // taken: the neighbour, which the last miss of this slot did not overwrite
            i ^= 1;
            if (lens[i] >= 0) {
                lens[i ^ 1] = -1; // both taken: the next miss of this slot takes the first again
            }
        }
        int o = i * WORDS;
        words[o] = k0;
        words[o + 1] = k1;
        words[o + 2] = k2;
        words[o + 3] = k3;
        lens[i] = len;
        values[i] = value;
        tags[i] = valueTag;
    }

    /** The ASCII text of {@code s[from, to)}, the same String as the last time these bytes were seen here. */
    String string(byte[] s, int from, int to) {
        String v = get(s, from, to);
        if (v == null) {
            v = new String(s, from, to - from, StandardCharsets.ISO_8859_1);
            put(to - from, v, 0);
        }
        return v;
    }
}
