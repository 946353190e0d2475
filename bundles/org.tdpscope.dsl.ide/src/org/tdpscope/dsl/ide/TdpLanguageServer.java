/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.xtext.ide.server.LanguageServerImpl;
import org.eclipse.xtext.ide.server.ServerModule;
import org.eclipse.xtext.resource.IResourceServiceProvider;
import org.eclipse.xtext.resource.impl.ResourceServiceProviderRegistryImpl;
import org.eclipse.xtext.util.Modules2;

import com.google.inject.Guice;
import com.google.inject.Injector;

/**
 * Xtext's language server for {@code .tdp} files on a pair of streams (stdin/stdout for
 * {@code tdpscope lsp}). The language is registered directly rather than through
 * {@code java.util.ServiceLoader}, which does not see bundle classes under OSGi.
 */
public final class TdpLanguageServer {

    private TdpLanguageServer() {
    }

    /** A server wired to the scenario language, not yet connected. */
    public static LanguageServerImpl create() {
        ResourceServiceProviderRegistryImpl registry = new ResourceServiceProviderRegistryImpl();
        Injector language = new TdpIdeSetup().createInjectorAndDoEMFRegistration();
        registry.getExtensionToFactoryMap().put("tdp", language.getInstance(IResourceServiceProvider.class));
        Injector server = Guice.createInjector(Modules2.mixin(new ServerModule(),
                binder -> binder.bind(IResourceServiceProvider.Registry.class).toInstance(registry)));
        return server.getInstance(LanguageServerImpl.class);
    }

    /** Starts a server on the streams and returns when the client disconnects (or the thread is interrupted). */
    public static void start(InputStream in, OutputStream out) {
        LanguageServerImpl server = create();
        Launcher<LanguageClient> launcher = Launcher.createLauncher(server, LanguageClient.class, in, out);
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        try {
            listening.get();
        } catch (InterruptedException e) {
            listening.cancel(true);
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the client went away
        }
    }
}
