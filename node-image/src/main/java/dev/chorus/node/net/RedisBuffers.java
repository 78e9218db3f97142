package dev.chorus.node.net;

/**
 * What Redis 7.0.15 would have allocated for one client's query buffer and reply buffer, so CLIENT LIST's
 * {@code qbuf-free}, {@code rbs} and {@code rbp} follow the same rules: the node's own buffers are sized by Netty and
 * the JVM, but what these fields show (and how they shrink and grow) is Redis' bookkeeping, replayed here.
 * <ul>
 * <li>Query buffer (networking.c readQueryFromClient, processMultiBulkBuffer; server.c
 *     clientsCronResizeQueryBuffer): an sds that grows by reads of PROTO_IOBUF_LEN (non-greedy while under 16 KB or
 *     for a big argument, greedy after), that a big argument (32 KB or more) takes over whole, and that the cron trims
 *     when it wastes more than 4 KB: entirely after 2 idle seconds, else down to the recent peak.</li>
 * <li>Reply buffer (networking.c _addReplyToBuffer, server.c clientsCronResizeOutputBuffer): a 16 KB buffer whose
 *     peak use is remembered; the cron halves it down to 1 KB when the peak stays under half of it and doubles it up
 *     to 16 KB when the peak fills it, and forgets the peak every reply-buffer-peak-reset-time ms.</li>
 * </ul>
 * Sizes are jemalloc's size classes, as Redis gets them from zmalloc_usable.
 */
public final class RedisBuffers {
    static final int PROTO_IOBUF_LEN = 16 * 1024;
    static final int PROTO_RESIZE_THRESHOLD = 32 * 1024;
    static final int PROTO_REPLY_CHUNK_BYTES = 16 * 1024;
    static final int PROTO_REPLY_MIN_BYTES = 1024;
    private static final long SDS_MAX_PREALLOC = 1024 * 1024;

    // query buffer: sdsalloc(c->querybuf) and c->querybuf_peak
    private long qbAlloc;
    private long qbPeak;

    // reply buffer: c->buf_usable_size, c->buf_peak, c->buf_peak_last_reset_time
    private long rbSize = PROTO_REPLY_CHUNK_BYTES;
    private long rbPeak = PROTO_REPLY_CHUNK_BYTES;
    private long rbPeakResetAt;

    RedisBuffers(long nowMillis) {
        // createClient stores server.unixtime (seconds) where the cron compares milliseconds: the first cron forgets
        // the initial peak at once, as Redis 7.0.15 does
        rbPeakResetAt = nowMillis / 1000;
    }

    // ---- query buffer ----

    /**
     * {@code n} bytes arrived while {@code buffered} unprocessed bytes were in the buffer and the parser waited for
     * a bulk of {@code bulkLength} bytes (-1 when none): the reads Redis would have made for them.
     */
    void bytesRead(long n, long buffered, long bulkLength, boolean master) {
        long len = buffered;
        qbAlloc = Math.max(qbAlloc, len);
        while (n > 0) {
            long readlen = PROTO_IOBUF_LEN;
            boolean bigArg = false;
            if (bulkLength >= dev.chorus.node.resp.RespRequestParser.BIG_BULK) {
                long remaining = bulkLength + 2 - len;
                bigArg = true;
                if (remaining > 0) {
                    readlen = remaining;
                }
                if (master && readlen < PROTO_IOBUF_LEN) {
                    readlen = PROTO_IOBUF_LEN;
                }
            }
            if (!master && (bigArg || qbAlloc < PROTO_IOBUF_LEN)) {
                qbAlloc = makeRoomFor(len, qbAlloc, readlen, false);
            } else {
                qbAlloc = makeRoomFor(len, qbAlloc, readlen, true);
                readlen = qbAlloc - len;
            }
            long chunk = Math.min(n, Math.max(1, readlen));
            len += chunk;
            n -= chunk;
            qbPeak = Math.max(qbPeak, len);
        }
    }

    /**
     * After the commands that arrived were processed: a bulk of 32 KB or more that was taken ({@code bigBulk}, or -1)
     * took the buffer with it and left a new empty one of its size (processMultiBulkBuffer); a big bulk still
     * arriving ({@code bulkLength}) made room for all of itself when its length line was read.
     */
    void processed(long bigBulk, long bulkLength, long buffered, boolean master) {
        if (master) {
            return;
        }
        if (bigBulk >= 0) {
            qbAlloc = newAlloc(bigBulk + 2);
        }
        if (bulkLength >= dev.chorus.node.resp.RespRequestParser.BIG_BULK) {
            qbAlloc = makeRoomFor(Math.min(buffered, bulkLength + 2), qbAlloc, bulkLength + 2 - Math.min(buffered,
                    bulkLength + 2), false);
        }
        qbAlloc = Math.max(qbAlloc, buffered);
    }

