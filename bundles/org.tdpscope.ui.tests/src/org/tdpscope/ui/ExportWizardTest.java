/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.cli.Main;
import org.tdpscope.export.RunExport.Diagram;
import org.tdpscope.sim.Policy;
import org.tdpscope.ui.testing.Screens;

/**
 * The Export wizard in a real WizardDialog (under Xvfb in CI), filled through its widgets as a user
 * fills it: the files it writes are the files {@code tdpscope export} writes for the same choices,
 * byte for byte; an unwritable directory keeps the wizard open with the reason and writes nothing.
 */
class ExportWizardTest {

    static final Path EXAMPLE = Path.of("../../examples/two-d-walk.tdp").toAbsolutePath().normalize();

    private Display display;
    private Shell shell;

    @BeforeEach
    void open() {
        display = Display.getDefault(); // fails without a display: never skipped
        shell = new Shell(display);
    }

    @AfterEach
    void close() {
        shell.dispose();
        settle();
    }

    private void settle() {
        Screens.settle(display);
    }

    private WizardDialog openWizard(ExportWizard wizard) {
        wizard.init(null, StructuredSelection.EMPTY); // no workbench here: no editor to default from
        WizardDialog dialog = new WizardDialog(shell, wizard);
        dialog.setBlockOnOpen(false);
        dialog.open();
        settle();
        return dialog;
    }

    private static void type(org.eclipse.swt.widgets.Text text, String value) {
        text.setText(value); // fires Modify, as typing does
    }

    private static void click(Button b, boolean on) {
        b.setSelection(on);
        b.notifyListeners(SWT.Selection, null);
    }

    private static Button button(Control c, String label) {
        if (c instanceof Button b && label.equals(b.getText())) {
            return b;
        }
        if (c instanceof Composite parent) {
            for (Control child : parent.getChildren()) {
                Button found = button(child, label);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Presses the dialog's Finish button (the export runs as a Job while the dialog waits). */
    private void finish(WizardDialog dialog) {
        Button finish = button(dialog.getShell(), "&Finish");
        assertNotNull(finish, "a Finish button");
        assertTrue(finish.isEnabled(), "Finish enabled: " + dialog.getCurrentPage().getErrorMessage());
        finish.notifyListeners(SWT.Selection, null);
        settle();
    }

    /** The wizard's choices: roots at step 12, tables, animated; every policy; dark; SVG and PNG. */
    private static void fill(ExportWizardPage page, Path dir) {
        type(page.scenarioText(), EXAMPLE.toString());
        type(page.stepText(), "12");
        for (Diagram d : Diagram.values()) {
            click(page.diagramButton(d), d == Diagram.ROOTS || d == Diagram.TABLES || d == Diagram.ANIMATED);
        }
        for (Policy p : Policy.values()) {
            click(page.policyButton(p), true);
        }
        page.themeCombo().select(1);
        page.themeCombo().notifyListeners(SWT.Selection, null);
        click(page.svgButton(), true);
        click(page.pngButton(), true);
        type(page.directoryText(), dir.toString());
    }

    /** The dialog as drawn, for a look (target/screenshots). */
    private void screenshot(Shell s, String name) throws IOException {
        Screens.pumpFor(display, 500); // GTK paints asynchronously: let it catch up
        Rectangle b = s.getBounds();
        Image img = new Image(display, b.width, b.height);
        GC gc = new GC(display);
        try {
            gc.copyArea(img, b.x, b.y);
        } finally {
            gc.dispose();
        }
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] { img.getImageData() };
        img.dispose();
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        loader.save(shots.resolve(name).toString(), SWT.IMAGE_PNG);
    }

    private static int cli(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return code;
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void finishWritesWhatTheCommandWritesForTheSameChoices(@TempDir Path tmp) throws IOException {
        Path byWizard = tmp.resolve("wizard");
        ExportWizard wizard = new ExportWizard();
        WizardDialog dialog = openWizard(wizard);
        ExportWizardPage page = wizard.page();
        assertEquals("Choose a scenario file (.tdp)", page.getErrorMessage(), "nothing chosen yet");
        fill(page, byWizard);
        assertNull(page.getErrorMessage());
        screenshot(dialog.getShell(), "export-wizard.png");
        finish(dialog);
        assertTrue(dialog.getShell() == null || dialog.getShell().isDisposed(), "the wizard closed");

        Path byCli = tmp.resolve("cli");
        String f = EXAMPLE.toString();
        cli("export", f, "--svg", byCli.toString(), "--diagram", "roots", "--step", "12", "--policy", "all",
                "--theme", "dark", "--png");
        cli("export", f, "--svg", byCli.toString(), "--diagram", "tables", "--step", "12", "--policy", "all",
                "--theme", "dark", "--png");
        cli("export", f, "--svg", byCli.toString(), "--diagram", "animated", "--policy", "all", "--theme", "dark",
                "--png");

        List<String> names = files(byCli);
        assertEquals(names, files(byWizard));
        assertTrue(names.contains("two-d-walk.fifo.roots.step12.png"), names.toString());
        assertTrue(names.contains("two-d-walk.restart.tables.guest-v0.step12.svg"), names.toString());
        assertTrue(names.contains("two-d-walk.continue.animated.gif"), names.toString());
        assertEquals(4 * (2 + 4 + 2), names.size(), "per policy: roots svg+png, TDP and guest tables svg+png, "
                + "animated svg+gif: " + names);
        for (String n : names) {
            assertArrayEquals(Files.readAllBytes(byCli.resolve(n)), Files.readAllBytes(byWizard.resolve(n)), n);
        }
        assertEquals(names.size(), wizard.written().size());
    }

    @Test
    void anUnwritableDirectoryIsShownInTheWizardAndNothingIsWritten(@TempDir Path tmp) throws IOException {
        Path blocker = tmp.resolve("file");
        Files.writeString(blocker, "x");
        ExportWizard wizard = new ExportWizard();
        WizardDialog dialog = openWizard(wizard);
        ExportWizardPage page = wizard.page();
        fill(page, blocker.resolve("out"));
        finish(dialog);
        assertFalse(dialog.getShell() == null || dialog.getShell().isDisposed(), "the wizard stays open");
        String message = page.getErrorMessage();
        assertNotNull(message);
        assertTrue(message.startsWith("cannot create the directory " + blocker.resolve("out")), message);
        assertEquals(List.of("file"), files(tmp), "nothing written");

        // a diagram with nothing to draw: said, and still nothing written
        click(page.diagramButton(Diagram.WALK), true);
        type(page.scenarioText(), EXAMPLE.resolveSibling("seed-terminate.tdp").toString());
        type(page.directoryText(), tmp.resolve("out").toString());
        finish(dialog);
        assertTrue(page.getErrorMessage().startsWith("walk: nothing to draw"), page.getErrorMessage());
        assertEquals(List.of("file"), files(tmp));

        // fixed: finishes
        click(page.diagramButton(Diagram.WALK), false);
        finish(dialog);
        assertTrue(dialog.getShell() == null || dialog.getShell().isDisposed(), "the wizard closed");
        assertTrue(files(tmp.resolve("out")).contains("seed-terminate.fifo.roots.step12.svg"));
    }
}
