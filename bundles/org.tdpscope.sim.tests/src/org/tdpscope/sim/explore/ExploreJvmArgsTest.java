/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.sim.explore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The JVM flags {@code tdpscope explore} and the explore benchmarks run with (releng/explore.jvmargs) name the
 * search's methods the compiler is told not to inline. The JVM takes a name that matches nothing without a word,
 * so a method renamed would silently bring the slow warm-up back: each name must match a method of this build.
 */
class ExploreJvmArgsTest {

    private static final Path ARGS = Path.of("../../releng/explore.jvmargs");
    private static final Pattern DONT_INLINE =
            Pattern.compile("-XX:CompileCommand=dontinline,([\\w.$]+)(\\*?)::(\\w+)");

    @Test
    void everyMethodKeptFromInliningExists() throws IOException, ClassNotFoundException {
        List<String> lines = Files.readAllLines(ARGS);
        int named = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            assertTrue(line.strip().startsWith("-"), "one JVM flag a line (a java @argfile has no comments): " + line);
            if (!line.contains("dontinline")) {
                continue;
            }
            Matcher m = DONT_INLINE.matcher(line.strip());
            assertTrue(m.matches(), "a dontinline command this test reads: " + line);
            named++;
            assertTrue(methodExists(m.group(1), !m.group(2).isEmpty(), m.group(3)), "no method matches " + line);
        }
        assertTrue(named >= 4, "the search's callees kept from inlining: " + named);
        assertFalse(lines.stream().anyMatch(l -> l.contains("-Xmx")), "the heap is each caller's to choose");
    }

    /** A class named {@code name} (with a trailing {@code *}: it or a class nested in it) declares {@code method}. */
    private static boolean methodExists(String name, boolean nestedToo, String method) throws ClassNotFoundException {
        Class<?> top = Class.forName(name, false, ExploreJvmArgsTest.class.getClassLoader());
        List<Class<?>> candidates = new ArrayList<>(List.of(top));
        if (nestedToo) {
            candidates.addAll(List.of(top.getDeclaredClasses()));
        }
        for (Class<?> c : candidates) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(method)) {
                    return true;
                }
            }
        }
        return false;
    }
}
