/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tdpscope.sim.EventType;
import org.tdpscope.sim.TraceEvent;

/**
 * A run in the Trace Event Format (the JSON that Perfetto UI, chrome://tracing and Trace Compass
 * open): one process for the VM, one thread per simulated thread (named by metadata events), walks,
 * lock holds and yields as complete slices that nest properly on each thread (a walk spans from the
 * lock taken to start it to the lock dropped after it; holds and yields lie inside), root life events
 * and violations as instants, and each root's refcount as a counter. One step is one microsecond.
 */
final class TraceEventFormat {

    private TraceEventFormat() {
    }

    private record Slice(String name, long ts, long dur, int tid, String cat) {
    }

    /** The whole document for one run's events. */
    static String json(String scenario, String kernel, String policy, List<TraceEvent> events) {
        Map<String, Integer> tids = new LinkedHashMap<>();
        for (TraceEvent e : events) {
            tids.computeIfAbsent(e.thread(), t -> tids.size() + 1);
        }
        List<Slice> slices = new ArrayList<>();
        Map<String, Deque<long[]>> open = new LinkedHashMap<>(); // thread -> stack of {kind, start}
        Map<String, Long> yielded = new LinkedHashMap<>();
        Map<String, String> heldName = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            int tid = tids.get(e.thread());
            switch (e.type()) {
                case LOCK_ACQUIRE -> {
                    Long y = yielded.remove(e.thread());
                    if (y != null) { // the yield lasted until the walker took the lock again
                        slices.add(new Slice("yielded", y, e.step() - y, tid, "walk"));
                    }
                    open.computeIfAbsent(e.thread(), t -> new ArrayDeque<>()).push(new long[] { i, e.step() });
                    heldName.put(e.thread() + "#" + i, e.detail());
                }
                case LOCK_RELEASE -> {
                    Deque<long[]> st = open.get(e.thread());
                    if (st != null && !st.isEmpty()) {
                        long[] top = st.pop();
                        String name = heldName.remove(e.thread() + "#" + top[0]);
                        slices.add(new Slice(name == null ? "lock" : name, top[1], e.step() - top[1], tid, "lock"));
                    }
                }
                case WALK_YIELD -> yielded.put(e.thread(), e.step());
                default -> {
                }
            }
        }
        // walks: from the lock acquire just before walk.start to the release just after walk.end
        Map<String, Long> walkStart = new LinkedHashMap<>();
        Map<String, String> walkName = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            if (e.is(EventType.WALK_START)) {
                long start = e.step();
                if (i > 0 && events.get(i - 1).is(EventType.LOCK_ACQUIRE) && events.get(i - 1).thread().equals(e.thread())) {
                    start = events.get(i - 1).step();
                }
                walkStart.put(e.thread(), start);
                walkName.put(e.thread(), e.detail() == null ? "walk" : e.detail());
            } else if (e.is(EventType.WALK_END) && walkStart.containsKey(e.thread())) {
                long end = e.step();
                for (int j = i + 1; j < events.size(); j++) {
                    TraceEvent n = events.get(j);
                    if (n.thread().equals(e.thread())) {
                        if (n.is(EventType.LOCK_RELEASE)) {
                            end = n.step();
                        }
                        break;
                    }
                }
                long s = walkStart.remove(e.thread());
                slices.add(new Slice(walkName.remove(e.thread()), s, end - s, tids.get(e.thread()), "walk"));
            }
        }
        // outer slices first at equal start, so a viewer nests them
        slices.sort((a, b) -> a.ts() != b.ts() ? Long.compare(a.ts(), b.ts()) : Long.compare(b.dur(), a.dur()));

        StringBuilder sb = new StringBuilder(64 * events.size() + 256);
        sb.append("{\"traceEvents\":[\n");
        List<String> items = new ArrayList<>();
        items.add("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":" + q("VM: " + scenario)
                + "}}");
        for (Map.Entry<String, Integer> t : tids.entrySet()) {
            items.add("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":" + t.getValue() + ",\"args\":{\"name\":"
                    + q(t.getKey()) + "}}");
            items.add("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":" + t.getValue()
                    + ",\"args\":{\"sort_index\":" + t.getValue() + "}}");
        }
        for (Slice s : slices) {
            items.add("{\"ph\":\"X\",\"name\":" + q(s.name()) + ",\"cat\":" + q(s.cat()) + ",\"pid\":1,\"tid\":" + s.tid()
                    + ",\"ts\":" + s.ts() + ",\"dur\":" + Math.max(0, s.dur()) + "}");
        }
        for (TraceEvent e : events) {
            int tid = tids.get(e.thread());
            String what = switch (e.type()) {
                case ROOT_CREATE, ROOT_REUSE, ROOT_INVALIDATE, ROOT_UNLINK, ROOT_FREE, ROOT_SCHEDULE_ZAP, WORK_QUEUE ->
                        e.type().id() + " " + e.root();
                case VIOLATION -> "violation " + e.invariant().word() + (e.root() == null ? "" : " " + e.root());
                case VCPU_RELOAD_REQUEST, MEMSLOT, RCU_SYNC, WALK_RESTART -> e.type().id();
                default -> null;
            };
            if (what != null) {
                items.add("{\"ph\":\"i\",\"s\":\"t\",\"name\":" + q(what) + ",\"cat\":" + q(e.type().id()) + ",\"pid\":1,"
                        + "\"tid\":" + tid + ",\"ts\":" + e.step() + ",\"args\":{\"step\":" + e.step()
                        + (e.detail() == null ? "" : ",\"detail\":" + q(e.detail())) + "}}");
            }
            if (e.root() != null && e.rc() >= 0) {
                items.add("{\"ph\":\"C\",\"name\":" + q("refcount " + e.root()) + ",\"pid\":1,\"ts\":" + e.step()
                        + ",\"args\":{\"rc\":" + e.rc() + "}}");
            }
        }
        sb.append(String.join(",\n", items));
        sb.append("\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"scenario\":").append(q(scenario)).append(",\"kernel\":")
                .append(q(kernel)).append(",\"policy\":").append(q(policy)).append(",\"timeUnit\":\"1 step = 1 us\"}}\n");
        return sb.toString();
    }

    /** A JSON string. */
    static String q(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        org.tdpscope.model.io.TraceJsonl.quote(b, s);
        return b.toString();
    }
}
