/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where {@code explore --cluster} and {@code worker} listen, said before any cluster member starts: an address that
 * is not this machine's, the wildcard, a port in use are each one line and exit 2, with no Hazelcast log and no
 * stack trace, the same for both commands.
 */
class ClusterCliTest {

    static final String SCENARIO = MainTest.EXAMPLES.resolve("use-after-free.tdp").toString();

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
    void nothingLogged() {
        hazelcast.removeHandler(catcher);
        synchronized (logged) {
            assertTrue(logged.isEmpty(), "Hazelcast logged: " + (logged.isEmpty() ? "" : logged.get(0).getMessage()));
        }
    }

    /** Runs the command (a member that did start would wait for Ctrl-C: the time bound says so). */
    static MainTest.Outcome tdpscope(String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> MainTest.tdpscope(args),
                "a member started: " + String.join(" ", args));
    }

    /** The message line, then only the usual hint: no log, no stack trace. */
    static void oneLine(MainTest.Outcome o, String expected) {
        assertEquals(Main.BAD_INPUT, o.code(), o.err());
        String[] lines = o.err().split("\n");
        assertEquals(2, lines.length, o.err());
        assertTrue(lines[0].startsWith(expected), o.err());
        assertTrue(lines[1].startsWith("try 'tdpscope "), o.err());
        assertFalse(o.err().contains("Exception") || o.err().contains("SEVERE"), o.err());
        assertEquals("", o.out());
    }

    @Test
    void anAddressOfAnotherMachine() {
        // TEST-NET-3 (RFC 5737): documentation only, never an interface's
        oneLine(tdpscope("explore", SCENARIO, "--cluster", "--bind", "203.0.113.9:5701"),
                "tdpscope: --bind 203.0.113.9:5701: not an address of this machine; give one of its interface"
                        + " addresses (e.g. ");
        oneLine(tdpscope("worker", "--join", "127.0.0.1:5701", "--bind", "203.0.113.9:5701"),
                "tdpscope: --bind 203.0.113.9:5701: not an address of this machine; give one of its interface"
                        + " addresses (e.g. ");
    }

    @Test
    void everyInterfaceIsRefused() {
        String why = ": a member does not listen on every interface; give one of this machine's interface addresses"
                + " (e.g. ";
        oneLine(tdpscope("worker", "--join", "127.0.0.1:5701", "--bind", "0.0.0.0:5701"),
                "tdpscope: --bind 0.0.0.0:5701" + why);
        oneLine(tdpscope("explore", SCENARIO, "--cluster", "--bind", "0.0.0.0:5701"),
                "tdpscope: --bind 0.0.0.0:5701" + why);
    }

    /** A port given is that port: in use, it is an error, not the next one. */
    @Test
    void aPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String at = "127.0.0.1:" + taken.getLocalPort();
            String why = "tdpscope: --bind " + at + ": the port is in use (by another program or another member on"
                    + " this machine); give a free port, or none to take the first free one from 5701";
            oneLine(tdpscope("worker", "--join", at, "--bind", at), why);
            oneLine(tdpscope("explore", SCENARIO, "--cluster", "--bind", at), why);
        }
    }
}
