/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How a member joins: the address it listens on (loopback unless told otherwise, so nothing is reachable from
 * another machine by default), the members it looks for (an explicit list: no multicast, no discovery), the
 * cluster's name (members of another name are not let in), its search threads.
 *
 * @param bindHost     the IP address to listen on (only that interface)
 * @param bindPort     the port to listen on
 * @param members      {@code HOST:PORT} of members to join (the coordinator's address for a worker)
 * @param name         the cluster's name
 * @param threads      search threads on this member
 * @param nextFreePort the port was not given: when it is taken, the next free one of {@link #PORT_COUNT} is
 *                     taken (several members on one machine); a port given is that port or an error
 */
public record ClusterOptions(String bindHost, int bindPort, List<String> members, String name, int threads,
        boolean nextFreePort) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 5701;
    public static final String DEFAULT_NAME = "tdpscope";
    /** The ports tried from the default one when it is taken. */
    public static final int PORT_COUNT = 20;

    public ClusterOptions {
        members = List.copyOf(members);
        if (threads < 1) {
            throw new IllegalArgumentException("a member needs at least one search thread");
        }
    }

    /** A member listening on exactly {@code bindHost:bindPort}. */
    public ClusterOptions(String bindHost, int bindPort, List<String> members, String name, int threads) {
        this(bindHost, bindPort, members, name, threads, false);
    }

    /**
     * Options from the command line's words.
     *
     * @param bind    {@code ADDR:PORT}, {@code ADDR} or {@code :PORT} (null: 127.0.0.1:5701); the address must be
     *                one of this machine's interfaces (not the wildcard: a member never listens on all of them)
     * @param members {@code HOST:PORT} each (a port alone means this machine)
     * @throws IllegalArgumentException a message naming the option and what is wrong with it
     */
    public static ClusterOptions parse(String bind, List<String> members, String name, int threads) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean nextFree = true;
        if (bind != null) {
            int colon = bind.lastIndexOf(':');
            String h = colon < 0 ? bind : bind.substring(0, colon);
            if (colon >= 0) {
                port = port("--bind", bind, bind.substring(colon + 1));
                nextFree = false;
            }
            if (!h.isEmpty()) {
                host = local(bind, h, port);
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
        return new ClusterOptions(host, port, ms, name, threads, nextFree);
    }

    /**
     * The IP address of {@code --bind}'s host, checked to be one this machine listens on, so Hazelcast is never
     * started on an address it cannot take (it would log and throw); the wildcard is refused: listening on every
     * interface would let any machine on any network in.
     */
    private static String local(String bind, String h, int port) {
        InetAddress a;
        try {
            a = InetAddress.getByName(h);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind: unknown host '" + h + "'");
        }
        if (a.isAnyLocalAddress()) {
            throw new IllegalArgumentException("--bind " + bind + ": a member does not listen on every interface;"
                    + " give one of this machine's interface addresses (e.g. " + example(port) + ")");
        }
        boolean here;
        try {
            here = NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            here = false;
        }
        if (!here) {
            throw new IllegalArgumentException("--bind " + bind + ": not an address of this machine; give one of its"
                    + " interface addresses (e.g. " + example(port) + ")");
        }
        return a.getHostAddress();
    }

    /** An address to suggest: this machine's first IPv4 address other machines may reach, else the loopback. */
    static String example(int port) {
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp() || n.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a.getHostAddress() + ":" + port;
                    }
                }
            }
        } catch (SocketException e) {
            // the loopback, below
        }
        return DEFAULT_HOST + ":" + port;
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
