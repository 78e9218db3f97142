package dev.chorus.node.store;

import java.util.Arrays;

/**
 * Redis 7.0's HyperLogLog (hyperloglog.c, with the CVE-2025-32023 bounds checks that the 7.0.15 reference server
 * carries: a sparse run going past register 16383 makes the value corrupted) over the string value that holds it, byte for byte: the 16-byte header
 * ("HYLL", encoding, 3 unused bytes, 8-byte little-endian cached cardinality whose top bit marks it invalid), the
 * sparse representation (ZERO {@code 00xxxxxx}, XZERO {@code 01xxxxxx yyyyyyyy}, VAL {@code 1vvvvvxx} opcodes) and the
 * dense one (16384 registers of 6 bits, LSB first), MurmurHash64A with seed 0xadc83b19, and Ertl's improved
 * estimator (hllSigma / hllTau).
 *
 * <p>An instance is a working copy of one value (Redis' {@code robj} whose sds it edits in place). Stored strings are
 * never mutated: the instance starts out sharing the stored array and copies it before its first change, so a value
 * that does not change costs no copy; {@link #toBytes} gives the bytes to store.
 */
public final class HyperLogLog {
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    private static final int P_MASK = REGISTERS - 1;
    private static final int BITS = 6;
    public static final int REGISTER_MAX = (1 << BITS) - 1;
    public static final int HDR_SIZE = 16;
    public static final int DENSE_SIZE = HDR_SIZE + (REGISTERS * BITS + 7) / 8;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;
    private static final int MAX_ENCODING = 1;
    private static final int ENCODING_OFFSET = 4;
    private static final int CARD_OFFSET = 8;

    private static final int SPARSE_XZERO_BIT = 0x40;
    private static final int SPARSE_VAL_BIT = 0x80;
    private static final int SPARSE_VAL_MAX_VALUE = 32;
    private static final int SPARSE_VAL_MAX_LEN = 4;
    private static final int SPARSE_ZERO_MAX_LEN = 64;
    private static final int SPARSE_XZERO_MAX_LEN = 16384;
    private static final double ALPHA_INF = 0.721347520444481703680; // 0.5/ln(2)
    private static final long SEED = 0xadc83b19L;

    /** The string's bytes; only {@code [0, len)} is the value. Shared with the stored value until {@link #writable}. */
    private byte[] buf;
    private int len;
    private boolean shared;
    private boolean modified;

    private HyperLogLog(byte[] buf, int len, boolean shared) {
        this.buf = buf;
        this.len = len;
        this.shared = shared;
    }

    /** A working copy of a stored value (not copied until it changes). Validate it first with {@link #isValid}. */
    public static HyperLogLog of(byte[] value) {
        return new HyperLogLog(value, value.length, true);
    }

    /** createHLLObject: an empty HLL, sparse (XZERO opcodes covering all registers), cached cardinality 0. */
    public static HyperLogLog create() {
        int sparseLen = HDR_SIZE + ((REGISTERS + (SPARSE_XZERO_MAX_LEN - 1)) / SPARSE_XZERO_MAX_LEN) * 2;
        byte[] s = new byte[sparseLen];
        s[0] = 'H';
        s[1] = 'Y';
        s[2] = 'L';
        s[3] = 'L';
        s[ENCODING_OFFSET] = SPARSE;
        int p = HDR_SIZE;
        int aux = REGISTERS;
        while (aux > 0) {
            int xzero = Math.min(SPARSE_XZERO_MAX_LEN, aux);
            xzeroSet(s, p, xzero);
            p += 2;
            aux -= xzero;
        }
        HyperLogLog h = new HyperLogLog(s, sparseLen, false);
        h.modified = true;
        return h;
    }

    /** The value's bytes as they are now. */
    public byte[] toBytes() {
        if (shared || buf.length != len) {
            return Arrays.copyOf(buf, len);
        }
        shared = true; // handed out: a later change must copy first
        return buf;
    }

    /** True once the bytes differ from the value this instance was made from (or it was created). */
    public boolean modified() {
        return modified;
    }

