/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.tdpscope.export.RunExport;
import org.tdpscope.export.Theme;
import org.tdpscope.sim.Policy;

/**
 * The Export wizard's one page: the scenario, the step for the root list, which diagrams and
 * policies, the theme, SVG and/or PNG, and the target directory. It only collects choices; what
 * they mean in files is {@link RunExport}'s business, as for {@code tdpscope export}.
 */
final class ExportWizardPage extends WizardPage {

    private final String initialScenario;
    private final String initialDirectory;
    private Text scenario;
    private Text step;
    private final Map<RunExport.Diagram, Button> diagrams = new EnumMap<>(RunExport.Diagram.class);
    private final Map<Policy, Button> policies = new java.util.LinkedHashMap<>();
    private Combo theme;
    private Button svg;
    private Button png;
    private Text directory;

    ExportWizardPage(String initialScenario, String initialDirectory) {
        super("diagrams");
        this.initialScenario = initialScenario == null ? "" : initialScenario;
        this.initialDirectory = initialDirectory == null ? "" : initialDirectory;
        setTitle("Export Diagrams of a Run");
        setDescription("Write the diagrams of a scenario's run as SVG and/or PNG, as 'tdpscope export' does.");
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        c.setLayout(new GridLayout(3, false));

        scenario = labelled(c, "&Scenario:", initialScenario);
        browse(c, () -> {
            FileDialog d = new FileDialog(getShell(), SWT.OPEN);
            d.setText("Scenario to Export");
            d.setFilterExtensions(new String[] { "*.tdp", "*" });
            return d.open();
        }, scenario);
        step = labelled(c, "Roots at s&tep:", "");
        step.setMessage("end of run");
        step.setToolTipText("The step the root list (and the timeline, walk and tables) stop at; empty for the end");
        new Label(c, SWT.NONE);

        Group which = group(c, "Diagrams", 3);
        String[] labels = { "Roots at step", "Policies side by side", "Timeline", "2-D walk",
                "Page tables (TDP and guest)", "Animated root list" };
        for (RunExport.Diagram d : RunExport.Diagram.values()) {
            diagrams.put(d, check(which, labels[d.ordinal()], d == RunExport.Diagram.ROOTS));
        }
        Group under = group(c, "Policies", 4);
        for (Policy p : Policy.values()) {
            policies.put(p, check(under, p.word(), true));
        }
        Group format = group(c, "Format", 4);
        new Label(format, SWT.NONE).setText("Theme:");
        theme = new Combo(format, SWT.READ_ONLY);
        for (Theme t : Theme.values()) {
            theme.add(t.name().toLowerCase(java.util.Locale.ROOT));
        }
        theme.select(0);
        svg = check(format, "SVG", true);
        png = check(format, "PNG (animated: GIF)", false);

        directory = labelled(c, "&Directory:", initialDirectory);
        browse(c, () -> {
            DirectoryDialog d = new DirectoryDialog(getShell());
            d.setText("Folder for the Diagrams");
            d.setFilterPath(directory.getText());
            return d.open();
        }, directory);

        scenario.addListener(SWT.Modify, e -> validate());
        step.addListener(SWT.Modify, e -> validate());
        directory.addListener(SWT.Modify, e -> validate());
        setControl(c);
        validate();
    }

    private static Text labelled(Composite c, String label, String value) {
        new Label(c, SWT.NONE).setText(label);
        Text t = new Text(c, SWT.BORDER | SWT.SINGLE);
        t.setText(value);
        t.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        return t;
    }

    private void browse(Composite c, java.util.function.Supplier<String> dialog, Text into) {
        Button b = new Button(c, SWT.PUSH);
        b.setText("Browse...");
        b.addListener(SWT.Selection, e -> {
            String chosen = dialog.get();
            if (chosen != null) {
                into.setText(chosen);
            }
        });
    }

    private static Group group(Composite c, String text, int columns) {
        Group g = new Group(c, SWT.NONE);
        g.setText(text);
        g.setLayout(new GridLayout(columns, false));
        g.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false, 3, 1));
        return g;
    }

    private Button check(Composite c, String text, boolean on) {
        Button b = new Button(c, SWT.CHECK);
        b.setText(text);
        b.setSelection(on);
        b.addListener(SWT.Selection, e -> validate());
        return b;
    }

    /** Says what is missing (and disables Finish) until the choices make an export. */
    void validate() {
        String problem = null;
        if (scenario.getText().isBlank()) {
            problem = "Choose a scenario file (.tdp)";
        } else if (!java.nio.file.Files.isRegularFile(Path.of(scenario.getText().trim()))) {
            problem = "No such scenario file: " + scenario.getText().trim();
        } else if (!step.getText().isBlank() && stepValue() == null) {
            problem = "The step is a number from 0 (or empty for the end of the run)";
        } else if (chosenDiagrams().isEmpty()) {
            problem = "Choose at least one diagram";
        } else if (chosenPolicies().isEmpty()) {
            problem = "Choose at least one policy";
        } else if (!svg.getSelection() && !png.getSelection()) {
            problem = "Choose SVG, PNG or both";
        } else if (directory.getText().isBlank()) {
            problem = "Choose the directory to write into";
        }
        setErrorMessage(problem);
        setPageComplete(problem == null);
    }

    private Long stepValue() {
        try {
            long v = Long.parseLong(step.getText().trim());
            return v < 0 ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<RunExport.Diagram> chosenDiagrams() {
        List<RunExport.Diagram> out = new ArrayList<>();
        diagrams.forEach((d, b) -> {
            if (b.getSelection()) {
                out.add(d);
            }
        });
        return out;
    }

    private List<Policy> chosenPolicies() {
        List<Policy> out = new ArrayList<>();
        policies.forEach((p, b) -> {
            if (b.getSelection()) {
                out.add(p);
            }
        });
        return out;
    }

    Path scenarioFile() {
        return Path.of(scenario.getText().trim());
    }

    Path targetDirectory() {
        return Path.of(directory.getText().trim());
    }

    /** The choices as the export bundle takes them (whole gfn and gva ranges, as the views show). */
    RunExport.Choices choices() {
        return new RunExport.Choices(chosenDiagrams(), chosenPolicies(), Theme.values()[theme.getSelectionIndex()],
                svg.getSelection(), png.getSelection(), step.getText().isBlank() ? null : stepValue(), null, null);
    }

    // the widgets, for the UI test that fills the page as a user does

    Text scenarioText() {
        return scenario;
    }

    Text stepText() {
        return step;
    }

    Button diagramButton(RunExport.Diagram d) {
        return diagrams.get(d);
    }

    Button policyButton(Policy p) {
        return policies.get(p);
    }

    Combo themeCombo() {
        return theme;
    }

    Button svgButton() {
        return svg;
    }

    Button pngButton() {
        return png;
    }

    Text directoryText() {
        return directory;
    }
}
