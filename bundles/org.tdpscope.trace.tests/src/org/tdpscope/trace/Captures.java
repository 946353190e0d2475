/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The four real captures in {@code resources/}. Found on the class path (the packed bundle has
 * {@code resources/} at its root) or relative to the working directory (Tycho runs tests in the bundle
 * directory; a run from the repository root is also supported).
 */
final class Captures {

    static final String TDP_FAULTS_ZAP = "01-linuxmaxxing-virt-ept-seg1-root1-create-faults-zap-start.txt";
    static final String HUGEPAGE_WRAPPED = "07-lkml-2022-06-30-annapurve-tdp-hugepage-collapse-wrapped.txt";
    static final String NESTED_TRACE_CMD = "09-kvm-2019-07-08-kiszka-nested-shadow-get-page-trace-cmd.txt";
    static final String GET_PAGE_STACK = "14-martins3-tdp-get-page-stacktrace.txt";
    static final List<String> ALL = List.of(TDP_FAULTS_ZAP, HUGEPAGE_WRAPPED, NESTED_TRACE_CMD, GET_PAGE_STACK);

    private Captures() {
    }

    static InputStream stream(String name) throws IOException {
        InputStream in = Captures.class.getClassLoader().getResourceAsStream("resources/" + name);
        if (in != null) {
            return in;
        }
        for (String dir : List.of("resources", "bundles/org.tdpscope.trace.tests/resources")) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p)) {
                return Files.newInputStream(p);
            }
        }
        throw new IOException("capture " + name + " not found on the class path or under ./resources");
    }

    static TraceReader reader(String name) throws IOException {
        return TraceReader.of(stream(name));
    }

    static String text(String name) throws IOException {
        try (InputStream in = stream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static TraceReconstruction reconstruct(String name) throws IOException {
        try (TraceReader r = reader(name)) {
            return TraceReconstruction.read(r);
        }
    }
}
