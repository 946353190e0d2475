/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a member joins: the address it listens on (loopback unless told otherwise, so nothing is reachable from
 * another machine by default), the members it looks for (an explicit list: no multicast, no discovery), the
 * cluster's name (members of another name are not let in), its search threads.
 *
 * @param bindHost   the IP address to listen on (only that interface)
 * @param bindPort   the first port to try; the next ones are tried when it is taken (several members on one
 *                   machine)
 * @param members    {@code HOST:PORT} of members to join (the coordinator's address for a worker)
 * @param name       the cluster's name
 * @param threads    search threads on this member
 */
public record ClusterOptions(String bindHost, int bindPort, List<String> members, String name, int threads) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5701;
    public static final String DEFAULT_NAME = "tdpscope";

    public ClusterOptions {
        members = List.copyOf(members);
        if (threads < 1) {
            throw new IllegalArgumentException("a member needs at least one search thread");
        }
    }

    /**
     * Options from the command line's words.
     *
     * @param bind    {@code ADDR:PORT}, {@code ADDR} or {@code :PORT} (null: 127.0.0.1:5701)
     * @param members {@code HOST:PORT} each (a port alone means this machine)
     * @throws IllegalArgumentException a message naming the option and what is wrong with it
     */
    public static ClusterOptions parse(String bind, List<String> members, String name, int threads) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        if (bind != null) {
            int colon = bind.lastIndexOf(':');
            String h = colon < 0 ? bind : bind.substring(0, colon);
            if (colon >= 0) {
                port = port("--bind", bind, bind.substring(colon + 1));
            }
            if (!h.isEmpty()) {
                host = address("--bind", h);
            }
        }
        List<String> ms = new ArrayList<>();
        for (String m : members) {
            for (String one : m.split(",")) {
                one = one.trim();
                if (one.isEmpty()) {
                    continue;
                }
                int colon = one.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("--join/--members: '" + one + "' is not HOST:PORT");
                }
                ms.add(address("--join/--members", one.substring(0, colon)) + ":" + port("--join/--members", one,
                        one.substring(colon + 1)));
            }
        }
        if (name == null || name.isBlank()) {
            name = DEFAULT_NAME;
        }
        return new ClusterOptions(host, port, ms, name, threads);
    }

    private static int port(String option, String whole, String p) {
        try {
            int v = Integer.parseInt(p);
            if (v >= 1 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " '" + whole + "': the port is a number from 1 to 65535");
    }

    private static String address(String option, String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": unknown host '" + host + "'");
        }
    }
}
