package dev.chorus.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The algorithm alone: the hash, the sparse opcodes, promotion, and the estimator. Whole values and counts are
 * compared with redis-server itself in HyperLogLogIT and differential/hyperloglog.redis.
 */
class HyperLogLogTest {
    private static final long REDIS_SEED = 0xadc83b19L;
    private static final long NO_LIMIT = 3000;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reference values from the C MurmurHash64A (Austin Appleby's, as hyperloglog.c has it) compiled with gcc on
     * x86-64: every tail length 0..7, whole 8-byte blocks, bytes with the high bit set (no sign extension).
     */
    @Test
    void murmurHash64AMatchesTheCImplementation() {
        assertThat(HyperLogLog.murmurHash64A(b(""), REDIS_SEED)).isEqualTo(0xd8dfea6585bc9732L);
        assertThat(HyperLogLog.murmurHash64A(b("a"), REDIS_SEED)).isEqualTo(0x53d2470a9b43b1a7L);
        assertThat(HyperLogLog.murmurHash64A(b("ab"), REDIS_SEED)).isEqualTo(0x0eaed676437142cfL);
        assertThat(HyperLogLog.murmurHash64A(b("abc"), REDIS_SEED)).isEqualTo(0x77ec90aeb374e502L);
        assertThat(HyperLogLog.murmurHash64A(b("abcdefg"), REDIS_SEED)).isEqualTo(0x22fe613bb08c9602L);
        assertThat(HyperLogLog.murmurHash64A(b("abcdefgh"), REDIS_SEED)).isEqualTo(0xf3a65df559914567L);
        assertThat(HyperLogLog.murmurHash64A(b("abcdefghi"), REDIS_SEED)).isEqualTo(0x834fba4d9152daf7L);
        assertThat(HyperLogLog.murmurHash64A(b("hello world, hyperloglog!"), REDIS_SEED))
                .isEqualTo(0x874ee31dcd1f81fbL);
        assertThat(HyperLogLog.murmurHash64A(b("0123456789abcdef"), REDIS_SEED)).isEqualTo(0x9f8565428eaa573dL);
        assertThat(HyperLogLog.murmurHash64A(b(""), 0)).isZero();
        assertThat(HyperLogLog.murmurHash64A(b("a"), 0)).isEqualTo(0x071717d2d36b6b11L);
        assertThat(HyperLogLog.murmurHash64A(b("abcdefgh"), 0)).isEqualTo(0xafdb0257ff41aa98L);

        byte[] bin = new byte[17];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) (0xff - i * 7);
        }
        assertThat(HyperLogLog.murmurHash64A(bin, 0, 1, REDIS_SEED)).isEqualTo(0xe325594e010c6967L);
        assertThat(HyperLogLog.murmurHash64A(bin, 0, 9, REDIS_SEED)).isEqualTo(0x5f51bbe2eb33ec32L);
        assertThat(HyperLogLog.murmurHash64A(bin, 0, 17, REDIS_SEED)).isEqualTo(0x09de559301f1b7adL);
    }

    @Test
    void patternLengthIsTheRunOfZeroesAboveTheIndexBitsPlusOne() {
        byte[] ele = b("abc");
        long hash = HyperLogLog.murmurHash64A(ele, REDIS_SEED);
        long pl = HyperLogLog.patLen(ele, 0, ele.length);
        assertThat((int) pl).isEqualTo((int) (hash & 16383));
        int zeroes = 0;
        while (((hash >>> (14 + zeroes)) & 1) == 0 && zeroes < 50) {
            zeroes++;
        }
        assertThat((int) (pl >>> 32)).isEqualTo(zeroes + 1);
    }

    /** PFADD h 1692856687; PFDEBUG GETREG h on redis-server 7.0.15: register 6288 is 33, and the HLL is dense. */
    @Test
    void anElementWithARunOf33PromotesToDense() {
        long pl = HyperLogLog.patLen(b("1692856687"), 0, 10);
        assertThat((int) pl).isEqualTo(6288);
        assertThat((int) (pl >>> 32)).isEqualTo(33);
        HyperLogLog h = HyperLogLog.create();
        assertThat(h.add(b("a"), NO_LIMIT)).isEqualTo(1);
        assertThat(h.add(b("1692856687"), NO_LIMIT)).isEqualTo(1);
        assertThat(h.encoding()).isEqualTo(HyperLogLog.DENSE);
        assertThat(h.denseRegister(6288)).isEqualTo(33);
        assertThat(h.count(null)).isEqualTo(2);
    }

    /** createHLLObject: header, sparse encoding, one XZERO of 16384 (0x7f 0xff). */
    @Test
    void anEmptyHllIsOneXzeroOpcode() {
        byte[] v = HyperLogLog.create().toBytes();
        assertThat(v).hasSize(18);
        assertThat(Arrays.copyOf(v, 5)).isEqualTo(new byte[] {'H', 'Y', 'L', 'L', 1});
        assertThat(v[16] & 0xff).isEqualTo(0x7f);
        assertThat(v[17] & 0xff).isEqualTo(0xff);
        assertThat(HyperLogLog.isValid(v)).isTrue();
        assertThat(HyperLogLog.of(v).decodeSparse()).isEqualTo("Z:16384");
        assertThat(HyperLogLog.of(v).count(new boolean[1])).isZero();
    }

    /** The example in hyperloglog.c's header comment: registers 1000, 1020, 1021 set to 2, 3, 3. */
    @Test
    void sparseOpcodesAsDocumentedInHyperloglogC() {
        HyperLogLog h = HyperLogLog.create();
        assertThat(h.set(1000, 2, NO_LIMIT)).isEqualTo(1);
        assertThat(h.set(1020, 3, NO_LIMIT)).isEqualTo(1);
        assertThat(h.set(1021, 3, NO_LIMIT)).isEqualTo(1);
        assertThat(h.decodeSparse()).isEqualTo("Z:1000 v:2,1 z:19 v:3,2 Z:15362");
        byte[] v = h.toBytes();
        // XZERO:1000 = 01 000011 11100111, VAL 2x1 = 1 00001 00, ZERO:19 = 00 010010, VAL 3x2 = 1 00010 01
        assertThat(Arrays.copyOfRange(v, 16, 21))
                .isEqualTo(new byte[] {0x43, (byte) 0xe7, (byte) 0x84, 0x12, (byte) 0x89});
        assertThat(h.set(1021, 3, NO_LIMIT)).isZero();
        assertThat(h.set(1021, 2, NO_LIMIT)).isZero();
        assertThat(v[15] & 0x80).as("cached cardinality invalidated").isEqualTo(0x80);
    }

    @Test
    void sparseAndDenseAgreeRegisterByRegister() {
        Random rnd = new Random(42);
        for (int round = 0; round < 20; round++) {
            HyperLogLog sparse = HyperLogLog.create();
            HyperLogLog dense = HyperLogLog.create();
            assertThat(dense.sparseToDense()).isTrue();
            int n = 1 + rnd.nextInt(400);
            for (int i = 0; i < n; i++) {
                int index = rnd.nextInt(HyperLogLog.REGISTERS);
                int count = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 32);
                assertThat(sparse.set(index, count, Long.MAX_VALUE)).isEqualTo(dense.set(index, count, 0));
            }
            assertThat(sparse.encoding()).isEqualTo(HyperLogLog.SPARSE);
            assertThat(sparse.count(null)).isEqualTo(dense.count(null));
            byte[] maxSparse = new byte[HyperLogLog.REGISTERS];
            byte[] maxDense = new byte[HyperLogLog.REGISTERS];
            assertThat(sparse.mergeInto(maxSparse)).isTrue();
            assertThat(dense.mergeInto(maxDense)).isTrue();
            assertThat(maxSparse).isEqualTo(maxDense);
            assertThat(HyperLogLog.countRaw(maxSparse)).isEqualTo(dense.count(null));

            HyperLogLog converted = HyperLogLog.of(sparse.toBytes());
            assertThat(converted.sparseToDense()).isTrue();
            byte[] a = converted.toBytes();
            byte[] d = dense.toBytes();
            assertThat(a).hasSize(HyperLogLog.DENSE_SIZE);
            assertThat(Arrays.copyOfRange(a, 16, a.length)).isEqualTo(Arrays.copyOfRange(d, 16, d.length));
            assertThat(a[4]).isEqualTo((byte) HyperLogLog.DENSE);
        }
    }

    @Test
    void adjacentEqualValuesMergeIntoOneOpcodeOfUpToFour() {
        HyperLogLog h = HyperLogLog.create();
        for (int i = 0; i < 6; i++) {
            h.set(100 + i, 5, NO_LIMIT);
        }
        assertThat(h.decodeSparse()).isEqualTo("Z:100 v:5,4 v:5,2 Z:16278");
    }

    @Test
    void promotesToDenseForValuesAbove32OrPastTheSizeLimit() {
        HyperLogLog big = HyperLogLog.create();
        big.set(7, 32, NO_LIMIT);
        assertThat(big.encoding()).isEqualTo(HyperLogLog.SPARSE);
        assertThat(big.set(9, 33, NO_LIMIT)).isEqualTo(1);
        assertThat(big.encoding()).isEqualTo(HyperLogLog.DENSE);
        assertThat(big.denseRegister(7)).isEqualTo(32);
        assertThat(big.denseRegister(9)).isEqualTo(33);

        HyperLogLog limited = HyperLogLog.create();
        int length = limited.length();
        int i = 0;
        while (limited.encoding() == HyperLogLog.SPARSE) {
            length = limited.length();
            assertThat(limited.set(i * 200, 1, 40)).isEqualTo(1);
            i++;
        }
        assertThat(length).isLessThanOrEqualTo(40);
        assertThat(limited.toBytes()).hasSize(HyperLogLog.DENSE_SIZE);
        for (int j = 0; j < i; j++) {
            assertThat(limited.denseRegister(j * 200)).isEqualTo(1);
        }
    }

    @Test
    void corruptedSparseValuesAreDetected() {
        byte[] v = HyperLogLog.create().toBytes();
        byte[] tooShort = Arrays.copyOf(v, v.length);
        tooShort[16] = 0x7e; // XZERO 16128: registers missing
        assertThat(HyperLogLog.of(tooShort).sparseToDense()).isFalse();
        boolean[] invalid = new boolean[1];
        HyperLogLog.of(tooShort).count(invalid);
        assertThat(invalid[0]).isTrue();
        assertThat(HyperLogLog.of(tooShort).mergeInto(new byte[HyperLogLog.REGISTERS])).isFalse();

        byte[] tooLong = Arrays.copyOf(v, v.length + 1);
        tooLong[v.length] = (byte) 0x80; // one more register after all 16384
        assertThat(HyperLogLog.of(tooLong).sparseToDense()).isFalse();
        assertThat(HyperLogLog.of(tooLong).mergeInto(new byte[HyperLogLog.REGISTERS])).isFalse();
        assertThat(HyperLogLog.of(tooLong).set(5, 1, NO_LIMIT)).isEqualTo(1); // found before the bad opcode

        // 2^17 XZEROs of 16384 would wrap a C int; it must simply be invalid.
        byte[] huge = new byte[16 + 2 * (131072 + 10) + 1];
        System.arraycopy(v, 0, huge, 0, 16);
        for (int p = 16; p + 1 < huge.length; p += 2) {
            huge[p] = 0x7f;
            huge[p + 1] = (byte) 0xff;
        }
        huge[huge.length - 1] = (byte) 0xff;
        assertThat(HyperLogLog.of(huge).mergeInto(new byte[HyperLogLog.REGISTERS])).isFalse();
        assertThat(HyperLogLog.of(huge).sparseToDense()).isFalse();
    }

    @Test
    void headerChecksAsIsHLLObjectOrReply() {
        byte[] v = HyperLogLog.create().toBytes();
        assertThat(HyperLogLog.isValid(Arrays.copyOf(v, 15))).isFalse();
        byte[] magic = v.clone();
        magic[3] = 'X';
        assertThat(HyperLogLog.isValid(magic)).isFalse();
        byte[] enc = v.clone();
        enc[4] = 2;
        assertThat(HyperLogLog.isValid(enc)).isFalse();
        byte[] dense = v.clone();
        dense[4] = 0;
        assertThat(HyperLogLog.isValid(dense)).as("dense must be exactly 12304 bytes").isFalse();
        HyperLogLog d = HyperLogLog.of(v);
        d.sparseToDense();
        assertThat(HyperLogLog.isValid(d.toBytes())).isTrue();
    }

    @Test
    void cachedCardinalityIsLittleEndianWithAnInvalidFlag() {
        HyperLogLog h = HyperLogLog.create();
        assertThat(h.validCache()).isTrue();
        h.setCachedCardinality(0x0102030405060708L);
        byte[] v = h.toBytes();
        assertThat(Arrays.copyOfRange(v, 8, 16)).isEqualTo(new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
        h.invalidateCache();
        assertThat(h.validCache()).isFalse();
        assertThat(v[15]).as("the array handed out is never changed afterwards").isEqualTo((byte) 1);
    }

    /** Stored strings are shared with snapshots: a working copy must never write into the array it came from. */
    @Test
    void theStoredArrayIsNeverWritten() {
        HyperLogLog h = HyperLogLog.create();
        for (int i = 0; i < 50; i++) {
            h.add(b("e" + i), NO_LIMIT);
        }
        byte[] sparse = h.toBytes();
        byte[] sparseCopy = sparse.clone();
        HyperLogLog s = HyperLogLog.of(sparse);
        assertThat(s.add(b("zzz-new"), NO_LIMIT)).isEqualTo(1);
        s.setCachedCardinality(s.count(null));
        assertThat(sparse).isEqualTo(sparseCopy);
        assertThat(s.toBytes()).isNotEqualTo(sparseCopy);

        HyperLogLog d = HyperLogLog.of(sparse);
        assertThat(d.sparseToDense()).isTrue();
        byte[] dense = d.toBytes();
        byte[] denseCopy = dense.clone();
        HyperLogLog d2 = HyperLogLog.of(dense);
        assertThat(d2.add(b("zzz-new"), NO_LIMIT)).isEqualTo(1);
        d2.invalidateCache();
        assertThat(dense).isEqualTo(denseCopy);
        assertThat(d2.modified()).isTrue();

        HyperLogLog unchanged = HyperLogLog.of(dense);
        assertThat(unchanged.add(b("e1"), NO_LIMIT)).isZero();
        assertThat(unchanged.modified()).isFalse();
    }

    @Test
    void estimatorEdgeCases() {
        assertThat(HyperLogLog.sigma(1.0)).isInfinite();
        assertThat(HyperLogLog.tau(0.0)).isZero();
        assertThat(HyperLogLog.tau(1.0)).isZero();
        int[] empty = new int[64];
        empty[0] = HyperLogLog.REGISTERS;
        assertThat(HyperLogLog.estimate(empty)).isZero();
        int[] full = new int[64];
        full[HyperLogLog.Q + 1] = HyperLogLog.REGISTERS; // z = 0: llroundl(inf) is LLONG_MIN on x86-64
        assertThat(HyperLogLog.estimate(full)).isEqualTo(Long.MIN_VALUE);
        assertThat(HyperLogLog.llround(2.5)).isEqualTo(3);
        assertThat(HyperLogLog.llround(0.49999999999999994)).isZero();
        assertThat(HyperLogLog.llround(Double.NaN)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void estimatesStayWithinTheStandardError() {
        HyperLogLog h = HyperLogLog.create();
        byte[] ele = new byte[8];
        for (int n = 1; n <= 200_000; n++) {
            for (int k = 0; k < 8; k++) {
                ele[k] = (byte) (n >>> (8 * k));
            }
            h.add(ele, NO_LIMIT);
            if (n == 100 || n == 1000 || n == 10_000 || n == 200_000) {
                double err = Math.abs(h.count(null) - n) / (double) n;
                assertThat(err).as("relative error at %d", n).isLessThan(6 * 1.04 / 128);
            }
        }
        assertThat(h.encoding()).isEqualTo(HyperLogLog.DENSE);
    }
}
