/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.tests;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.tdpscope.dsl.ide.TdpLanguageServer;

/**
 * A raw language-server client for the tests: it writes JSON-RPC messages with
 * {@code Content-Length} framing onto the server's standard input, as an editor does (and any
 * bytes a test wants, broken ones included), and reads the server's standard output strictly:
 * every byte must belong to a well-formed frame whose body is a JSON-RPC message; anything else
 * is kept as "non-protocol output" for the tests to assert on. lsp4j's JSON handler only decodes
 * the bodies into typed objects (responses by the method of the request they answer).
 *
 * <p>The server under test is, in this order of preference:
 * <ol>
 * <li>the command in the system property {@code tdpscope.lsp.command} or the environment variable
 * {@code TDPSCOPE_LSP_COMMAND} (e.g. {@code /path/to/tdpscope lsp}): the real launcher;</li>
 * <li>on a plain class path (or with {@code -Dtdpscope.lsp.fork=true}), a JVM forked on this
 * class path running {@code TdpLanguageServer.main}, which is what {@code tdpscope lsp} runs: real
 * stdin and stdout;</li>
 * <li>else (under OSGi, as tycho-surefire runs the tests) in this JVM on pipes, in the CLI's
 * conditions: {@code System.out} is the channel and log4j has Xtext's own configuration, which
 * logs to {@code System.out}, as it does in {@code tdpscope lsp} before the server starts.</li>
 * </ol>
 * {@link #external()} says whether the server is a process of its own (exit codes, standard
 * error and the {@code exit} notification can only be checked then).
 */
final class LspWire implements AutoCloseable {

    private static final Map<String, JsonRpcMethod> METHODS = new LinkedHashMap<>();
    static {
        METHODS.putAll(ServiceEndpoints.getSupportedMethods(LanguageServer.class));
        METHODS.putAll(ServiceEndpoints.getSupportedMethods(LanguageClient.class));
    }

    /** The id of a response that had id null. */
    static final String NULL_ID = "(null)";

    private final Map<String, String> methodOfId = new ConcurrentHashMap<>();
    private final MessageJsonHandler json = new MessageJsonHandler(METHODS);
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final List<Message> all = new ArrayList<>();
    private final List<Message> pending = new ArrayList<>();
    private final ByteArrayOutputStream nonProtocol = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final OutputStream toServer;
    private final Process process;
    private final Thread inProcessServer;
    private final PrintStream savedOut;
    private final Thread reader;
    private volatile boolean outputEnded;

    private LspWire(OutputStream toServer, InputStream fromServer, InputStream errors, Process process,
            Thread inProcessServer, PrintStream savedOut) {
        this.toServer = toServer;
        this.process = process;
        this.inProcessServer = inProcessServer;
        this.savedOut = savedOut;
        json.setMethodProvider(methodOfId::get);
        reader = new Thread(() -> read(fromServer), "lsp-test-reader");
        reader.setDaemon(true);
        reader.start();
        if (errors != null) {
            Thread t = new Thread(() -> copy(errors, stderr), "lsp-test-stderr");
            t.setDaemon(true);
            t.start();
        }
    }

