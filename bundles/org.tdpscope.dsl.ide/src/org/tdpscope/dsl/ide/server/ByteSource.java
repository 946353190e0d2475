/*******************************************************************************
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *******************************************************************************/
package org.tdpscope.dsl.ide.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client's byte stream, read by a pump thread so that the frame reader can wait for the next
 * byte with a time limit (a message that stops arriving half-way must not wedge the server), and
 * with push-back (bytes read past the end of a broken message belong to the next one).
 */
final class ByteSource {

    static final int EOF = -1;
    static final int TIMEOUT = -2;

    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(128);
    /** Bytes put back, read before the current chunk. */
    private byte[] ahead = END;
    private int aheadPosition;
    private byte[] current = END;
    private int position;
    private boolean ended;
    private volatile IOException failure;

    ByteSource(InputStream in) {
        Thread pump = new Thread(() -> pump(in), "tdp-lsp-input");
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    failure = e;
                    n = -1;
                }
                if (n < 0) {
                    chunks.put(END);
                    return;
                }
                if (n > 0) {
                    chunks.put(Arrays.copyOf(buffer, n));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The next byte (0-255), {@link #EOF} once the stream ended, or {@link #TIMEOUT} when nothing
     * arrived for {@code timeoutMillis} (negative: wait as long as it takes).
     */
    int read(long timeoutMillis) {
        while (true) {
            if (aheadPosition < ahead.length) {
                return ahead[aheadPosition++] & 0xff;
            }
            if (position < current.length) {
                return current[position++] & 0xff;
            }
            if (ended) {
                return EOF;
            }
            byte[] next;
            try {
                next = timeoutMillis < 0 ? chunks.take() : chunks.poll(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = true;
                return EOF;
            }
            if (next == null) {
                return TIMEOUT;
            }
            if (next == END) {
                ended = true;
                return EOF;
            }
            current = next;
            position = 0;
        }
    }

    /** Puts bytes back in front of what is still to be read. */
    void unread(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        int rest = ahead.length - aheadPosition;
        byte[] joined = Arrays.copyOf(bytes, bytes.length + rest);
        System.arraycopy(ahead, aheadPosition, joined, bytes.length, rest);
        ahead = joined;
        aheadPosition = 0;
    }

    /** Why the stream ended, when it ended with an error. */
    IOException failure() {
        return failure;
    }
}
