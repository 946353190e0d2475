/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpscope.cli.MainTest.EXAMPLES;
import static org.tdpscope.cli.MainTest.tdpscope;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.cli.MainTest.Outcome;

/**
 * The command's writes: only regular files are replaced, each refusal says what is in the way, the
 * files of one command are replaced together, a kill leaves the old file and a temporary the next
 * command removes, and a failing standard output is an error.
 */
class WritesTest {

    static final String SEED = EXAMPLES.resolve("seed-terminate.tdp").toString();

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean isFifo(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther();
    }

    @Test
    void aFifoIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("t.jsonl");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        Outcome o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", fifo.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().startsWith("tdpscope: cannot write " + fifo + " (--trace " + fifo + "): it is a FIFO (named"
                + " pipe), not a regular file"), o.err());
        assertFalse(o.out().contains("== "), "refused before the run:\n" + o.out());
        assertTrue(isFifo(fifo));
        assertEquals(List.of("t.jsonl"), names(dir));
    }

    @Test
    void aSymlinkADirectoryAReadOnlyFileAndAFileAsParentAreRefused(@TempDir Path dir) throws IOException {
        Path real = Files.writeString(dir.resolve("real.jsonl"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), real);
        Outcome o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", link.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains(": it is a symbolic link (to " + real + "), not a regular file"), o.err());
        assertEquals("old", Files.readString(real));
        assertTrue(Files.isSymbolicLink(link));

        Path sub = Files.createDirectory(dir.resolve("sub.tdprun"));
        o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--xmi", sub.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains(": it is a directory, not a regular file"), o.err());

        Path ro = Files.writeString(dir.resolve("ro.jsonl"), "old");
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r--r--r--"));
        o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", ro.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains(": the file is read-only; not replacing it"), o.err());
        assertEquals("old", Files.readString(ro));

        Path blocker = Files.writeString(dir.resolve("file"), "x");
        o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", blocker.resolve("t.jsonl").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains(": " + blocker + " is not a directory"), o.err());
        o = tdpscope("export", SEED, "--svg", blocker.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("cannot write into " + blocker + ": it is not a directory"), o.err());

        // a device: refused, with the way to standard output named
        o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", "/dev/null");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("/dev/null): it is a character device, not a regular file; tdpscope replaces only"
                + " regular files (use '-' to write to standard output)"), o.err());
        o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", "/dev/stdout");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("it is a symbolic link"), o.err());
        assertEquals(List.of("file", "link.jsonl", "real.jsonl", "ro.jsonl", "sub.tdprun"), names(dir),
                "no temporary left anywhere");
    }

    /** {@code -} is standard output: the data alone there, the report on standard error. */
    @Test
    void dashIsStandardOutput() {
        Outcome o = tdpscope("run", SEED, "--policy", "fifo", "--trace", "-");
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertTrue(lines.get(0).startsWith("{\"tdpscope\":\"run\""), o.out());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{")), "only JSON Lines on stdout");
        assertTrue(o.err().contains("== walker yields while all roots are invalidated — policy fifo"), o.err());
        o = tdpscope("explore", EXAMPLES.resolve("use-after-free.tdp").toString(), "--policy", "fifo",
                "--outcomes-file", "-");
        assertTrue(o.out().split("== ", -1).length == 3, "the report, then every outcome:\n" + o.out());
    }

    /** All files of one command, or none: a failure keeps the old ones and says so. */
    @Test
    void theFilesOfOneCommandAreReplacedTogether(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("t.jsonl");
        assertEquals(0, tdpscope("run", SEED, "--quiet", "--policy", "all", "--trace", trace.toString()).code());
        Path fifoTrace = dir.resolve("t.fifo.jsonl");
        String before = Files.readString(fifoTrace);
        Files.writeString(dir.resolve("t.continue.jsonl"), "old continue");
        // the third policy's file cannot be replaced: nothing is, before or after the run
        Path terminate = dir.resolve("t.terminate.jsonl");
        Files.delete(terminate);
        Files.createDirectory(terminate);
        Outcome o = tdpscope("run", SEED, "--quiet", "--policy", "all", "--trace", trace.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("t.terminate.jsonl (--trace " + trace + "): it is a directory"), o.err());
        assertEquals("old continue", Files.readString(dir.resolve("t.continue.jsonl")));
        assertEquals(before, Files.readString(fifoTrace));

        Files.writeString(dir.resolve("seed-terminate.fifo.roots.svg"), "old");
        Files.createDirectory(dir.resolve("seed-terminate.terminate.roots.svg"));
        o = tdpscope("export", SEED, "--svg", dir.toString(), "--policy", "all");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("seed-terminate.terminate.roots.svg: it is a directory, not a regular file"),
                o.err());
        assertTrue(o.err().contains("no file written"), o.err());
        assertEquals("old", Files.readString(dir.resolve("seed-terminate.fifo.roots.svg")));
        assertFalse(Files.exists(dir.resolve("seed-terminate.continue.roots.svg")));
        assertTrue(names(dir).stream().noneMatch(n -> n.contains(".tdpscope-")), names(dir).toString());
    }

    /** A temporary a killed run left (dead PID, older than a minute) is removed by the next run writing there. */
    @Test
    void aCrashedRunsTemporaryIsCleanedByTheNextRun(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Path stale = Files.writeString(dir.resolve(".t.jsonl.tdpscope-tmp-" + p.pid()), "half a trace");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 10 * 60_000));
        Outcome o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", dir.resolve("t.jsonl").toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(List.of("t.jsonl"), names(dir));
    }

    // ------------------------------------------------------------------------------- other processes

    /** A class path for a forked {@code Main}: the plain class path, or under OSGi every installed bundle's file. */
    static String forkClassPath() {
        org.osgi.framework.Bundle bundle = org.osgi.framework.FrameworkUtil.getBundle(Main.class);
        if (bundle == null) {
            return System.getProperty("java.class.path"); // not under OSGi
        }
        // the test runtime's bundles as its config.ini lists them (Equinox makes them system properties),
        // else as the framework knows them
        List<String> locations = new ArrayList<>();
        String listed = System.getProperty("osgi.bundles");
        if (listed != null && !listed.isBlank()) {
            for (String l : listed.split(",")) {
                locations.add(l.replaceFirst("@[^@/]*$", ""));
            }
        } else {
            try {
                if (bundle.getBundleContext() == null) { // resolved but never started (no activator)
                    bundle.start();
                }
                for (org.osgi.framework.Bundle b : bundle.getBundleContext().getBundles()) {
                    locations.add(b.getLocation());
                }
            } catch (org.osgi.framework.BundleException | RuntimeException e) {
                throw new AssertionError("cannot list the test runtime's bundles for a forked JVM: " + e, e);
            }
        }
        Set<String> entries = new LinkedHashSet<>();
        for (String location : locations) {
            String l = location.trim();
            for (int k = 0; k < 2; k++) { // "initial@reference:file:..." or the other way round
                l = l.replaceFirst("^initial@", "").replaceFirst("^reference:", "");
            }
            File f = l.startsWith("file:") ? new File(URI.create(l.replace(" ", "%20"))) : new File(l);
            if (f.isDirectory() && new File(f, "target/classes").isDirectory()) {
                entries.add(new File(f, "target/classes").getAbsolutePath());
            } else if (f.exists()) {
                entries.add(f.getAbsolutePath());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    static ProcessBuilder fork(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", forkClassPath(), "org.tdpscope.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** {@code > /dev/full}: a message on stderr and a non-zero exit, not a silent 0. */
    @Test
    void aFullStandardOutputIsAnError(@TempDir Path dir) throws Exception {
        Path errFile = dir.resolve("err.txt");
        Process p = fork("run", SEED, "--policy", "fifo").redirectOutput(new File("/dev/full"))
                .redirectError(errFile.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(errFile);
        assertEquals(Main.BAD_INPUT, p.exitValue(), err);
        assertTrue(err.contains("tdpscope: cannot write to standard output: no space left on device"), err);
        p = fork("run", SEED, "--policy", "fifo", "--quiet", "--trace", "-").redirectOutput(new File("/dev/full"))
                .redirectError(errFile.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), Files.readString(errFile));
        assertTrue(Files.readString(errFile).contains("no space left on device"), Files.readString(errFile));
        // an import's data on a full standard output: not reported as written
        Path capture = Path.of("../org.tdpscope.trace.tests/resources/01-linuxmaxxing-virt-ept-seg1-root1-create-"
                + "faults-zap-start.txt").toAbsolutePath();
        p = fork("import", capture.toString(), "--trace", "-").redirectOutput(new File("/dev/full"))
                .redirectError(errFile.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        err = Files.readString(errFile);
        assertNotEquals(0, p.exitValue(), err);
        assertTrue(err.contains("tdpscope: cannot write to standard output: no space left on device"), err);
        assertFalse(err.contains("trace: standard output"), "not said to be written: " + err);
    }

    /** An output in a folder that takes no file: the folder said, not the name of our temporary beside the target. */
    @Test
    void aFolderThatTakesNoFileIsNamed() {
        MainTest.Outcome o = MainTest.tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", "/proc/x.jsonl");
        assertEquals(Main.BAD_INPUT, o.code(), o.err());
        assertTrue(o.err().contains("cannot write /proc/x.jsonl: cannot create a file in /proc"), o.err());
        assertFalse(o.err().contains(org.tdpscope.model.io.AtomicFiles.TEMP_MARK), o.err());
    }

    /** The file-size limit (ulimit -f) reached half way: said in words, the old trace kept, no temporary left. */
    @Test
    void aFileSizeLimitIsNamedAndKeepsTheOldFile(@TempDir Path dir) throws Exception {
        Path trace = Files.writeString(dir.resolve("t.jsonl"), "old\n");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f 4; exec \"$@\"", "bash"));
        cmd.addAll(fork("run", SEED, "--policy", "fifo", "--quiet", "--trace", trace.toString()).command());
        Path errFile = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errFile.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(errFile);
        assertEquals(Main.BAD_INPUT, p.exitValue(), err);
        assertTrue(err.contains("tdpscope: cannot write " + trace + ": file too large (the file-size limit, ulimit -f"),
                err);
        assertTrue(err.contains("no output file written; files already there are left as they were"), err);
        assertFalse(err.contains("Exception"), err);
        assertEquals("old\n", Files.readString(trace));
        assertEquals(List.of("err.txt", "t.jsonl"), names(dir));
    }

    /** A scenario whose trace takes a while to write: one vCPU faulting {@code n} gfns. */
    static String manyFaults(int n) {
        StringBuilder faults = new StringBuilder();
        for (int i = 0; i < n; i++) {
            faults.append("; fault gfn 0x").append(Integer.toHexString(i)).append(" write");
        }
        return "scenario \"many faults\" {\n  vm {\n    memslot 0: gfn 0x0 .. 0x40000\n    tdp 4-level, accessed-dirty on\n"
                + "    vcpu v0 role default\n  }\n  threads {\n    vcpu v0: load root" + faults + "\n  }\n"
                + "  schedule {\n    v0 to end\n  }\n}\n";
    }

    /**
     * kill -9 while the trace is being written: the old trace is intact, the temporary is the only trace
     * of the kill, and the next run into the folder removes it (once it is older than a minute: aged here).
     */
    @Test
    void killDuringAWriteKeepsTheOldFileAndTheNextRunCleansUp(@TempDir Path dir) throws Exception {
        Path scenario = Files.writeString(dir.resolve("big.tdp"), manyFaults(4000));
        Path out = Files.createDirectory(dir.resolve("out"));
        Path trace = Files.writeString(out.resolve("t.jsonl"), "the old trace\n");
        Process p = fork("run", scenario.toString(), "--quiet", "--trace", trace.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Path tmp = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (tmp == null && p.isAlive() && System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(out)) {
                tmp = s.filter(f -> f.getFileName().toString().startsWith(".t.jsonl.tdpscope-tmp-")).findFirst()
                        .orElse(null);
            }
            if (tmp == null) {
                Thread.sleep(2);
            }
        }
        assertNotNull(tmp, "the run was caught writing");
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed");
        assertEquals("the old trace\n", Files.readString(trace), "the old file is intact");
        assertEquals(".t.jsonl.tdpscope-tmp-" + p.pid(), tmp.getFileName().toString());
        assertTrue(Files.exists(tmp), "the kill left the temporary");
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis() - 2 * 60_000));
        Outcome o = tdpscope("run", SEED, "--policy", "fifo", "--quiet", "--trace", out.resolve("u.jsonl").toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(List.of("t.jsonl", "u.jsonl"), names(out), "the next run removed the temporary");
        assertEquals("the old trace\n", new String(Files.readAllBytes(trace), StandardCharsets.UTF_8));
    }
}
