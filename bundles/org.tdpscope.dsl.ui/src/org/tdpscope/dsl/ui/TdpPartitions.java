/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import org.eclipse.core.filebuffers.IDocumentSetupParticipant;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IDocumentExtension3;
import org.eclipse.jface.text.IDocumentPartitioner;
import org.eclipse.jface.text.rules.EndOfLineRule;
import org.eclipse.jface.text.rules.FastPartitioner;
import org.eclipse.jface.text.rules.IPredicateRule;
import org.eclipse.jface.text.rules.MultiLineRule;
import org.eclipse.jface.text.rules.RuleBasedPartitionScanner;
import org.eclipse.jface.text.rules.SingleLineRule;
import org.eclipse.jface.text.rules.Token;

/**
 * The document partitioning of a scenario: comments and strings are partitions of their own, so
 * a multi-line comment is coloured as a whole. Installed by the file buffers (extension
 * {@code org.eclipse.core.filebuffers.documentSetup}) and by {@link #setup(IDocument)}.
 */
public final class TdpPartitions implements IDocumentSetupParticipant {

    public static final String PARTITIONING = "__tdp_partitioning";
    public static final String COMMENT = "__tdp_comment";
    public static final String STRING = "__tdp_string";
    public static final String[] TYPES = { IDocument.DEFAULT_CONTENT_TYPE, COMMENT, STRING };

    @Override
    public void setup(IDocument document) {
        install(document);
    }

    /** Installs the partitioner unless the document has one already. */
    public static void install(IDocument document) {
        if (document instanceof IDocumentExtension3 d3) {
            if (d3.getDocumentPartitioner(PARTITIONING) != null) {
                return;
            }
            IDocumentPartitioner p = createPartitioner();
            d3.setDocumentPartitioner(PARTITIONING, p);
            p.connect(document);
        }
    }

    static IDocumentPartitioner createPartitioner() {
        RuleBasedPartitionScanner scanner = new RuleBasedPartitionScanner();
        Token comment = new Token(COMMENT);
        Token string = new Token(STRING);
        scanner.setPredicateRules(new IPredicateRule[] {
            new EndOfLineRule("//", comment),
            new MultiLineRule("/*", "*/", comment, (char) 0, true),
            new SingleLineRule("\"", "\"", string, '\\'),
        });
        return new FastPartitioner(scanner, new String[] { COMMENT, STRING });
    }
}
