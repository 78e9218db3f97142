package dev.chorus.node.persistence;

/**
 * LZF as Redis uses it (liblzf 3.6 with Redis' lzfP.h: HLOG 16, VERY_FAST). {@link #compress} follows lzf_c.c step
 * by step, so for the same input it makes the same choices as Redis with a clean hash table; {@link #decompress}
 * validates every reference the way lzf_d.c does with CHECK_INPUT.
 *
 * <pre>
 * 000LLLLL &lt;L+1 bytes&gt;         literal run of 1..32 bytes
 * LLLooooo oooooooo              back reference of L+2 bytes (L in 1..6), offset o+1
 * 111ooooo LLLLLLLL oooooooo     back reference of L+9 bytes, offset o+1
 * </pre>
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    /**
     * The hash table of positions, reused between calls. Slots hold {@code base + position + 1}; a slot not above the
     * current {@code base} was written by an earlier call and reads as empty, which is what a zeroed table gives
     * without clearing 64K slots for every short string.
     */
    private static final class State {
        final int[] table = new int[HSIZE];
        int base;
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private Lzf() {
    }

    /**
     * Compresses {@code inLen} bytes of {@code in} into {@code out}, using at most {@code outLen} bytes. Returns the
     * compressed length, or 0 when the result would not fit in {@code outLen} (Redis then stores the string raw).
     * {@code out} must have room for {@code outLen + 1} bytes, like the buffer Redis allocates.
     */
    public static int compress(byte[] in, int inLen, byte[] out, int outLen) {
        if (inLen == 0 || outLen == 0) {
            return 0;
        }
        State state = STATE.get();
        if (state.base > Integer.MAX_VALUE - inLen - 2) {
            java.util.Arrays.fill(state.table, 0);
            state.base = 0;
        }
        final int[] htab = state.table;
        final int base = state.base;
        state.base = base + inLen + 1;

        int ip = 0;
        int op = 0;
        final int inEnd = inLen;
        final int outEnd = outLen;
        int lit = 0;
        op++; // start run

        int hval = inLen > 1 ? ((in[0] & 0xff) << 8) | (in[1] & 0xff) : 0;
        while (ip < inEnd - 2) {
            hval = (hval << 8) | (in[ip + 2] & 0xff);
            int slot = idx(hval);
            int stored = htab[slot];
            int ref = stored > base ? stored - base - 1 : -1;
            htab[slot] = base + ip + 1;

            int off;
            if (ref > 0 && ref < ip && (off = ip - ref - 1) < MAX_OFF
                    && in[ref + 2] == in[ip + 2] && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]) {
                int len = 2;
                int maxlen = Math.min(inEnd - ip - len, MAX_REF);

                if (op + 3 + 1 >= outEnd && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outEnd) {
                    return 0;
                }
                out[op - lit - 1] = (byte) (lit - 1); // stop run
                if (lit == 0) {
                    op--; // undo run if length is zero
                }
                // lzf_c.c first compares 16 bytes unrolled (without the maxlen bound: the caller's maxlen > 16
                // guarantees they exist), then continues byte by byte; the resulting length can exceed maxlen by
                // two, and keeping that quirk keeps the output identical to Redis'.
                boolean mismatch = false;
                if (maxlen > 16) {
                    for (int k = 0; k < 16; k++) {
                        len++;
                        if (in[ref + len] != in[ip + len]) {
                            mismatch = true;
                            break;
                        }
                    }
                }
                if (!mismatch) {
                    do {
                        len++;
                    } while (len < maxlen && in[ref + len] == in[ip + len]);
                }

                len -= 2; // len is now #octets - 1
                ip++;
                if (len < 7) {
                    out[op++] = (byte) ((off >> 8) + (len << 5));
                } else {
                    out[op++] = (byte) ((off >> 8) + (7 << 5));
                    out[op++] = (byte) (len - 7);
                }
                out[op++] = (byte) off;
                lit = 0;
                op++; // start run

                ip += len + 1;
                if (ip >= inEnd - 2) {
                    break;
                }
                // VERY_FAST: re-hash only the last two positions of the match.
                ip -= 2;
                hval = ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff);
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = base + ip + 1;
                ip++;
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = base + ip + 1;
                ip++;
            } else {
                if (op >= outEnd) {
                    return 0;
                }
                lit++;
                out[op++] = in[ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1); // stop run
                    lit = 0;
                    op++; // start run
                }
            }
        }

        if (op + 3 > outEnd) {
            return 0;
        }
        while (ip < inEnd) {
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1); // end run
        if (lit == 0) {
            op--;
        }
        return op;
    }

    /** VERY_FAST's IDX(h) over the unsigned 32-bit hash value. */
    private static int idx(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }

    /**
     * Compresses {@code in} the way rdbSaveLzfStringObject does: only when it saves at least 4 bytes. Returns the
     * compressed bytes, or null when compression does not pay.
     */
    public static byte[] compressIfSmaller(byte[] in) {
        if (in.length <= 4) {
            return null;
        }
        int outLen = in.length - 4;
        byte[] out = new byte[outLen + 1];
        int n = compress(in, in.length, out, outLen);
        return n == 0 ? null : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Decompresses {@code len} bytes of {@code in} from {@code off}, which must expand to exactly {@code expected}
     * bytes (the length the RDB records).
     */
    public static byte[] decompress(byte[] in, int off, int len, int expected) throws RdbFormatException {
        byte[] out = new byte[expected];
        int ip = off;
        int inEnd = off + len;
        int op = 0;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) {
                ctrl++;
                if (op + ctrl > expected) {
                    throw invalid();
                }
                if (ip + ctrl > inEnd) {
                    throw invalid();
                }
                System.arraycopy(in, ip, out, op, ctrl);
                ip += ctrl;
                op += ctrl;
            } else {
                int refLen = ctrl >> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (ip >= inEnd) {
                    throw invalid();
                }
                if (refLen == 7) {
                    refLen += in[ip++] & 0xff;
                    if (ip >= inEnd) {
                        throw invalid();
                    }
                }
                ref -= in[ip++] & 0xff;
                refLen += 2;
                if (op + refLen > expected || ref < 0) {
                    throw invalid();
                }
                // Byte by byte: the reference may overlap the bytes being produced (runs).
                for (int i = 0; i < refLen; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        if (op != expected) {
            throw invalid();
        }
        return out;
    }

    private static RdbFormatException invalid() {
        return new RdbFormatException("Invalid LZF compressed string");
    }
}
