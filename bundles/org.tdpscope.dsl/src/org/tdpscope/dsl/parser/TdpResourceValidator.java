/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.parser;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.xtext.diagnostics.Diagnostic;
import org.eclipse.xtext.service.OperationCanceledError;
import org.eclipse.xtext.util.CancelIndicator;
import org.eclipse.xtext.validation.CheckMode;
import org.eclipse.xtext.validation.Issue;
import org.eclipse.xtext.validation.ResourceValidatorImpl;

/**
 * One error per mistake, for every user of the language (the command line's {@code check}, the language server,
 * the editor): they all validate through this service. After the parser has gone wrong, what follows is read from
 * a guess of the scenario: a second syntax error on the same line, an "after the end of the scenario" error once
 * the parser has closed a block too early, and the linking and validation problems from the first parser error's
 * line on are follow-ons of the first error and are left out. Problems before it are kept; an unknown word that
 * the parser read as a value (an unknown policy, a missing number) breaks nothing after it and hides only its own
 * line.
 */
public class TdpResourceValidator extends ResourceValidatorImpl {

    @Override
    public List<Issue> validate(Resource resource, CheckMode mode, CancelIndicator indicator)
            throws OperationCanceledError {
        return oneErrorPerMistake(super.validate(resource, mode, indicator));
    }

    /** {@code issues} without the follow-ons of syntax errors, in their order. */
    public static List<Issue> oneErrorPerMistake(List<Issue> issues) {
        List<Issue> syntax = new ArrayList<>();
        for (Issue i : issues) {
            if (i.isSyntaxError()) {
                syntax.add(i);
            }
        }
        if (syntax.isEmpty()) {
            return issues;
        }
        syntax.sort(Comparator.comparingInt(TdpResourceValidator::offset));
        Map<Issue, Boolean> keep = new IdentityHashMap<>();
        Set<Integer> errorLines = new HashSet<>();
        int parserErrorLine = Integer.MAX_VALUE;
        for (Issue i : syntax) {
            int line = line(i);
            boolean followOn = !keep.isEmpty() && (errorLines.contains(line) || afterEnd(i));
            if (!followOn) {
                keep.put(i, true);
                errorLines.add(line);
                if (Diagnostic.SYNTAX_DIAGNOSTIC.equals(i.getCode())) {
                    parserErrorLine = Math.min(parserErrorLine, line);
                }
            }
        }
        List<Issue> out = new ArrayList<>(issues.size());
        for (Issue i : issues) {
            if (i.isSyntaxError() ? keep.containsKey(i) : line(i) < parserErrorLine && !errorLines.contains(line(i))) {
                out.add(i);
            }
        }
        return out;
    }

    private static boolean afterEnd(Issue i) {
        return i.getData() != null && Arrays.asList(i.getData()).contains(TdpSyntaxErrors.AFTER_END);
    }

    private static int offset(Issue i) {
        return i.getOffset() == null ? 0 : i.getOffset();
    }

    private static int line(Issue i) {
        return i.getLineNumber() == null ? 1 : i.getLineNumber();
    }
}
