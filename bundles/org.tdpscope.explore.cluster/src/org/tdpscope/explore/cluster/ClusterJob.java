/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.explore.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.tdpscope.dsl.api.LoadedScenario;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.sim.Era;
import org.tdpscope.sim.KernelRules;
import org.tdpscope.sim.Policy;
import org.tdpscope.sim.RunResult;
import org.tdpscope.sim.Scenario;
import org.tdpscope.sim.explore.ExploreBounds;

/**
 * One exploration as every member of a cluster rebuilds it: the scenario's text (members need not share a file
 * system), the kernel and policy by their words, the bounds, whether the expect block is checked. Members parse the
 * text themselves, so what they search is the coordinator's scenario exactly.
 *
 * @param file         the scenario's file name (for messages)
 * @param text         the scenario's text
 * @param kernel       {@link KernelRules#word()} of the kernel explored
 * @param policy       {@link Policy#word()}
 * @param expectations a run failing the expect block is a bad outcome
 */
public record ClusterJob(String file, String text, String kernel, String policy, ExploreBounds bounds,
        boolean expectations) {

    /**
     * Bumped when the job, task or result encoding, the visit check's answer or the states' fingerprints change:
     * members of another version refuse the job. 2: the check tells a new state from one visited again
     * ({@link VisitProcessor#REPLACED}). 3: fingerprints hash each value with one multiply (the same states, other
     * numbers: a visited set shared across versions would mix them).
     */
    static final int FORMAT = 3;

    /** What a member searches: the job resolved against its own parser and simulator. */
    public record Resolved(Scenario scenario, Policy policy, ExploreBounds bounds, Predicate<RunResult> expectations) {
    }

    /** The job for {@code loaded} under {@code kernel} and {@code policy}. */
    public static ClusterJob of(LoadedScenario loaded, KernelRules kernel, Policy policy, ExploreBounds bounds,
            boolean expectations) {
        return new ClusterJob(loaded.file(), loaded.text(), kernel.word(), policy.word(), bounds, expectations);
    }

    /**
     * Parses the text and finds the kernel and the policy again.
     *
     * @throws IllegalArgumentException when this member cannot (the text does not load here, an unknown word)
     */
    public Resolved resolve(TdpScenarios scenarios) {
        return resolve(scenarios.load(text, file));
    }

    /** As {@link #resolve(TdpScenarios)}, with the text already loaded (a member keeps the last one it parsed). */
    Resolved resolve(LoadedScenario loaded) {
        if (loaded.hasErrors()) {
            throw new IllegalArgumentException("the scenario does not load on this member: " + loaded.errorText());
        }
        KernelRules k = null;
        for (KernelRules r : loaded.kernels()) {
            if (r.word().equals(kernel)) {
                k = r;
            }
        }
        if (k == null) { // an era given on the coordinator's command line: its word and the overridden rules
            String[] parts = kernel.split(" with ", 2);
            Era era = Era.fromWord(parts[0]);
            if (era != null) {
                k = era.rules();
                if (parts.length > 1) {
                    for (String o : parts[1].split(", ")) {
                        int sp = o.indexOf(' ');
                        k = k.with(o.substring(0, sp), o.substring(sp + 1));
                    }
                }
            }
        }
        if (k == null || !k.word().equals(kernel)) {
            throw new IllegalArgumentException("unknown kernel '" + kernel + "' on this member");
        }
        Policy p = Policy.fromWord(policy);
        if (p == null) {
            throw new IllegalArgumentException("unknown policy '" + policy + "' on this member");
        }
        return new Resolved(loaded.scenarioFor(k), p, bounds, expectations ? loaded.expectationsPredicate(k, p) : null);
    }

    byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream o = new DataOutputStream(b)) {
            o.writeInt(FORMAT);
            o.writeUTF(file);
            byte[] t = text.getBytes(java.nio.charset.StandardCharsets.UTF_8); // may pass writeUTF's 64 KB
            o.writeInt(t.length);
            o.write(t);
            o.writeUTF(kernel);
            o.writeUTF(policy);
            o.writeBoolean(expectations);
            ExploreBounds x = bounds;
            o.writeInt(x.maxDepth());
            o.writeInt(x.maxYields());
            o.writeLong(x.maxVisits());
            Set<String> rep = new TreeSet<>(x.repeating());
            o.writeInt(rep.size());
            for (String r : rep) {
                o.writeUTF(r);
            }
            o.writeInt(x.unroll());
            o.writeBoolean(x.stateHashing());
            o.writeBoolean(x.partialOrder());
            o.writeInt(x.workers());
            o.writeInt(x.splitDepth());
            o.writeInt(x.maxInvalidations());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** @throws IllegalArgumentException for a job of another format (a member of another version) */
    static ClusterJob decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalArgumentException("the coordinator sent a job of format " + format + ", this member"
                        + " reads format " + FORMAT + " (run the same tdpscope version on every machine)");
            }
            String file = in.readUTF();
            byte[] t = new byte[in.readInt()];
            in.readFully(t);
            String kernel = in.readUTF();
            String policy = in.readUTF();
            boolean expectations = in.readBoolean();
            int maxDepth = in.readInt();
            int maxYields = in.readInt();
            long maxVisits = in.readLong();
            List<String> rep = new ArrayList<>();
            for (int n = in.readInt(); n > 0; n--) {
                rep.add(in.readUTF());
            }
            ExploreBounds b = new ExploreBounds(maxDepth, maxYields, maxVisits, Set.copyOf(rep), in.readInt(),
                    in.readBoolean(), in.readBoolean(), in.readInt(), in.readInt(), in.readInt());
            return new ClusterJob(file, new String(t, java.nio.charset.StandardCharsets.UTF_8), kernel, policy, b,
                    expectations);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a cluster job", e);
        }
    }
}