    /** A server as described in the class comment, with extra JVM options for a forked server. */
    static LspWire start(String... jvmOptions) throws IOException {
        String command = System.getProperty("tdpscope.lsp.command", System.getenv("TDPSCOPE_LSP_COMMAND"));
        if (command != null && !command.isBlank()) {
            ProcessBuilder pb = new ProcessBuilder(List.of(command.trim().split("\\s+")));
            return fromProcess(pb.start());
        }
        String fork = System.getProperty("tdpscope.lsp.fork");
        String cp = "false".equals(fork) ? null : forkClassPath("true".equals(fork));
        if (cp != null) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            cmd.addAll(List.of(jvmOptions));
            cmd.addAll(List.of("-cp", cp, TdpLanguageServer.class.getName()));
            return fromProcess(new ProcessBuilder(cmd).start());
        }
        return inProcess();
    }

    private static LspWire fromProcess(Process p) {
        return new LspWire(p.getOutputStream(), p.getInputStream(), p.getErrorStream(), p, null, null);
    }

    /** The server in this JVM: stdin and stdout are pipes, and {@code System.out} is the channel, as in the CLI. */
    static LspWire inProcess() throws IOException {
        Pipe clientToServer = Pipe.open();
        Pipe serverToClient = Pipe.open();
        InputStream serverIn = Channels.newInputStream(clientToServer.source());
        PrintStream serverOut = new PrintStream(Channels.newOutputStream(serverToClient.sink()), false,
                StandardCharsets.UTF_8);
        PrintStream saved = System.out;
        System.setOut(serverOut);
        // as in the CLI: Xtext's log4j.properties, whose console appender writes to System.out
        java.net.URL xtextLogConfig = org.eclipse.xtext.resource.XtextResource.class.getClassLoader()
                .getResource("log4j.properties");
        if (xtextLogConfig != null) {
            org.apache.log4j.LogManager.resetConfiguration();
            org.apache.log4j.PropertyConfigurator.configure(xtextLogConfig);
        }
        Thread server = new Thread(() -> {
            try {
                TdpLanguageServer.start(serverIn, serverOut);
            } finally {
                serverOut.close();
            }
        }, "tdp-lsp-under-test");
        server.setDaemon(true);
        server.start();
        return new LspWire(Channels.newOutputStream(clientToServer.sink()),
                Channels.newInputStream(serverToClient.source()), null, null, server, saved);
    }

    /** Whether the server is a process of its own (its exit code and standard error can be checked). */
    boolean external() {
        return process != null;
    }

    /**
     * A class path for a forked server: {@code java.class.path} when this runtime is a plain class
     * path that holds the server; under OSGi (tycho-surefire) only when {@code osgi} is true: then
     * the files of every installed bundle, found through the bundle class loader by reflection
     * (this test bundle does not import the OSGi framework). Null otherwise.
     */
    static String forkClassPath(boolean osgi) {
        ClassLoader loader = TdpLanguageServer.class.getClassLoader();
        boolean bundleLoader = false;
        Set<String> entries = new LinkedHashSet<>();
        try {
            Method getBundle = loader.getClass().getMethod("getBundle");
            bundleLoader = true;
            if (osgi) {
                Object bundle = getBundle.invoke(loader);
                Object context = bundle.getClass().getMethod("getBundleContext").invoke(bundle);
                Object[] bundles = (Object[]) context.getClass().getMethod("getBundles").invoke(context);
                for (Object b : bundles) {
                    File f = bundleFile((String) b.getClass().getMethod("getLocation").invoke(b));
                    if (f != null && f.isDirectory()) {
                        File classes = new File(f, "target/classes");
                        entries.add((classes.isDirectory() ? classes : f).getAbsolutePath());
                    } else if (f != null) {
                        entries.add(f.getAbsolutePath());
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a bundle class loader: a plain class path
        }
        if (bundleLoader) {
            return entries.isEmpty() ? null : String.join(File.pathSeparator, entries);
        }
        String cp = System.getProperty("java.class.path");
        try {
            String own = new File(TdpLanguageServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getAbsolutePath();
            return cp != null && List.of(cp.split(File.pathSeparator)).stream()
                    .anyMatch(e -> new File(e).getAbsolutePath().equals(own)) ? cp : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static File bundleFile(String location) {
        if (location == null) {
            return null;
        }
        String l = location;
        if (l.startsWith("reference:")) {
            l = l.substring("reference:".length());
        }
        if (l.startsWith("initial@")) {
            l = l.substring("initial@".length());
        }
        try {
            File f = l.startsWith("file:") ? new File(URI.create(l.replace(" ", "%20"))) : new File(l);
            return f.exists() ? f : null;
        } catch (IllegalArgumentException e) {
            File f = new File(l.replaceFirst("^file:", ""));
            return f.exists() ? f : null;
        }
    }

    // ------------------------------------------------------------------------------------------- sending

    /** Sends a message: the body framed with {@code Content-Length}. */
    void send(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        raw(("Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), b);
    }

    /** Sends bytes exactly as given (broken frames too). */
    void raw(byte[]... parts) {
        try {
            for (byte[] p : parts) {
                toServer.write(p);
            }
            toServer.flush();
        } catch (IOException e) {
            throw new IllegalStateException("the server does not read its input: " + e, e);
        }
    }

    void notify(String method, String params) {
        send("{\"jsonrpc\":\"2.0\",\"method\":" + quote(method) + ",\"params\":" + params + "}");
    }

    /** Sends a request without waiting; its response is decoded by the method's result type. */
    void sendRequest(int id, String method, String params) {
        methodOfId.put(Integer.toString(id), method);
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":" + quote(method) + ",\"params\":" + params + "}");
    }

    /** Sends a request and waits for its response. */
    ResponseMessage request(int id, String method, String params, Duration timeout) throws InterruptedException {
        sendRequest(id, method, params);
        return response(id, timeout);
    }

    /** Waits for the response to request {@code id}. */
    ResponseMessage response(Object id, Duration timeout) throws InterruptedException {
        Message m = await(x -> x instanceof ResponseMessage r && r.getId() != null && r.getId().equals(id.toString()),
                timeout);
        return (ResponseMessage) m;
    }

    /** The standard initialize handshake with these params; the response. */
    ResponseMessage initialize(String params) throws InterruptedException {
        ResponseMessage r = request(1, "initialize", params, Duration.ofSeconds(120));
        notify("initialized", "{}");
        return r;
    }

    void didOpen(String uri, String text) {
        notify("textDocument/didOpen", "{\"textDocument\":{\"uri\":" + quote(uri)
                + ",\"languageId\":\"tdp\",\"version\":1,\"text\":" + quote(text) + "}}");
    }

    // ----------------------------------------------------------------------------------------- receiving

    /**
     * Waits for the first message not yet taken by an earlier await that matches; fails after the
     * timeout. Messages that do not match stay for later awaits.
     */
    Message await(Predicate<Message> wanted, Duration timeout) throws InterruptedException {
        synchronized (pending) {
            for (var it = pending.iterator(); it.hasNext();) {
                Message m = it.next();
                if (wanted.test(m)) {
                    it.remove();
                    return m;
                }
            }
        }
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            Message m = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                String seen;
                synchronized (pending) {
                    seen = pending.toString();
                }
                throw new AssertionError("no matching message within " + timeout + (outputEnded
                        ? " (the server's output ended)" : "") + "; received: " + shorten(seen)
                        + "; non-protocol output: " + nonProtocolOutput() + "; stderr: " + shorten(stderr()));
            }
            if (wanted.test(m)) {
                return m;
            }
            synchronized (pending) {
                pending.add(m);
            }
        }
    }

    /** Waits for diagnostics of the document {@code uri} (ending with it) that satisfy {@code wanted}. */
    NotificationMessage diagnostics(String uriEnd, Predicate<org.eclipse.lsp4j.PublishDiagnosticsParams> wanted,
            Duration timeout) throws InterruptedException {
        return (NotificationMessage) await(m -> m instanceof NotificationMessage n
                && "textDocument/publishDiagnostics".equals(n.getMethod())
                && n.getParams() instanceof org.eclipse.lsp4j.PublishDiagnosticsParams p && p.getUri().endsWith(uriEnd)
                && wanted.test(p), timeout);
    }

    /** Every message received so far. */
    List<Message> messages() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** Bytes on the server's output that were no part of a well-formed frame. */
    String nonProtocolOutput() {
        synchronized (nonProtocol) {
            return nonProtocol.toString(StandardCharsets.UTF_8);
        }
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether the server's output has ended (its process closed stdout). */
    boolean outputEnded() {
        return outputEnded;
    }

    private void read(InputStream in) {
        try {
            while (true) {
                // headers
                int length = -1;
                boolean sawHeader = false;
                while (true) {
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    int c;
                    while ((c = in.read()) != -1 && c != '\n') {
                        line.write(c);
                    }
                    if (c == -1) {
                        if (line.size() > 0) {
                            junk(line.toByteArray());
                        }
                        return;
                    }
                    String text = line.toString(StandardCharsets.US_ASCII);
                    if (text.equals("\r")) {
                        if (sawHeader) {
                            break;
                        }
                        junk("\r\n".getBytes(StandardCharsets.US_ASCII));
                        continue;
                    }
                    if (!text.endsWith("\r") || !text.matches("[A-Za-z-]+: [^\r]*\r")) {
                        junk((text + "\n").getBytes(StandardCharsets.UTF_8));
                        sawHeader = false;
                        length = -1;
                        continue;
                    }
                    sawHeader = true;
                    if (text.toLowerCase().startsWith("content-length: ")) {
                        length = Integer.parseInt(text.substring(16).trim());
                    }
                }
                if (length < 0) {
                    junk("(a frame without Content-Length)\n".getBytes(StandardCharsets.US_ASCII));
                    continue;
                }
                byte[] body = in.readNBytes(length);
                String text = new String(body, StandardCharsets.UTF_8);
                // lsp4j cannot decode a response with id null (JSON-RPC's answer to a message whose id
                // could not be read): give it the id "null"
                if (text.startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,")) {
                    text = "{\"jsonrpc\":\"2.0\",\"id\":\"" + NULL_ID + "\","
                            + text.substring("{\"jsonrpc\":\"2.0\",\"id\":null,".length());
                }
                try {
                    Message m = decode(text);
                    synchronized (all) {
                        all.add(m);
                    }
                    received.add(m);
                } catch (RuntimeException e) {
                    junk(("(a body that is no JSON-RPC message: " + e + ") " + text + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // the stream is gone
        } finally {
            outputEnded = true;
        }
    }

    /**
     * lsp4j's decoding of a body. Called reflectively: {@code parseMessage} declares Gson's
     * {@code JsonParseException}, and this test bundle does not see Gson (lsp4j imports it, and
     * does not re-export it), so the compiler cannot resolve a direct call.
     */
    private Message decode(String text) {
        try {
            Method parse = MessageJsonHandler.class.getMethod("parseMessage", CharSequence.class);
            return (Message) parse.invoke(json, text);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalArgumentException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private void junk(byte[] b) {
        synchronized (nonProtocol) {
            nonProtocol.write(b, 0, b.length);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream into) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (into) {
                    into.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // gone
        }
    }

    // ------------------------------------------------------------------------------------------- closing

    /** Closes the server's input and waits for it to end; true when it ended within the time. */
    boolean closeInputAndWait(Duration timeout) throws InterruptedException {
        try {
            toServer.close();
        } catch (IOException e) {
            // already closed
        }
        if (process != null) {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        inProcessServer.join(timeout.toMillis());
        return !inProcessServer.isAlive();
    }

    /** The exit code of a server process (after it ended). */
    int exitCode() {
        return process.exitValue();
    }

    /** Waits until the reader has seen the end of the server's output. */
    void awaitOutputEnd(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
    }

    @Override
    public void close() throws InterruptedException {
        try {
            closeInputAndWait(Duration.ofSeconds(20));
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (savedOut != null) {
                System.setOut(savedOut);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- JSON

    /** A JSON string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
            case '"' -> sb.append("\\\"");
            case '\\' -> sb.append("\\\\");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
                if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            }
        }
        return sb.append('"').toString();
    }

    static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private static String shorten(String s) {
        return s.length() > 3000 ? s.substring(0, 3000) + "..." : s;
    }
}
