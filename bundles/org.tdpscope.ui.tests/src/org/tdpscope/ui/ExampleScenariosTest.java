/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.jface.action.MenuManager;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpscope.ui.testing.Screens;

/**
 * File &gt; Open Example in a real menu bar: it lists every scenario of the repository's
 * examples/ (shipped in the bundle), and choosing one writes it where it can be edited and opens
 * it: the Roots panel then draws exactly what opening the repository's file draws.
 */
class ExampleScenariosTest {

    private Display display;
    private Shell shell;
    private RootsPanel roots;

    @TempDir
    Path dir;

    @BeforeEach
    void open() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setLayout(new FillLayout());
        shell.setSize(1000, 700);
        roots = new RootsPanel(shell, SWT.NONE);
        roots.setAnimated(false);
    }

    @AfterEach
    void close() {
        shell.dispose();
    }

    private static MenuItem item(Menu menu, String text) {
        menu.notifyListeners(SWT.Show, new Event()); // JFace fills menus when they are shown
        for (MenuItem i : menu.getItems()) {
            if (i.getText().replace("&", "").equals(text)) {
                return i;
            }
        }
        return null;
    }

    @Test
    void theMenuListsTheRepositoryExamplesAndOpensOne() throws Exception {
        List<String> repository = new ArrayList<>();
        try (Stream<Path> files = Files.list(Screens.EXAMPLES)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tdp")).sorted()
                    .forEach(repository::add);
        }
        assertEquals(repository, ExampleScenarios.names(), "the bundle ships every example");

        List<Path> opened = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        MenuManager bar = new MenuManager();
        MenuManager file = new MenuManager("&File", "file");
        bar.add(file);
        ExampleScenarios.addMenu(file, name -> {
            try {
                Path p = ExampleScenarios.extract(name, dir);
                opened.add(p);
                roots.open(p);
            } catch (java.io.IOException e) {
                errors.add(e.getMessage());
            }
        }, errors::add);
        Menu menuBar = bar.createMenuBar(shell);
        shell.setMenuBar(menuBar);
        bar.updateAll(true);
        shell.open();
        Screens.settle(display);

        MenuItem fileItem = item(menuBar, "File");
        assertNotNull(fileItem, "a File menu");
        MenuItem openExample = item(fileItem.getMenu(), "Open Example");
        assertNotNull(openExample, "File > Open Example");
        Menu examples = openExample.getMenu();
        examples.notifyListeners(SWT.Show, new Event());
        List<String> listed = new ArrayList<>();
        for (MenuItem i : examples.getItems()) {
            listed.add(i.getText());
        }
        assertEquals(repository, listed);

        item(examples, "seed-terminate.tdp").notifyListeners(SWT.Selection, new Event());
        Screens.settle(display);
        assertEquals(List.of(), errors);
        assertEquals(List.of(dir.resolve("seed-terminate.tdp")), opened);
        assertEquals(Files.readString(Screens.example("seed-terminate.tdp")), Files.readString(opened.get(0)),
                "the example as shipped");
        assertTrue(roots.totalSteps() > 0, roots.statusText());
        ImageData viaMenu = Screens.capture(roots.canvas(), "open-example-seed");

        assertTrue(roots.open(Screens.example("seed-terminate.tdp")));
        Screens.settle(display);
        assertArrayEquals(viaMenu.data, Screens.capture(roots.canvas(), "open-example-repository").data);

        // the user's edits are kept: choosing the example again opens their copy
        Files.writeString(opened.get(0), "// edited\n" + Files.readString(opened.get(0)));
        item(examples, "seed-terminate.tdp").notifyListeners(SWT.Selection, new Event());
        assertTrue(Files.readString(opened.get(1)).startsWith("// edited"));
    }
}
