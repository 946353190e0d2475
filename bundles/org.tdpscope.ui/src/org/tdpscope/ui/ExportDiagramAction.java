/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.eclipse.jface.action.Action;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Shell;
import org.tdpscope.export.PngRenderer;
import org.tdpscope.export.Scene;
import org.tdpscope.export.SvgRenderer;
import org.tdpscope.model.io.AtomicFiles;

/** A view's *Export Diagram...*: the drawing on screen as SVG, or as PNG rendered from the same drawing. */
final class ExportDiagramAction extends Action {

    private final Supplier<Shell> shell;
    private final Supplier<Scene> scene;
    private final Supplier<Path> scenarioFile;
    private final String kind;
    /** The folder of the last picture exported this session: the next dialog starts there. */
    private static volatile Path lastFolder;

    /**
     * @param scenarioFile the file of the scenario drawn (the dialog starts in its folder), may give null
     * @param kind         the diagram's word in the file name proposed: {@code NAME.KIND.svg}
     */
    ExportDiagramAction(Supplier<Shell> shell, Supplier<Scene> scene, String what, Supplier<Path> scenarioFile,
            String kind) {
        super("Export Diagram...");
        this.shell = shell;
        this.scene = scene;
        this.scenarioFile = scenarioFile;
        this.kind = kind;
        setToolTipText("Save " + what + " as SVG or PNG, for a document");
    }

    @Override
    public void run() {
        FileDialog d = new FileDialog(shell.get(), SWT.SAVE);
        d.setText("Export Diagram");
        d.setFilterExtensions(new String[] { "*.svg", "*.png" });
        d.setFilterNames(new String[] { "SVG (*.svg)", "PNG (*.png)" });
        d.setOverwrite(true);
        String[] where = defaultFile(scenarioFile.get(), kind);
        if (where[0] != null) {
            d.setFilterPath(where[0]);
        }
        d.setFileName(where[1]);
        String f = d.open();
        if (f == null) {
            return;
        }
        try {
            write(scene.get(), Path.of(f));
            lastFolder = Path.of(f).toAbsolutePath().getParent();
        } catch (IOException e) {
            MessageDialog.openError(shell.get(), "Export Diagram", "Cannot write " + f + ": " + e.getMessage());
        }
    }

    /**
     * The folder and file name proposed: {@code NAME.KIND.svg} as the command line names it, in the folder of
     * the last export, else beside the scenario (or trace) where that folder can be written (a capture may sit
     * in a read-only one), else the home folder.
     */
    static String[] defaultFile(Path scenario, String kind) {
        Path home = Dialogs.defaultFolder();
        Path last = lastFolder;
        if (scenario == null) {
            Path dir = last != null ? last : home;
            return new String[] { dir == null ? null : dir.toString(), "diagram." + kind + ".svg" };
        }
        // a trace's extension goes too: capture.txt gives capture.page-tables.svg, not capture.txt.page-tables.svg
        String base = scenario.getFileName().toString().replaceFirst("\\.(tdp|txt|dat|log|trace)$", "");
        Path dir = scenario.toAbsolutePath().getParent();
        if (last != null) {
            dir = last;
        } else if (dir == null || !java.nio.file.Files.isWritable(dir)) {
            dir = home;
        }
        return new String[] { dir == null ? null : dir.toString(), base + "." + kind + ".svg" };
    }

    /** Writes {@code scene} as SVG, or PNG for a {@code .png} name, all or nothing. */
    static void write(Scene scene, Path file) throws IOException {
        if (scene == null) {
            throw new IOException("nothing to export: open a scenario first");
        }
        byte[] bytes = file.getFileName().toString().endsWith(".png") ? PngRenderer.png(scene, 2)
                : SvgRenderer.render(scene).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
