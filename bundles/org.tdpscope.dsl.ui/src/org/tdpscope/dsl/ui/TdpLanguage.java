/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ui;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import org.eclipse.emf.common.util.URI;
import org.eclipse.xtext.GrammarUtil;
import org.eclipse.xtext.IGrammarAccess;
import org.eclipse.xtext.resource.XtextResource;
import org.eclipse.xtext.resource.XtextResourceSet;
import org.tdpscope.dsl.api.TdpScenarios;
import org.tdpscope.dsl.ide.TdpIdeSetup;

import com.google.inject.Injector;

/**
 * The scenario language as the editor uses it: the Guice injector with the ide services
 * (content assist, semantic highlighting), the tool API for validation and formatting, and the
 * grammar's keywords. Created once, lazily; parsing is cheap enough to do per request.
 */
public final class TdpLanguage {

    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static volatile TdpLanguage instance;

    private final Injector injector;
    private final TdpScenarios scenarios;
    private final Set<String> keywords;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tdp-content-assist");
        t.setDaemon(true);
        return t;
    });

    private TdpLanguage() {
        scenarios = TdpScenarios.create();
        injector = new TdpIdeSetup().createInjectorAndDoEMFRegistration();
        TreeSet<String> words = new TreeSet<>();
        for (String k : GrammarUtil.getAllKeywords(injector.getInstance(IGrammarAccess.class).getGrammar())) {
            if (WORD.matcher(k).matches()) {
                words.add(k);
            }
        }
        keywords = Set.copyOf(words);
    }

    public static TdpLanguage get() {
        TdpLanguage l = instance;
        if (l == null) {
            synchronized (TdpLanguage.class) {
                l = instance;
                if (l == null) {
                    l = new TdpLanguage();
                    instance = l;
                }
            }
        }
        return l;
    }

    /** The language's injector with the ide module (content assist, highlighting). */
    public Injector injector() {
        return injector;
    }

    /** Validation (with the interpreter's dry run) and formatting. */
    public TdpScenarios scenarios() {
        return scenarios;
    }

    /** The grammar's word-like keywords ({@code scenario}, {@code vcpu}, {@code read-only}, ...). */
    public Set<String> keywords() {
        return keywords;
    }

    /** A pool for Xtext's content assist parser. */
    public ExecutorService pool() {
        return pool;
    }

    /** Parses {@code text} into a fresh resource, cross-references resolved. Never null. */
    public XtextResource parse(String text) {
        XtextResourceSet rs = injector.getInstance(XtextResourceSet.class);
        XtextResource r = injector.getInstance(XtextResource.class);
        r.setURI(URI.createURI("inmemory:/editor.tdp"));
        rs.getResources().add(r);
        try {
            r.load(new ByteArrayInputStream((text == null ? "" : text).getBytes(StandardCharsets.UTF_8)),
                    Map.of(XtextResource.OPTION_ENCODING, "UTF-8"));
        } catch (IOException e) {
            // in-memory stream: cannot happen
        }
        try {
            org.eclipse.emf.ecore.util.EcoreUtil.resolveAll(r);
        } catch (RuntimeException e) {
            // broken references stay proxies
        }
        return r;
    }
}
