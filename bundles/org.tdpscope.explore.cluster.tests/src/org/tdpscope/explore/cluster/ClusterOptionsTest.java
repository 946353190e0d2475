/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a member listens: only an address of this machine, never every interface; a port given is that port or a
 * clear error; the default port moves on to the next free one. Each refusal comes before Hazelcast starts, so it
 * logs nothing.
 */
class ClusterOptionsTest {

    /** What Hazelcast logs during a test (it would print a stack trace for an address it cannot take). */
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger hazelcast = Logger.getLogger("com.hazelcast");
    private final Handler catcher = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        hazelcast.addHandler(catcher);
    }

    @AfterEach
    void stopListening() {
        hazelcast.removeHandler(catcher);
    }

    private static String parseError(String bind) {
        return assertThrows(IllegalArgumentException.class, () -> ClusterOptions.parse(bind, List.of(), null, 1))
                .getMessage();
    }

    @Test
    void theWildcardIsRefusedWithAReason() {
        String m = parseError("0.0.0.0:5701");
        assertTrue(m.startsWith("--bind 0.0.0.0:5701: a member does not listen on every interface; give one of this"
                + " machine's interface addresses (e.g. "), m);
        assertTrue(m.endsWith(":5701)"), m);
        assertTrue(parseError("[::]:5702").startsWith("--bind [::]:5702: a member does not listen on every"), "IPv6");
        assertTrue(parseError("0.0.0.0").startsWith("--bind 0.0.0.0: a member does not listen"), "no port");
    }

    @Test
    void anAddressOfAnotherMachineIsRefused() {
        // TEST-NET-3 (RFC 5737): documentation only, never assigned to an interface
        String m = parseError("203.0.113.9:5701");
        assertTrue(m.startsWith("--bind 203.0.113.9:5701: not an address of this machine; give one of its interface"
                + " addresses (e.g. "), m);
        String example = m.substring(m.indexOf("(e.g. ") + 6, m.length() - 1);
        assertTrue(example.endsWith(":5701"), example);
        // the example given is one that passes
        assertEquals(5701, ClusterOptions.parse(example, List.of(), null, 1).bindPort());
    }

    @Test
    void aPortGivenIsTakenExactlyTheDefaultOneMovesOn() {
        ClusterOptions none = ClusterOptions.parse(null, List.of(), null, 1);
        assertEquals("127.0.0.1", none.bindHost());
        assertEquals(ClusterOptions.DEFAULT_PORT, none.bindPort());
        assertTrue(none.nextFreePort());
        assertTrue(ClusterOptions.parse("localhost", List.of(), null, 1).nextFreePort(), "an address alone");
        ClusterOptions given = ClusterOptions.parse("127.0.0.1:2024", List.of(), null, 1);
        assertEquals(2024, given.bindPort());
        assertFalse(given.nextFreePort());
        assertFalse(ClusterOptions.parse(":5701", List.of(), null, 1).nextFreePort(), "the default port, given");
        assertFalse(new ClusterOptions("127.0.0.1", 2024, List.of(), "t", 1).nextFreePort());
    }

    @Test
    void aPortGivenAndInUseIsAnErrorBeforeHazelcastStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            ClusterOptions o = ClusterOptions.parse("127.0.0.1:" + port, List.of("127.0.0.1:" + port), "t-" + port, 1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClusterMember.start(o,
                    System.err));
            assertEquals("--bind 127.0.0.1:" + port + ": the port is in use (by another program or another member on"
                    + " this machine); give a free port, or none to take the first free one from 5701",
                    e.getMessage());
        }
        synchronized (logged) {
            assertTrue(logged.isEmpty(), "Hazelcast logged: " + (logged.isEmpty() ? "" : logged.get(0).getMessage()));
        }
    }

    /** Taken by another member (of another cluster: they do not merge), as when two run on one machine. */
    @Test
    void theDefaultPortTakenMovesToTheNextFree() throws Exception {
        int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(20000);
        try (ClusterMember first = ClusterMember.start(new ClusterOptions("127.0.0.1", port, List.of(), "a-" + port,
                1), System.err)) {
            assertEquals("127.0.0.1:" + port, first.address());
            // as the default port: not given, so the next free one is taken
            ClusterOptions o = new ClusterOptions("127.0.0.1", port, List.of(), "b-" + port, 1, true);
            try (ClusterMember second = ClusterMember.start(o, System.err)) {
                assertEquals("127.0.0.1:" + (port + 1), second.address());
                assertEquals(1, second.members(), "another cluster's member is not let in");
            }
            // given, the same port is an error
            assertThrows(IllegalStateException.class, () -> ClusterMember.start(new ClusterOptions("127.0.0.1", port,
                    List.of(), "b-" + port, 1), System.err));
        }
    }
}
