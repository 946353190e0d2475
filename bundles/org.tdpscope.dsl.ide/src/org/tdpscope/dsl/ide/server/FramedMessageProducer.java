/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.server;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.jsonrpc.MessageConsumer;
import org.eclipse.lsp4j.jsonrpc.MessageIssueException;
import org.eclipse.lsp4j.jsonrpc.MessageProducer;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.Message;
import org.eclipse.lsp4j.jsonrpc.messages.MessageIssue;
import org.eclipse.lsp4j.jsonrpc.messages.NotificationMessage;
import org.eclipse.lsp4j.jsonrpc.messages.RequestMessage;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseMessage;

/**
 * Reads JSON-RPC messages framed with {@code Content-Length} headers, in place of lsp4j's
 * {@code StreamMessageProducer}, which goes deaf for good after one bad frame (a non-numeric,
 * missing or too large length, or a length larger than the body, makes it read the following
 * messages as part of the broken one) and lets a deeply nested message overflow the stack.
 *
 * <p>Every problem with a frame is answered, and reading goes on with the next frame:
 * <ul>
 * <li>a bad or missing {@code Content-Length}, or one above {@link #maxMessageBytes}: the body that
 * follows is skipped by its JSON structure, and a request gets an error response with its id;</li>
 * <li>a body that ends before its {@code Content-Length} (the next header follows, or nothing more
 * arrives for a while): an error response, and the bytes after the body start the next frame;</li>
 * <li>a body nested deeper than {@link #MAX_DEPTH}, or not JSON, or not a valid message: an error
 * response;</li>
 * <li>bytes that are no header at all: an error response with id null, then everything up to the
 * next {@code Content-Length:} is skipped.</li>
 * </ul>
 * An error response carries the request's id when the body shows one, else id null (JSON-RPC's
 * rule for a request whose id cannot be known); a broken notification is reported with
 * {@code window/logMessage}. Each problem is also one line on standard error. The end of the
 * input ends {@link #listen}.
 */
public final class FramedMessageProducer implements MessageProducer, Closeable {

    /** The largest message accepted: 64 MiB (system property {@code tdpscope.lsp.maxMessageBytes}). */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;
    /** The deepest nesting of arrays and objects accepted (Gson itself stops at 255). */
    public static final int MAX_DEPTH = 200;
    /** Header lines together may not be longer than this. */
    static final int MAX_HEADER_BYTES = 8192;
    /**
     * How long a body that is still incomplete JSON may stall before it is given up (system
     * property {@code tdpscope.lsp.stallMillis}).
     */
    static final long DEFAULT_STALL_MILLIS = 5000;
    /** How long a body that is already complete JSON may wait for the bytes its length still promises. */
    static final long COMPLETE_STALL_MILLIS = 500;

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final ByteSource in;
    private final MessageJsonHandler json;
    private final MessageConsumer out;
    private final PrintStream log;
    private final int maxMessageBytes;
    private final long stallMillis;
    private volatile boolean closed;

    /**
     * @param in   the client's stream
     * @param json lsp4j's handler (parses bodies, serializes error responses)
     * @param out  the outgoing message stream (error responses and log messages go there)
     * @param log  where each problem is reported in one line (standard error)
     */
    public FramedMessageProducer(InputStream in, MessageJsonHandler json, MessageConsumer out, PrintStream log) {
        this.in = new ByteSource(in);
        this.json = json;
        this.out = out;
        this.log = log;
        this.maxMessageBytes = Integer.getInteger("tdpscope.lsp.maxMessageBytes", DEFAULT_MAX_MESSAGE_BYTES);
        this.stallMillis = Long.getLong("tdpscope.lsp.stallMillis", DEFAULT_STALL_MILLIS);
    }

