/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte-by-byte look at the structure of a JSON text, without building it: where the top-level
 * value ends, how deep it nests, and the top-level {@code "id"} and {@code "method"} members. The
 * frame reader feeds it every byte of a message body, so that it can tell where a message ends
 * when the {@code Content-Length} header is wrong or missing (outside a string, a JSON text never
 * contains a letter such as the {@code C} of the next header), refuse a message nested too deep
 * before a recursive parser sees it, and still answer the request with an error that carries its
 * id.
 */
final class JsonShape {

    private static final int CAPTURE_LIMIT = 256;

    private int depth;
    private int maxDepth;
    private boolean started;
    private boolean complete;
    private boolean inString;
    private boolean escape;

    /** At depth 1 of an object: the next string is a member name. */
    private boolean expectingName;
    /** At depth 1 of an object, after the colon: the next token is the member's value. */
    private boolean expectingValue;
    private boolean topLevelObject;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private boolean capturingName;
    private boolean capturingString;
    private boolean capturingPrimitive;
    private String name;

    private boolean hasId;
    private Object id;
    private String method;
    private boolean response;

    /**
     * Takes the next byte; false when it cannot belong to this JSON text (a byte outside a string
     * that JSON does not allow there, or anything but white space after the value ended). That
     * byte then starts whatever follows the message.
     */
    boolean feed(int b) {
        if (complete) {
            return isWhitespace(b);
        }
        if (inString) {
            if (escape) {
                escape = false;
                capture(b);
            } else if (b == '\\') {
                escape = true;
                capture(b);
            } else if (b == '"') {
                inString = false;
                endString();
            } else {
                capture(b);
            }
            return true;
        }
        if (capturingPrimitive && !isPrimitiveByte(b)) {
            endPrimitive();
        }
        switch (b) {
        case ' ', '\t', '\r', '\n':
            return true;
        case '{', '[':
            if (depth == 0 && started) {
                return false;
            }
            started = true;
            depth++;
            maxDepth = Math.max(maxDepth, depth);
            if (depth == 1) {
                topLevelObject = b == '{';
                expectingName = topLevelObject;
            } else if (depth == 2) {
                expectingValue = false;
            }
            return true;
        case '}', ']':
            if (depth == 0) {
                return false;
            }
            depth--;
            if (depth == 0) {
                complete = true;
            }
            return true;
        case '"':
            if (depth == 0 && started) {
                return false;
            }
            started = true;
            inString = true;
            if (depth == 1 && topLevelObject) {
                if (expectingName) {
                    capturingName = true;
                    captured.reset();
                } else if (expectingValue) {
                    capturingString = true;
                    captured.reset();
                }
            }
            return true;
        case ':':
            if (depth == 1 && topLevelObject) {
                expectingName = false;
                expectingValue = true;
            }
            return depth > 0;
        case ',':
            if (depth == 1 && topLevelObject) {
                expectingName = true;
                expectingValue = false;
            }
            return depth > 0;
        default:
            if (!isPrimitiveByte(b)) {
                return false;
            }
            if (depth == 0 && started && !capturingPrimitive) {
                return false;
            }
            started = true;
            if (depth == 1 && topLevelObject && expectingValue && !capturingPrimitive) {
                capturingPrimitive = true;
                captured.reset();
            }
            if (capturingPrimitive) {
                capture(b);
            }
            return true;
        }
    }

    private void capture(int b) {
        if ((capturingName || capturingString || capturingPrimitive) && captured.size() < CAPTURE_LIMIT) {
            captured.write(b);
        }
    }

    private void endString() {
        String text = unescape(captured.toString(StandardCharsets.UTF_8));
        if (capturingName) {
            name = text;
            capturingName = false;
            if ("result".equals(name) || "error".equals(name)) {
                response = true;
            }
        } else if (capturingString) {
            capturingString = false;
            expectingValue = false;
            if ("id".equals(name)) {
                hasId = true;
                id = text;
            } else if ("method".equals(name)) {
                method = text;
            }
        }
    }

    private void endPrimitive() {
        capturingPrimitive = false;
        expectingValue = false;
        String text = captured.toString(StandardCharsets.US_ASCII);
        if ("id".equals(name) && !text.equals("null")) {
            try {
                long v = Long.parseLong(text);
                hasId = true;
                id = v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? Integer.valueOf((int) v) : Long.valueOf(v);
            } catch (NumberFormatException e) {
                // an id that is no integer: answer with id null
            }
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length()) {
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                            i += 4;
                        } catch (NumberFormatException e) {
                            sb.append(n);
                        }
                    }
                }
                default -> sb.append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Ends the text: a number at the very end has no delimiter after it. */
    void finish() {
        if (capturingPrimitive) {
            endPrimitive();
        }
    }

    private static boolean isWhitespace(int b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** Bytes of numbers and of {@code true}, {@code false}, {@code null}. */
    private static boolean isPrimitiveByte(int b) {
        return b >= '0' && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E' || b == 't'
                || b == 'r' || b == 'u' || b == 'f' || b == 'a' || b == 'l' || b == 's' || b == 'n';
    }

    /** The top-level value has ended. */
    boolean complete() {
        return complete;
    }

    /** Anything but white space was seen. */
    boolean started() {
        return started;
    }

    int maxDepth() {
        return maxDepth;
    }

    /** A top-level {@code "id"} with a string or integer value was seen. */
    boolean hasId() {
        return hasId;
    }

    /** The top-level id: a String, Integer or Long; null when none was seen. */
    Object id() {
        return id;
    }

    /** A top-level {@code "result"} or {@code "error"} was seen: a response, not a request. */
    boolean response() {
        return response;
    }

    /** The top-level {@code "method"}, or null. */
    String method() {
        return method;
    }
}
