/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code run --trace-event}: the Trace Event Format's rules a viewer relies on (the array first,
 * numeric pid and tid, a name for every thread, complete slices that nest on each thread, one
 * counter per root), and one example against its golden file.
 */
class TraceEventFormatTest {

    private static final Path GOLDEN = Path.of("golden/seed-terminate.terminate.trace.json");

    @Test
    void aRunOpensInTraceViewers(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("seed.json");
        MainTest.Outcome o = MainTest.tdpscope("run", MainTest.EXAMPLES.resolve("seed-terminate.tdp").toString(),
                "--policy", "terminate", "--quiet", "--trace-event", out.toString());
        assertEquals(0, o.code(), o.err());
        String text = Files.readString(out);
        assertTrue(text.startsWith("{\"traceEvents\":["), "traceEvents first");
        JsonObject doc = JsonParser.parseString(text).getAsJsonObject();
        Set<Integer> named = new HashSet<>();
        Map<Integer, List<long[]>> slices = new HashMap<>();
        Set<String> counters = new HashSet<>();
        for (JsonElement el : doc.getAsJsonArray("traceEvents")) {
            JsonObject e = el.getAsJsonObject();
            String ph = e.get("ph").getAsString();
            assertTrue(e.get("pid").getAsJsonPrimitive().isNumber(), "numeric pid: " + e);
            if (!ph.equals("C")) {
                assertTrue(e.get("tid").getAsJsonPrimitive().isNumber(), "numeric tid: " + e);
            }
            switch (ph) {
                case "M" -> {
                    if (e.get("name").getAsString().equals("thread_name")) {
                        named.add(e.get("tid").getAsInt());
                    }
                }
                case "X" -> {
                    long ts = e.get("ts").getAsLong();
                    long dur = e.get("dur").getAsLong();
                    assertTrue(dur >= 0, e.toString());
                    slices.computeIfAbsent(e.get("tid").getAsInt(), t -> new ArrayList<>()).add(new long[] { ts, ts + dur });
                }
                case "i" -> assertTrue(e.get("s").getAsString().equals("t"), e.toString());
                case "C" -> {
                    assertTrue(e.get("name").getAsString().startsWith("refcount "), e.toString());
                    assertTrue(e.getAsJsonObject("args").get("rc").getAsJsonPrimitive().isNumber(), e.toString());
                    counters.add(e.get("name").getAsString());
                }
                default -> throw new AssertionError("unexpected phase " + ph);
            }
        }
        for (Map.Entry<Integer, List<long[]>> t : slices.entrySet()) {
            assertTrue(named.contains(t.getKey()), "thread " + t.getKey() + " has a name");
            List<long[]> s = t.getValue();
            s.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
            List<long[]> stack = new ArrayList<>();
            for (long[] x : s) {
                while (!stack.isEmpty() && stack.get(stack.size() - 1)[1] <= x[0]) {
                    stack.remove(stack.size() - 1);
                }
                assertTrue(stack.isEmpty() || x[1] <= stack.get(stack.size() - 1)[1],
                        "slices nest on thread " + t.getKey() + ": " + x[0] + ".." + x[1]);
                stack.add(x);
            }
        }
        assertEquals(Set.of("refcount A", "refcount B", "refcount C", "refcount D"), counters);
        assertTrue(text.contains("\"name\":\"walker\"") || text.contains("write-protect"), "the walk is a slice");
        if ("1".equals(System.getenv("TDPSCOPE_UPDATE_GOLDEN"))) {
            Files.writeString(GOLDEN, text, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN), text, "golden file " + GOLDEN);
    }
}