    /** clientsCronResizeQueryBuffer. */
    void queryBufferCron(long idleSeconds, long len, long bulkLength) {
        qbAlloc = Math.max(qbAlloc, len);
        if (qbAlloc - len > 1024 * 4) {
            if (idleSeconds > 2) {
                qbAlloc = len; // sdsRemoveFreeSpace
            } else if (qbAlloc > PROTO_RESIZE_THRESHOLD && qbAlloc / 2 > qbPeak) {
                long resize = Math.max(len, qbPeak);
                if (bulkLength != -1 && resize < bulkLength) {
                    resize = bulkLength;
                }
                qbAlloc = resize; // sdsResize sets the alloc to exactly this
            }
        }
        qbPeak = len;
        if (bulkLength != -1 && bulkLength > qbPeak) {
            qbPeak = bulkLength;
        }
    }

    /** sdsavail(c->querybuf) with {@code len} bytes in it. */
    public long queryBufferFree(long len) {
        return Math.max(0, qbAlloc - len);
    }

    /** sdsZmallocSize(c->querybuf): the allocation behind it. */
    public long queryBufferAllocation(long len) {
        long alloc = Math.max(qbAlloc, len);
        int hdr = header(type(alloc));
        return mallocSize(hdr + alloc + 1);
    }

    // ---- reply buffer ----

    /** A turn's replies ({@code bytes} of them) go out: the static buffer held what fit of them. */
    void replied(long bytes) {
        long bufpos = Math.min(bytes, rbSize);
        if (rbPeak < bufpos) {
            rbPeak = bufpos;
        }
    }

    /** clientsCronResizeOutputBuffer (between turns the buffer is empty: bufpos 0). */
    void replyBufferCron(long nowMillis, boolean resizing, long peakResetMillis) {
        if (!resizing) {
            return;
        }
        long newSize = 0;
        long shrinkTarget = rbSize / 2;
        long expandTarget = rbSize * 2;
        if (shrinkTarget >= PROTO_REPLY_MIN_BYTES && rbPeak < shrinkTarget) {
            newSize = Math.max(PROTO_REPLY_MIN_BYTES, rbPeak + 1);
        } else if (expandTarget < PROTO_REPLY_CHUNK_BYTES * 2 && rbPeak == rbSize) {
            newSize = Math.min(PROTO_REPLY_CHUNK_BYTES, expandTarget);
        }
        if (peakResetMillis >= 0 && nowMillis - rbPeakResetAt >= peakResetMillis) {
            rbPeak = 0;
            rbPeakResetAt = nowMillis;
        }
        if (newSize != 0) {
            rbSize = mallocSize(newSize);
        }
    }

    public long replyBufferSize() {
        return rbSize;
    }

    public long replyBufferPeak() {
        return rbPeak;
    }

    // ---- sds and jemalloc ----

    /** _sdsMakeRoomFor(s, addlen, greedy) on an sds of {@code len} bytes and {@code alloc} room: the new alloc. */
    static long makeRoomFor(long len, long alloc, long addlen, boolean greedy) {
        if (alloc - len >= addlen) {
            return alloc;
        }
        long newlen = len + addlen;
        if (greedy) {
            newlen = newlen < SDS_MAX_PREALLOC ? newlen * 2 : newlen + SDS_MAX_PREALLOC;
        }
        int type = Math.max(8, type(newlen)); // type 5 cannot remember free space
        int hdr = header(type);
        return Math.min(mallocSize(hdr + newlen + 1) - hdr - 1, maxSize(type));
    }

    /** sdsnewlen(initlen): the alloc of a new sds of that length. */
    static long newAlloc(long initlen) {
        int type = type(initlen);
        if (type == 5 && initlen == 0) {
            type = 8;
        }
        if (type == 5) {
            return initlen; // type 5 has no alloc field: sdsalloc is its length
        }
        int hdr = header(type);
        return Math.min(mallocSize(hdr + initlen + 1) - hdr - 1, maxSize(type));
    }

    private static int type(long size) {
        return size < 32 ? 5 : size < 256 ? 8 : size < 65536 ? 16 : size < (1L << 32) ? 32 : 64;
    }

    private static int header(int type) {
        return switch (type) {
            case 5 -> 1;
            case 8 -> 3;
            case 16 -> 5;
            case 32 -> 9;
            default -> 17;
        };
    }

    private static long maxSize(int type) {
        return switch (type) {
            case 8 -> 255;
            case 16 -> 65535;
            case 32 -> 0xFFFFFFFFL;
            default -> Long.MAX_VALUE;
        };
    }

    /** jemalloc's size class for an allocation of {@code n} bytes. */
    static long mallocSize(long n) {
        if (n <= 8) {
            return 8;
        }
        if (n <= 128) {
            return (n + 15) & ~15L;
        }
        long pow = Long.highestOneBit(n - 1);
        long spacing = pow / 4;
        return (n + spacing - 1) / spacing * spacing;
    }
}
