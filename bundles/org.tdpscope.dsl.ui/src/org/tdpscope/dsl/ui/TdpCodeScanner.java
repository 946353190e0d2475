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
        setRules(new IRule[] { new WhitespaceRule(Character::isWhitespace), new NumberRule(number), words });
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