    public int encoding() {
        return buf[ENCODING_OFFSET] & 0xff;
    }

    public int length() {
        return len;
    }

    /**
     * isHLLObjectOrReply's checks on a string value: at least a header long, "HYLL" magic, a known encoding, and the
     * exact dense size for the dense encoding.
     */
    public static boolean isValid(byte[] v) {
        if (v.length < HDR_SIZE) {
            return false;
        }
        if (v[0] != 'H' || v[1] != 'Y' || v[2] != 'L' || v[3] != 'L') {
            return false;
        }
        int enc = v[ENCODING_OFFSET] & 0xff;
        if (enc > MAX_ENCODING) {
            return false;
        }
        return enc != DENSE || v.length == DENSE_SIZE;
    }

    // ---- the cached cardinality ----

    public boolean validCache() {
        return (buf[CARD_OFFSET + 7] & 0x80) == 0;
    }

    /** The cached cardinality (meaningful when {@link #validCache}). */
    public long cachedCardinality() {
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = card << 8 | (buf[CARD_OFFSET + i] & 0xffL);
        }
        return card;
    }

    public void setCachedCardinality(long card) {
        writable(0);
        for (int i = 0; i < 8; i++) {
            buf[CARD_OFFSET + i] = (byte) (card >>> (8 * i));
        }
    }

    /** HLL_INVALIDATE_CACHE. */
    public void invalidateCache() {
        if ((buf[CARD_OFFSET + 7] & 0x80) == 0) {
            writable(0);
            buf[CARD_OFFSET + 7] |= (byte) 0x80;
        }
    }

    // ---- hashing ----

    /** MurmurHash64A as in Redis (endian neutral: 8-byte blocks read little-endian). */
    public static long murmurHash64A(byte[] key, int off, int len, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        long h = (seed & 0xffffffffL) ^ (len * m);
        int data = off;
        int end = off + (len - (len & 7));
        while (data != end) {
            long k = (key[data] & 0xffL) | (key[data + 1] & 0xffL) << 8 | (key[data + 2] & 0xffL) << 16
                    | (key[data + 3] & 0xffL) << 24 | (key[data + 4] & 0xffL) << 32
                    | (key[data + 5] & 0xffL) << 40 | (key[data + 6] & 0xffL) << 48
                    | (key[data + 7] & 0xffL) << 56;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
            data += 8;
        }
        switch (len & 7) {
            case 7: h ^= (key[data + 6] & 0xffL) << 48; // fall through
            case 6: h ^= (key[data + 5] & 0xffL) << 40; // fall through
            case 5: h ^= (key[data + 4] & 0xffL) << 32; // fall through
            case 4: h ^= (key[data + 3] & 0xffL) << 24; // fall through
            case 3: h ^= (key[data + 2] & 0xffL) << 16; // fall through
            case 2: h ^= (key[data + 1] & 0xffL) << 8; // fall through
            case 1:
                h ^= key[data] & 0xffL;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    public static long murmurHash64A(byte[] key, long seed) {
        return murmurHash64A(key, 0, key.length, seed);
    }

    /**
     * hllPatLen: the register index (low 14 bits of the hash, returned in the low 32 bits) and the length of the
     * 000..1 pattern of the rest (returned in the high 32 bits).
     */
    static long patLen(byte[] ele, int off, int len) {
        long hash = murmurHash64A(ele, off, len, SEED);
        long index = hash & P_MASK;
        hash >>>= P;
        hash |= 1L << Q;
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return (long) count << 32 | index;
    }

    // ---- dense representation ----

    /** HLL_DENSE_GET_REGISTER on registers starting at {@code base}; bytes at or past {@code end} read as 0. */
    static int denseGet(byte[] p, int base, int end, int regnum) {
        int b = base + regnum * BITS / 8;
        int fb = regnum * BITS & 7;
        int b0 = p[b] & 0xff;
        int b1 = b + 1 < end ? p[b + 1] & 0xff : 0;
        return ((b0 >>> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
    }

    /** Register {@code regnum} of a whole dense HLL string (header included). */
    public static int getDenseRegister(byte[] dense, int regnum) {
        return denseGet(dense, HDR_SIZE, dense.length, regnum);
    }

    /** Sets register {@code regnum} (0..63) of a whole dense HLL string (header included). */
    public static void setDenseRegister(byte[] dense, int regnum, int val) {
        denseSetRegister(dense, HDR_SIZE, dense.length, regnum, val);
    }

    /** HLL_DENSE_SET_REGISTER ({@code val} in 0..63; the byte past the end would only get zero bits). */
    static void denseSetRegister(byte[] p, int base, int end, int regnum, int val) {
        int b = base + regnum * BITS / 8;
        int fb = regnum * BITS & 7;
        int fb8 = 8 - fb;
        p[b] = (byte) ((p[b] & ~(REGISTER_MAX << fb)) | (val << fb));
        if (b + 1 < end) {
            p[b + 1] = (byte) ((p[b + 1] & ~(REGISTER_MAX >>> fb8)) | (val >>> fb8));
        }
    }

    /** hllDenseSet: raises register {@code index} to {@code count}; 1 if it changed, else 0. */
    private int denseSet(int index, int count) {
        int old = denseGet(buf, HDR_SIZE, len, index);
        if (count > old) {
            writable(0);
            denseSetRegister(buf, HDR_SIZE, len, index, count);
            return 1;
        }
        return 0;
    }

    /** The value of register {@code index} of a dense HLL. */
    public int denseRegister(int index) {
        return denseGet(buf, HDR_SIZE, len, index);
    }

    private static void denseRegHisto(byte[] p, int base, int end, int[] reghisto) {
        for (int j = 0; j < REGISTERS; j++) {
            reghisto[denseGet(p, base, end, j)]++;
        }
    }

    // ---- sparse representation ----

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXzero(int op) {
        return (op & 0xc0) == SPARSE_XZERO_BIT;
    }

    private static boolean isVal(int op) {
        return (op & SPARSE_VAL_BIT) != 0;
    }

    private static int zeroLen(int op) {
        return (op & 0x3f) + 1;
    }

    private static int xzeroLen(int op, int next) {
        return (((op & 0x3f) << 8) | next) + 1;
    }

    private static int valValue(int op) {
        return ((op >>> 2) & 0x1f) + 1;
    }

    private static int valLen(int op) {
        return (op & 0x3) + 1;
    }

    private static byte valOp(int val, int len) {
        return (byte) (((val - 1) << 2 | (len - 1)) | SPARSE_VAL_BIT);
    }

    private static void xzeroSet(byte[] p, int i, int len) {
        int l = len - 1;
        p[i] = (byte) ((l >>> 8) | SPARSE_XZERO_BIT);
        p[i + 1] = (byte) (l & 0xff);
    }

    /**
     * The byte at {@code i}, which may be the one past the end that the C code reads there (the sds terminator, 0,
     * unless a split just wrote over it; see {@link #sparseSet}). Values are stored without it, so it reads as 0 in
     * a later command, where Redis would still see the stale byte of its buffer.
     */
    private int at(int i) {
        return i < buf.length ? buf[i] & 0xff : 0;
    }

    /**
     * hllSparseToDense: converts to the dense representation (header copied, encoding set to dense). False when the
     * sparse representation is corrupted (the value is then left as it was).
     */
    public boolean sparseToDense() {
        if (encoding() == DENSE) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(buf, 0, dense, 0, HDR_SIZE);
        dense[ENCODING_OFFSET] = DENSE;
        int idx = 0;
        boolean valid = true;
        int p = HDR_SIZE;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                int runlen = zeroLen(op);
                if (runlen + idx > REGISTERS) {
                    valid = false; // overflow
                    break;
                }
                idx += runlen;
                p++;
            } else if (isXzero(op)) {
                int runlen = xzeroLen(op, at(p + 1));
                if (runlen + idx > REGISTERS) {
                    valid = false;
                    break;
                }
                idx += runlen;
                p += 2;
            } else {
                int runlen = valLen(op);
                int regval = valValue(op);
                if (runlen + idx > REGISTERS) {
                    valid = false;
                    break;
                }
                while (runlen-- > 0) {
                    denseSetRegister(dense, HDR_SIZE, DENSE_SIZE, idx, regval);
                    idx++;
                }
                p++;
            }
        }
        if (!valid || idx != REGISTERS) {
            return false;
        }
        buf = dense;
        len = DENSE_SIZE;
        shared = false;
        modified = true;
        return true;
    }

    /**
     * hllSparseSet: raises register {@code index} to {@code count} in the sparse representation, promoting to dense
     * when the value does not fit a VAL opcode or the string would grow past {@code sparseMaxBytes}. 1 if the
     * register changed, 0 if not, -1 when the representation is corrupted.
     */
    private int sparseSet(int index, int count, long sparseMaxBytes) {
        if (count > SPARSE_VAL_MAX_VALUE) {
            return promote(index, count);
        }
        // Step 1: locate the opcode covering 'index'.
        final int sparse = HDR_SIZE;
        int p = sparse;
        int end = len;
        long first = 0;
        int prev = -1;
        long span = 0;
        while (p < end) {
            int op = buf[p] & 0xff;
            int oplen = 1;
            if (isZero(op)) {
                span = zeroLen(op);
            } else if (isVal(op)) {
                span = valLen(op);
            } else {
                span = xzeroLen(op, at(p + 1));
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = buf[p] & 0xff;
        int next = isXzero(op) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean isZero = false;
        boolean isXzero = false;
        boolean isVal = false;
        long runlen;
        if (isZero(op)) {
            isZero = true;
            runlen = zeroLen(op);
        } else if (isXzero(op)) {
            isXzero = true;
            runlen = xzeroLen(op, at(p + 1));
        } else {
            isVal = true;
            runlen = valLen(op);
        }

        // Step 2: the trivial cases (A, B, C), else split the opcode (D).
        boolean updated = false;
        if (isVal) {
            int oldcount = valValue(op);
            if (oldcount >= count) {
                return 0; // case A
            }
            if (runlen == 1) {
                writable(3);
                buf[p] = valOp(count, 1); // case B
                updated = true;
            }
        }
        if (!updated && isZero && runlen == 1) {
            writable(3);
            buf[p] = valOp(count, 1); // case C
            updated = true;
        }
        if (!updated) {
            byte[] seq = new byte[5];
            int n = 0;
            long last = first + span - 1;
            if (isZero || isXzero) {
                if (index != first) {
                    int l = (int) (index - first);
                    if (l > SPARSE_ZERO_MAX_LEN) {
                        xzeroSet(seq, n, l);
                        n += 2;
                    } else {
                        seq[n++] = (byte) (l - 1);
                    }
                }
                seq[n++] = valOp(count, 1);
                if (index != last) {
                    int l = (int) (last - index);
                    if (l > SPARSE_ZERO_MAX_LEN) {
                        xzeroSet(seq, n, l);
                        n += 2;
                    } else {
                        seq[n++] = (byte) (l - 1);
                    }
                }
            } else {
                int curval = valValue(op);
                if (index != first) {
                    seq[n++] = valOp(curval, (int) (index - first));
                }
                seq[n++] = valOp(count, 1);
                if (index != last) {
                    seq[n++] = valOp(curval, (int) (last - index));
                }
            }
            // Step 3: substitute the new sequence for the old opcode.
            int seqlen = n;
            int oldlen = isXzero ? 2 : 1;
            int deltalen = seqlen - oldlen;
            if (deltalen > 0 && (long) len + deltalen > sparseMaxBytes) {
                return promote(index, count);
            }
            // Room for 3 more bytes plus C's terminator: an XZERO cut short by the end of a corrupted value has its
            // second byte there, and the 5-byte sequence replacing it writes one byte past the new length.
            writable(4);
            if (deltalen != 0 && next >= 0) {
                System.arraycopy(buf, next, buf, next + deltalen, end - next);
            }
            len += deltalen;
            buf[len] = 0; // sdsIncrLen's terminator, which the copy below may overwrite (as in C)
            System.arraycopy(seq, 0, buf, p, seqlen);
            end += deltalen;
        }

        // Step 4: merge adjacent VAL opcodes with the same value, scanning up to 5 opcodes from prev.
        p = prev >= 0 ? prev : sparse;
        int scanlen = 5;
        while (p < end && scanlen-- != 0) {
            int o = buf[p] & 0xff;
            if (isXzero(o)) {
                p += 2;
                continue;
            } else if (isZero(o)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(buf[p + 1] & 0xff)) {
                int o2 = buf[p + 1] & 0xff;
                int v1 = valValue(o);
                int v2 = valValue(o2);
                if (v1 == v2) {
                    int l = valLen(o) + valLen(o2);
                    if (l <= SPARSE_VAL_MAX_LEN) {
                        buf[p + 1] = valOp(v1, l);
                        System.arraycopy(buf, p + 1, buf, p, end - p - 1);
                        len--;
                        end--;
                        buf[len] = 0; // memmove moved the terminator too
                        continue; // try to merge the merged value with the one on its right
                    }
                }
            }
            p++;
        }
        invalidateCache();
        return 1;
    }

    private int promote(int index, int count) {
        if (!sparseToDense()) {
            return -1;
        }
        return denseSet(index, count); // always 1: promotion only happens for a register that must change
    }

    private static void sparseRegHisto(byte[] b, int start, int end, int[] reghisto, boolean[] invalid) {
        int idx = 0;
        boolean valid = true;
        int p = start;
        while (p < end) {
            int op = b[p] & 0xff;
            int runlen;
            if (isZero(op)) {
                runlen = zeroLen(op);
            } else if (isXzero(op)) {
                runlen = xzeroLen(op, p + 1 < b.length ? b[p + 1] & 0xff : 0);
            } else {
                runlen = valLen(op);
            }
            if (runlen + idx > REGISTERS) {
                valid = false; // overflow
                break;
            }
            idx += runlen;
            if (isZero(op)) {
                reghisto[0] += runlen;
                p++;
            } else if (isXzero(op)) {
                reghisto[0] += runlen;
                p += 2;
            } else {
                reghisto[valValue(op)] += runlen;
                p++;
            }
        }
        if ((!valid || idx != REGISTERS) && invalid != null) {
            invalid[0] = true;
        }
    }

    // ---- adding and counting ----

    /**
     * hllAdd: adds {@code ele}; 1 if a register changed, 0 if not, -1 when the value is corrupted. A sparse HLL is
     * promoted to dense when needed ({@code sparseMaxBytes} is hll-sparse-max-bytes).
     */
    public int add(byte[] ele, long sparseMaxBytes) {
        long pl = patLen(ele, 0, ele.length);
        int index = (int) pl;
        int count = (int) (pl >>> 32);
        return set(index, count, sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count} in whatever encoding the HLL has (1 / 0 / -1 as add). */
    public int set(int index, int count, long sparseMaxBytes) {
        return switch (encoding()) {
            case DENSE -> denseSet(index, count);
            case SPARSE -> sparseSet(index, count, sparseMaxBytes);
            default -> -1;
        };
    }

    /** hllCount on this HLL; {@code invalid[0]} is set when a sparse representation is corrupted. */
    public long count(boolean[] invalid) {
        int[] reghisto = new int[64];
        if (encoding() == DENSE) {
            denseRegHisto(buf, HDR_SIZE, len, reghisto);
        } else {
            sparseRegHisto(buf, HDR_SIZE, len, reghisto, invalid);
        }
        return estimate(reghisto);
    }

    /** hllCount of the HLL_RAW encoding: one byte per register (PFCOUNT of several keys). */
    public static long countRaw(byte[] registers) {
        int[] reghisto = new int[64];
        for (int j = 0; j < REGISTERS; j++) {
            reghisto[registers[j]]++;
        }
        return estimate(reghisto);
    }

    /** hllMerge: max[i] = MAX(max[i], register i). False when a sparse representation is corrupted. */
    public boolean mergeInto(byte[] max) {
        if (encoding() == DENSE) {
            for (int i = 0; i < REGISTERS; i++) {
                int val = denseGet(buf, HDR_SIZE, len, i);
                if (val > max[i]) {
                    max[i] = (byte) val;
                }
            }
            return true;
        }
        int p = HDR_SIZE;
        int i = 0;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                int runlen = zeroLen(op);
                if (runlen + i > REGISTERS) {
                    return false; // overflow
                }
                i += runlen;
                p++;
            } else if (isXzero(op)) {
                int runlen = xzeroLen(op, at(p + 1));
                if (runlen + i > REGISTERS) {
                    return false;
                }
                i += runlen;
                p += 2;
            } else {
                int runlen = valLen(op);
                int regval = valValue(op);
                if (runlen + i > REGISTERS) {
                    return false;
                }
                while (runlen-- > 0) {
                    if (regval > max[i]) {
                        max[i] = (byte) regval;
                    }
                    i++;
                }
                p++;
            }
        }
        return i == REGISTERS;
    }

    /**
     * PFDEBUG DECODE's text for a sparse HLL: "z:len" / "Z:len" / "v:value,len" per opcode, space separated.
     */
    public String decodeSparse() {
        StringBuilder sb = new StringBuilder();
        int p = HDR_SIZE;
        while (p < len) {
            int op = buf[p] & 0xff;
            if (isZero(op)) {
                sb.append("z:").append(zeroLen(op)).append(' ');
                p++;
            } else if (isXzero(op)) {
                sb.append("Z:").append(xzeroLen(op, at(p + 1))).append(' ');
                p += 2;
            } else {
                sb.append("v:").append(valValue(op)).append(',').append(valLen(op)).append(' ');
                p++;
            }
        }
        return sb.toString().strip();
    }

    // ---- the estimator ----

    /** hllSigma (Ertl, arXiv:1702.01284). */
    static double sigma(double x) {
        if (x == 1.) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    /** hllTau (Ertl, arXiv:1702.01284). pow(1 - x, 2) is exact as a product. */
    static double tau(double x) {
        if (x == 0. || x == 1.) {
            return 0.;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (zPrime != z);
        return z / 3;
    }

    /** The estimate from the register histogram, with hllCount's llroundl and uint64 conversion. */
    static long estimate(int[] reghisto) {
        double m = REGISTERS;
        double z = m * tau((m - reghisto[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += reghisto[j];
            z *= 0.5;
        }
        z += m * sigma(reghisto[0] / m);
        double e = ALPHA_INF * m * m / z;
        return llround(e);
    }

    /**
     * llroundl as x86-64 glibc does it (halves away from zero; NaN and out-of-range give LLONG_MIN), followed by
     * the double round trip and conversion to uint64_t in hllCount (LLONG_MIN stays 0x8000000000000000).
     */
    static long llround(double v) {
        if (Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63) {
            return Long.MIN_VALUE;
        }
        long r = (long) v;
        double frac = v - r;
        if (frac >= 0.5) {
            r++;
        } else if (frac <= -0.5) {
            r--;
        }
        double e = r; // E is a double in hllCount
        return e >= 0x1p63 ? Long.MIN_VALUE : (long) e;
    }

    // ---- buffer management ----

    /**
     * Makes {@link #buf} private to this instance with room for {@code extra} more bytes (sdsMakeRoomFor). The first
     * copy is exact when nothing grows (dense writes, the cached cardinality), so {@link #toBytes} need not copy
     * again; growing leaves some slack for the next splits of a sparse value.
     */
    private void writable(int extra) {
        if (shared) {
            buf = Arrays.copyOf(buf, len + extra);
            shared = false;
        } else if (buf.length < len + extra) {
            buf = Arrays.copyOf(buf, len + extra + Math.min(len, 300));
        }
        modified = true;
    }
}