    @Override
    public void listen(MessageConsumer callback) {
        while (!closed) {
            if (!readFrame(callback)) {
                break;
            }
        }
        if (in.failure() != null) {
            report("the input failed: " + in.failure());
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Reads and handles one frame; false at the end of the input. */
    private boolean readFrame(MessageConsumer callback) {
        int b = skipWhitespace();
        if (b == ByteSource.EOF) {
            return false;
        }
        if (b == '{' || b == '[') {
            in.unread(new byte[] { (byte) b });
            return skipBody("a message without a Content-Length header");
        }
        in.unread(new byte[] { (byte) b });

        // the header lines, up to an empty line
        String contentLength = null;
        int headerBytes = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read(-1);
            if (c == ByteSource.EOF) {
                return false;
            }
            if (++headerBytes > MAX_HEADER_BYTES) {
                line.write(c);
                in.unread(line.toByteArray());
                return resync("a header longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                line.reset();
                if (text.isEmpty()) {
                    break;
                }
                int colon = text.indexOf(':');
                if (colon <= 0 || !isToken(text.substring(0, colon))) {
                    // the next frame's header may start inside this line (after the rest of a broken body)
                    in.unread((text + "\n").getBytes(StandardCharsets.ISO_8859_1));
                    return resync("a header line that is no 'Name: value' (" + shorten(text) + ")");
                }
                if (text.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                    contentLength = text.substring(colon + 1).trim();
                }
            } else {
                line.write(c);
            }
        }

        if (contentLength == null) {
            return skipBody("a message without a Content-Length header");
        }
        if (!contentLength.matches("[0-9]{1,10}")) {
            return skipBody("a Content-Length that is no number of bytes ('" + shorten(contentLength) + "')");
        }
        long length = Long.parseLong(contentLength);
        if (length > maxMessageBytes) {
            return skipBody("a message of " + length + " bytes; the limit is " + maxMessageBytes + " bytes");
        }
        return readBody((int) length, callback);
    }

    /**
     * Reads a body of {@code length} bytes, checking its shape as it comes: when the next frame's
     * {@code Content-Length:} turns up where the JSON text cannot go on, or nothing more arrives,
     * the length was wrong and the message is answered with an error.
     */
    private boolean readBody(int length, MessageConsumer callback) {
        JsonShape shape = new JsonShape();
        boolean notJson = false;
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(length, 1 << 16));
        for (int i = 0; i < length; i++) {
            int c = in.read(shape.complete() || notJson ? COMPLETE_STALL_MILLIS : stallMillis);
            if (c == ByteSource.EOF) {
                report("the input ended inside a message (" + i + " of " + length + " bytes)");
                return false;
            }
            if (c == ByteSource.TIMEOUT) {
                shape.finish();
                fail(shape, ResponseErrorCode.ParseError, "the message has " + i + " bytes, its Content-Length says "
                        + length + (shape.complete() || notJson ? "" : "; nothing more arrived for " + stallMillis
                                + " ms"));
                return true;
            }
            if (!notJson && !shape.feed(c)) {
                notJson = true;
            }
            if (notJson && (c == 'C' || c == 'c')) {
                in.unread(new byte[] { (byte) c });
                if (headerFollows()) {
                    shape.finish();
                    fail(shape, ResponseErrorCode.ParseError, "the message ends after " + i
                            + " bytes, its Content-Length says " + length);
                    return true;
                }
                c = in.read(-1);
            }
            if (shape.maxDepth() <= MAX_DEPTH) {
                body.write(c);
            }
        }
        shape.finish();
        if (shape.maxDepth() > MAX_DEPTH) {
            fail(shape, ResponseErrorCode.InvalidRequest, "the message nests arrays and objects deeper than "
                    + MAX_DEPTH + " levels");
            return true;
        }
        dispatch(body.toString(StandardCharsets.UTF_8), shape, callback);
        return true;
    }

    /** Whether the next bytes spell {@code Content-Length:}; they stay unread either way. */
    private boolean headerFollows() {
        byte[] got = new byte[CONTENT_LENGTH.length];
        int n = 0;
        boolean match = true;
        while (n < got.length) {
            int c = in.read(COMPLETE_STALL_MILLIS);
            if (c < 0) {
                match = false;
                break;
            }
            got[n++] = (byte) c;
            if (Character.toLowerCase(c) != CONTENT_LENGTH[n - 1]) {
                match = false;
                break;
            }
        }
        in.unread(java.util.Arrays.copyOf(got, n));
        return match;
    }

    /** Parses a body and hands the message on; a body that is no valid message is answered. */
    private void dispatch(String body, JsonShape shape, MessageConsumer callback) {
        Message message;
        try {
            message = json.parseMessage(body);
        } catch (MessageIssueException e) {
            Message m = e.getRpcMessage();
            String text = issues(e.getIssues());
            if (m instanceof RequestMessage r && r.getRawId() != null) {
                send(error(r.getRawId(), issueCode(e.getIssues()), text));
                report("request '" + r.getMethod() + "' (id " + r.getId() + ") refused: " + text);
            } else if (m instanceof NotificationMessage n) {
                logToClient("notification '" + n.getMethod() + "' ignored: " + text);
            } else {
                fail(shape, ResponseErrorCode.InvalidRequest, text);
            }
            return;
        } catch (RuntimeException | StackOverflowError e) {
            fail(shape, ResponseErrorCode.ParseError, "the message is no JSON-RPC message: " + rootMessage(e));
            return;
        }
        if (message == null) {
            fail(shape, ResponseErrorCode.ParseError, "the message is empty");
            return;
        }
        try {
            callback.consume(message);
        } catch (RuntimeException | StackOverflowError e) {
            report("handling a message failed: " + firstLine(e));
            if (message instanceof RequestMessage r && r.getRawId() != null) {
                send(error(r.getRawId(), ResponseErrorCode.InternalError.getValue(),
                        "internal error: " + firstLine(e)));
            }
        }
    }

    /**
     * After a header problem: skips one JSON value when one follows (its shape tells where it
     * ends, and its id whom to answer), else everything up to the next {@code Content-Length:}.
     */
    private boolean skipBody(String problem) {
        int b = skipWhitespace();
        if (b == ByteSource.EOF) {
            fail(new JsonShape(), ResponseErrorCode.ParseError, problem);
            return false;
        }
        if (b != '{' && b != '[') {
            in.unread(new byte[] { (byte) b });
            return resync(problem);
        }
        JsonShape shape = new JsonShape();
        shape.feed(b);
        long skipped = 1;
        while (!shape.complete()) {
            int c = in.read(stallMillis);
            if (c == ByteSource.EOF) {
                shape.finish();
                fail(shape, ResponseErrorCode.ParseError, problem);
                return false;
            }
            if (c == ByteSource.TIMEOUT) {
                break;
            }
            if (!shape.feed(c)) {
                in.unread(new byte[] { (byte) c });
                break;
            }
            skipped++;
        }
        shape.finish();
        fail(shape, problem.contains("limit") ? ResponseErrorCode.InvalidRequest : ResponseErrorCode.ParseError,
                problem + " (" + skipped + " bytes skipped)");
        return true;
    }

    /** Answers a frame that could not be read, then skips to the next {@code Content-Length:}. */
    private boolean resync(String problem) {
        fail(new JsonShape(), ResponseErrorCode.ParseError, problem + "; skipping to the next Content-Length header");
        // one byte at least, so that a bad frame that starts with "Content-Length:" is not read again
        if (in.read(-1) == ByteSource.EOF) {
            return false;
        }
        int matched = 0;
        while (true) {
            int c = in.read(-1);
            if (c == ByteSource.EOF) {
                return false;
            }
            int lower = Character.toLowerCase(c);
            if (lower == CONTENT_LENGTH[matched]) {
                matched++;
                if (matched == CONTENT_LENGTH.length) {
                    in.unread("Content-Length:".getBytes(StandardCharsets.US_ASCII));
                    return true;
                }
            } else {
                matched = lower == CONTENT_LENGTH[0] ? 1 : 0;
            }
        }
    }

    private int skipWhitespace() {
        while (true) {
            int b = in.read(-1);
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b;
            }
        }
    }

