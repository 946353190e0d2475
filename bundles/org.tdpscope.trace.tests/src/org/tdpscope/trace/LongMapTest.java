/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The reconstruction's long-keyed map against HashMap, with the key shapes it sees (aligned addresses). */
class LongMapTest {

    @Test
    void behavesLikeAHashMap() {
        LongMap<String> m = new LongMap<>();
        Map<Long, String> ref = new HashMap<>();
        Random rnd = new Random(15);
        for (int i = 0; i < 200_000; i++) {
            long key = (long) rnd.nextInt(4096) << 12; // page-aligned, as host addresses are
            switch (rnd.nextInt(3)) {
            case 0:
                String v = "v" + i;
                m.put(key, v);
                ref.put(key, v);
                break;
            case 1:
                String cur = ref.get(key);
                if (cur != null) {
                    boolean same = rnd.nextBoolean();
                    m.remove(key, same ? cur : "other"); // removes only the identical value
                    if (same) {
                        ref.remove(key);
                    }
                }
                break;
            default:
                assertSame(ref.get(key), m.get(key));
            }
        }
        assertEquals(ref.size(), m.size());
        ref.forEach((k, v) -> assertSame(v, m.get(k)));
    }
}
