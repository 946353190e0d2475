/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.eclipse.emf.ecore.util.EcoreUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.model.Invariant;
import org.tdpscope.model.Run;

/** XMI save/load of a run, and every way a run file can be bad. */
class RunStoreTest {

    @TempDir
    Path dir;

    private Path saved() throws IOException {
        Path f = dir.resolve("run.tdprun");
        RunStore.saveXmi(SampleRuns.small(), f);
        return f;
    }

    private String text(Path f) throws IOException {
        return Files.readString(f, StandardCharsets.UTF_8);
    }

    private ModelLoadException loadFails(Path f) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> RunStore.loadXmi(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertEquals(f, e.file());
        return e;
    }

    private Path write(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void roundTrip() throws Exception {
        Run run = SampleRuns.small();
        Path f = dir.resolve("run.tdprun");
        RunStore.saveXmi(run, f);
        assertNull(run.eResource(), "saving leaves the run where it was");
        Run back = RunStore.loadXmi(f);
        assertTrue(EcoreUtil.equals(run, back), "loaded run equals the saved one");
        assertEquals(Invariant.USE_AFTER_FREE, back.getViolations().get(0).getInvariant());
        assertSame(back.getTrace().get(2), back.getViolations().get(0));
        assertSame(back.getFinalSnapshot().getRoots().get(0), back.getFinalSnapshot().getVcpus().get(0).getCurrentRoot());
        assertSame(back.getFinalSnapshot().getRoots().get(0), back.getTrace().get(0).getRoot(), "derived root ref");
        assertFalse(back.getTrace().get(0).isSetInvariant());
        assertTrue(back.getFinalSnapshot().getRoots().get(0).getPages().get(0).getEntries().get(0).isPresent());
        String xml = text(f);
        assertFalse(xml.contains("present="), "decoded bits are not stored");
        assertFalse(xml.contains("mmuWritable="));
        assertTrue(xml.contains("http://tdpscope.org/model/1.0"));
    }

    @Test
    void saveIsAtomicAndLeavesNoTemporaryFile() throws Exception {
        Path f = saved();
        RunStore.saveXmi(SampleRuns.small(), f);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the run file, no temporary left over");
        }
        assertTrue(EcoreUtil.equals(SampleRuns.small(), RunStore.loadXmi(f)));
    }

    @Test
    void truncatedFile() throws Exception {
        String xml = text(saved());
        Path f = write("cut.tdprun", xml.substring(0, xml.length() / 2));
        ModelLoadException e = loadFails(f);
        assertTrue(e.line() > 1, e.getMessage());
        assertTrue(e.column() > 0, e.getMessage());
        assertTrue(e.reason().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().matches(".*cut\\.tdprun:\\d+:\\d+: .*"), e.getMessage());
    }

    @Test
    void emptyFile() throws Exception {
        ModelLoadException e = loadFails(write("empty.tdprun", ""));
        assertTrue(e.reason().contains("empty"), e.getMessage());
    }

    @Test
    void wrongVersion() throws Exception {
        String xml = text(saved()).replace("http://tdpscope.org/model/1.0", "http://tdpscope.org/model/0.9");
        ModelLoadException e = loadFails(write("old.tdprun", xml));
        assertTrue(e.reason().contains("wrong model version"), e.getMessage());
        assertTrue(e.reason().contains("http://tdpscope.org/model/0.9"), e.getMessage());
        assertTrue(e.line() >= 1, e.getMessage());
    }

    @Test
    void externalEntityIsNotRead() throws Exception {
        String xxe = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE run [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
                <tdpscope:Run xmi:version="2.0" xmlns:xmi="http://www.omg.org/XMI" xmlns:tdpscope="http://tdpscope.org/model/1.0"
                    scenarioName="&secret;"/>
                """;
        ModelLoadException e = loadFails(write("xxe.tdprun", xxe));
        assertTrue(e.reason().contains("DOCTYPE"), e.getMessage());
        assertEquals(2, e.line(), e.getMessage());
        assertFalse(e.getMessage().contains("root:"), "nothing of /etc/passwd in the message");
    }

    @Test
    void externalEntityToAMarkerFileIsNotRead() throws Exception {
        Path marker = write("marker.txt", "MARKER-CONTENT");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [ <!ENTITY m SYSTEM \"" + marker.toUri() + "\"> ]>\n"
                + "<tdpscope:Run xmlns:xmi=\"http://www.omg.org/XMI\" xmlns:tdpscope=\"http://tdpscope.org/model/1.0\" scenarioName=\"&m;\"/>\n";
        ModelLoadException e = loadFails(write("xxe2.tdprun", xxe));
        assertFalse(e.getMessage().contains("MARKER"));
    }

    @Test
    void entityExpansion() throws Exception {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            b.append(" <!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                b.append("&lol").append(i == 1 ? "" : String.valueOf(i - 1)).append(';');
            }
            b.append("\">\n");
        }
        b.append("]>\n<tdpscope:Run xmlns:tdpscope=\"http://tdpscope.org/model/1.0\" scenarioName=\"&lol9;\"/>\n");
        ModelLoadException e = loadFails(write("lolz.tdprun", b.toString()));
        assertTrue(e.reason().contains("DOCTYPE"), e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void referenceToAnotherFile() throws Exception {
        String xml = text(saved()).replaceFirst("currentRoot=\"A\"", "currentRoot=\"file:///etc/passwd#A\"");
        assertTrue(xml.contains("/etc/passwd"), "test setup: the href is in");
        ModelLoadException e = loadFails(write("href.tdprun", xml));
        assertTrue(e.reason().contains("refers outside the file"), e.getMessage());
    }

    @Test
    void notARun() throws Exception {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <tdpscope:Machine xmi:version="2.0" xmlns:xmi="http://www.omg.org/XMI" xmlns:tdpscope="http://tdpscope.org/model/1.0"/>
                """;
        ModelLoadException e = loadFails(write("machine.tdprun", xml));
        assertTrue(e.reason().contains("not a TDP Scope run"), e.getMessage());
    }

    @Test
    void unknownAttribute() throws Exception {
        String xml = text(saved()).replaceFirst("scenarioName=", "bogus=\"1\" scenarioName=");
        ModelLoadException e = loadFails(write("bogus.tdprun", xml));
        assertTrue(e.reason().contains("bogus"), e.getMessage());
        assertTrue(e.line() >= 1, e.getMessage());
    }

    @Test
    void badValue() throws Exception {
        String xml = text(saved()).replaceFirst("steps=\"4\"", "steps=\"four\"");
        ModelLoadException e = loadFails(write("value.tdprun", xml));
        assertTrue(e.line() >= 1, e.getMessage());
    }

    @Test
    void binaryGarbage() throws Exception {
        Path f = dir.resolve("garbage.tdprun");
        Files.write(f, new byte[] { 0, 1, 2, (byte) 0xff, (byte) 0xfe, 'x' });
        loadFails(f);
    }

    @Test
    void missingFile() {
        ModelLoadException e = loadFails(dir.resolve("nope.tdprun"));
        assertTrue(e.reason().contains("no such file"));
    }
}
