/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.util.List;

/**
 * A cluster member in a JVM of its own, for the tests (what {@code tdpscope worker --join} runs, without the
 * command line): {@code MemberProcess BIND_HOST:PORT JOIN_HOST:PORT NAME THREADS}. Says "ready ADDRESS" on stdout
 * once in the cluster, and leaves when its standard input closes (the test JVM ended) or it is killed.
 */
public final class MemberProcess {

    private MemberProcess() {
    }

    public static void main(String[] args) throws Exception {
        ClusterOptions o = ClusterOptions.parse(args[0], List.of(args[1]), args[2], Integer.parseInt(args[3]));
        ClusterMember m = ClusterMember.start(o, System.err);
        System.out.println("ready " + m.address() + " " + m.members());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        m.close();
        System.exit(0);
    }
}
