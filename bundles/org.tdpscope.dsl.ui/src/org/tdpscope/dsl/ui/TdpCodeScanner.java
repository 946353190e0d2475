/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.util.Set;

import org.eclipse.jface.text.rules.ICharacterScanner;
import org.eclipse.jface.text.rules.IRule;
import org.eclipse.jface.text.rules.IToken;
import org.eclipse.jface.text.rules.IWordDetector;
import org.eclipse.jface.text.rules.RuleBasedScanner;
import org.eclipse.jface.text.rules.Token;
import org.eclipse.jface.text.rules.WhitespaceRule;
import org.eclipse.jface.text.rules.WordRule;

/** Colours the default partition: the grammar's keywords and numbers (0x40000, 262144, 2M). */
public final class TdpCodeScanner extends RuleBasedScanner {

    public TdpCodeScanner(Set<String> keywords) {
        IToken keyword = new Token(TdpColors.keyword());
        IToken number = new Token(TdpColors.number());
        WordRule words = new WordRule(new IWordDetector() {
            @Override
            public boolean isWordStart(char c) {
                return Character.isLetter(c) || c == '_';
            }

            @Override
            public boolean isWordPart(char c) {
                return Character.isLetterOrDigit(c) || c == '_' || c == '-';
            }
        }, new Token(null)); // unknown words are consumed whole
        for (String k : keywords) {
            words.addWord(k, keyword);
        }
        setRules(new IRule[] { new WhitespaceRule(Character::isWhitespace), new NumberRule(number),
                new KernelVersionRule(number), words });
    }

    /** A kernel release, {@code v5.16} or {@code v6.14}, coloured as one number (the grammar's KERNEL_VERSION). */
    static final class KernelVersionRule implements IRule {
        private final IToken token;

        KernelVersionRule(IToken token) {
            this.token = token;
        }

        @Override
        public IToken evaluate(ICharacterScanner scanner) {
            int read = 0;
            int c = scanner.read();
            read++;
            if (c == 'v') {
                int digits = 0;
                while (Character.isDigit(c = scanner.read())) {
                    read++;
                    digits++;
                }
                read++;
                if (digits > 0 && c == '.') {
                    int minor = 0;
                    while (Character.isDigit(c = scanner.read())) {
                        read++;
                        minor++;
                    }
                    read++;
                    if (minor > 0 && !Character.isLetterOrDigit(c) && c != '_' && c != '-') {
                        scanner.unread();
                        return token;
                    }
                }
            }
            for (int i = 0; i < read; i++) {
                scanner.unread();
            }
            return Token.UNDEFINED;
        }
    }

    /** A digit followed by letters, digits and '_' (hex, decimal, sizes). */
    static final class NumberRule implements IRule {
        private final IToken token;

        NumberRule(IToken token) {
            this.token = token;
        }

        @Override
        public IToken evaluate(ICharacterScanner scanner) {
            int c = scanner.read();
            if (c == ICharacterScanner.EOF || !Character.isDigit(c)) {
                scanner.unread();
                return Token.UNDEFINED;
            }
            do {
                c = scanner.read();
            } while (c != ICharacterScanner.EOF && (Character.isLetterOrDigit(c) || c == '_'));
            scanner.unread();
            return token;
        }
    }
}
