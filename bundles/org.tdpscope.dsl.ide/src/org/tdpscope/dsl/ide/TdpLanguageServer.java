/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.log4j.ConsoleAppender;
import org.apache.log4j.Level;
import org.apache.log4j.LogManager;
import org.apache.log4j.Logger;
import org.apache.log4j.PatternLayout;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageProducer;
import org.eclipse.lsp4j.jsonrpc.RemoteEndpoint;
import org.eclipse.lsp4j.jsonrpc.json.ConcurrentMessageProcessor;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.json.StreamMessageConsumer;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.xtext.ide.server.IMultiRootWorkspaceConfigFactory;
import org.eclipse.xtext.ide.server.LanguageServerImpl;
import org.eclipse.xtext.ide.server.ServerModule;
import org.eclipse.xtext.resource.IResourceServiceProvider;
import org.eclipse.xtext.resource.impl.ResourceServiceProviderRegistryImpl;
import org.eclipse.xtext.util.Modules2;
import org.tdpscope.dsl.ide.server.FramedMessageProducer;
import org.tdpscope.dsl.ide.server.LooseFilesWorkspaceConfigFactory;
import org.tdpscope.dsl.ide.server.ProtocolErrors;
import org.tdpscope.dsl.ide.server.TdpServerImpl;

import com.google.inject.Guice;
import com.google.inject.Injector;

/**
 * Xtext's language server for {@code .tdp} files on a pair of streams (stdin/stdout for
 * {@code tdpscope lsp}). The language is registered directly rather than through
 * {@code java.util.ServiceLoader}, which does not see bundle classes under OSGi.
 *
 * <p>The output stream carries protocol messages only: logging goes to standard error (Xtext's
 * log4j configuration would print to standard output), and while the server owns the process's
 * standard output, {@code System.out} is standard error. The input is read by
 * {@link FramedMessageProducer}, which answers a bad frame and goes on rather than going deaf,
 * and limits a message's size and nesting; error responses carry no Java stack trace
 * ({@link ProtocolErrors}).
 */
public final class TdpLanguageServer {

    private TdpLanguageServer() {
    }

    /** {@code java -cp ... org.tdpscope.dsl.ide.TdpLanguageServer}: the server on stdin/stdout. */
    public static void main(String[] args) {
        start(System.in, System.out);
        System.exit(0);
    }

    /** A server wired to the scenario language, not yet connected. */
    public static LanguageServerImpl create() {
        ResourceServiceProviderRegistryImpl registry = new ResourceServiceProviderRegistryImpl();
        Injector language = new TdpIdeSetup().createInjectorAndDoEMFRegistration();
        registry.getExtensionToFactoryMap().put("tdp", language.getInstance(IResourceServiceProvider.class));
        Injector server = Guice.createInjector(Modules2.mixin(new ServerModule(), binder -> {
            binder.bind(IResourceServiceProvider.Registry.class).toInstance(registry);
            binder.bind(LanguageServerImpl.class).to(TdpServerImpl.class);
            binder.bind(IMultiRootWorkspaceConfigFactory.class).to(LooseFilesWorkspaceConfigFactory.class);
            binder.bind(org.eclipse.xtext.util.IFileSystemScanner.class).to(
                    org.tdpscope.dsl.ide.server.BoundedFileSystemScanner.class);
        }));
        return server.getInstance(LanguageServerImpl.class);
    }

    /**
     * Starts a server on the streams and returns when the client disconnects (or the thread is
     * interrupted). When {@code out} is {@code System.out}, {@code System.out} is standard error
     * until then, so that nothing but the protocol reaches the client.
     */
    public static void start(InputStream in, OutputStream out) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        logToStandardError();
        boolean ownsStdout = out == stdout;
        OutputStream channel = out;
        if (ownsStdout) {
            stdout.flush();
            channel = new FailingPrintStreamOutput(stdout);
            System.setOut(stderr);
        }
        try {
            LanguageServerImpl server = create();
            ServerLauncherBuilder builder = new ServerLauncherBuilder(stderr);
            builder.setLocalService(server);
            builder.setRemoteInterface(LanguageClient.class);
            builder.setInput(in);
            builder.setOutput(channel);
            builder.setExceptionHandler(new ProtocolErrors(stderr));
            Launcher<LanguageClient> launcher = builder.create();
            server.connect(launcher.getRemoteProxy());
            Future<Void> listening = launcher.startListening();
            try {
                listening.get();
            } catch (InterruptedException e) {
                listening.cancel(true);
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                stderr.println("tdpscope lsp: the connection ended: " + ProtocolErrors.describe(e));
            }
        } finally {
            if (ownsStdout) {
                System.setOut(stdout);
            }
        }
    }

    /**
     * Sends all log4j logging (Xtext's) to standard error, warnings and errors only: Xtext's own
     * {@code log4j.properties} logs INFO to standard output, which is the protocol channel here.
     */
    public static void logToStandardError() {
        LogManager.resetConfiguration();
        Logger root = Logger.getRootLogger();
        root.setLevel(Level.WARN);
        ConsoleAppender appender = new ConsoleAppender(new PatternLayout("tdpscope lsp: %-5p %c{1} - %m%n"),
                ConsoleAppender.SYSTEM_ERR);
        appender.setName("tdpscope-lsp-stderr");
        root.addAppender(appender);
    }

    /**
     * {@code System.out} as the channel, with errors thrown: a {@link PrintStream} swallows them,
     * and a client that went away must end the server, not leave it writing into nothing.
     */
    private static final class FailingPrintStreamOutput extends FilterOutputStream {
        private final PrintStream target;

        FailingPrintStreamOutput(PrintStream target) {
            super(target);
            this.target = target;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
            if (target.checkError()) {
                throw new IOException("standard output is closed");
            }
        }
    }

    /**
     * lsp4j's launcher with {@link FramedMessageProducer} in place of its stream reader; the
     * producer answers bad frames through the same outgoing message stream as the server.
     */
    private static final class ServerLauncherBuilder extends Launcher.Builder<LanguageClient> {
        private final PrintStream log;
        private MessageJsonHandler jsonHandler;
        private MessageConsumer outgoing;

        ServerLauncherBuilder(PrintStream log) {
            this.log = log;
        }

        @Override
        protected MessageJsonHandler createJsonHandler() {
            jsonHandler = super.createJsonHandler();
            return jsonHandler;
        }

        @Override
        protected RemoteEndpoint createRemoteEndpoint(MessageJsonHandler json) {
            outgoing = wrapMessageConsumer(new StreamMessageConsumer(output, json));
            RemoteEndpoint endpoint = new RemoteEndpoint(outgoing, ServiceEndpoints.toEndpoint(localServices),
                    exceptionHandler);
            json.setMethodProvider(endpoint);
            endpoint.setJsonHandler(json);
            return endpoint;
        }

        @Override
        protected ConcurrentMessageProcessor createMessageProcessor(MessageProducer reader,
                MessageConsumer messageConsumer, LanguageClient remoteProxy) {
            return new ConcurrentMessageProcessor(new FramedMessageProducer(input, jsonHandler, outgoing, log),
                    messageConsumer);
        }
    }
}