    /** Reports a broken message: an error response to a request, a log message for a notification. */
    private void fail(JsonShape shape, ResponseErrorCode code, String problem) {
        String method = shape.method();
        String what = method == null ? "a message" : "'" + method + "'";
        if (shape.hasId()) {
            Object id = shape.id();
            Either<String, Number> rawId = id instanceof String s ? Either.forLeft(s) : Either.forRight((Number) id);
            if (!shape.response()) {
                // a request (its method may not have arrived): answer it, or the client waits forever
                send(error(rawId, code.getValue(), problem));
            }
            report("refused " + what + " (id " + id + "): " + problem);
        } else if (method != null) {
            logToClient("ignored notification " + what + ": " + problem);
        } else {
            send(error(null, code.getValue(), problem));
            report("refused " + what + ": " + problem);
        }
    }

    private static ResponseMessage error(Either<String, Number> id, int code, String text) {
        ResponseMessage r = new ResponseMessage();
        r.setJsonrpc("2.0");
        r.setRawId(id);
        r.setError(new ResponseError(code, text, null));
        return r;
    }

    private void logToClient(String text) {
        report(text);
        NotificationMessage n = new NotificationMessage();
        n.setJsonrpc("2.0");
        n.setMethod("window/logMessage");
        n.setParams(new MessageParams(MessageType.Error, "tdpscope lsp: " + text));
        send(n);
    }

    private void send(Message m) {
        try {
            out.consume(m);
        } catch (RuntimeException e) {
            report("cannot answer the client: " + firstLine(e));
        }
    }

    private void report(String text) {
        log.println("tdpscope lsp: " + text);
        log.flush();
    }

    private static int issueCode(List<MessageIssue> issues) {
        return issues.isEmpty() || issues.get(0).getIssueCode() == 0 ? ResponseErrorCode.InvalidParams.getValue()
                : issues.get(0).getIssueCode();
    }

    private static String issues(List<MessageIssue> issues) {
        StringBuilder sb = new StringBuilder();
        for (MessageIssue i : issues) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            String text = i.getText() == null ? "invalid message" : i.getText();
            if (i.getCause() != null) {
                text = (text.endsWith(".") ? text.substring(0, text.length() - 1) : text) + ": "
                        + rootMessage(i.getCause());
            }
            sb.append(text);
        }
        return sb.length() == 0 ? "invalid message" : sb.toString();
    }

    private static boolean isToken(String s) {
        String t = s.trim();
        return !t.isEmpty() && t.chars().allMatch(ch -> ch > 32 && ch < 127 && "()<>@,;:\\\"/[]?={}".indexOf(ch) < 0);
    }

    private static String shorten(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 57) + "..." : t;
    }

    /** The message of the innermost cause (a JSON syntax error says where it is). */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? ProtocolErrors.describe(e)
                : ProtocolErrors.describe(t).replaceFirst("^\\w+: ", "");
    }

    private static String firstLine(Throwable e) {
        return ProtocolErrors.describe(e);
    }
}
