package dev.chorus.node.persistence;

import static dev.chorus.node.persistence.ModelValues.Value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RdbLoaderTest {
    /** dump.rdb written by redis-server 7.0.15 (SAVE) for the keys asserted below. */
    static byte[] redisFixture() throws IOException {
        try (InputStream in = RdbLoaderTest.class.getResourceAsStream("/persistence/redis-7.0.15-small.dump")) {
            return in.readAllBytes();
        }
    }

    static RdbLoadResult load(byte[] rdb) throws IOException {
        return new RdbLoader(ModelValues.INSTANCE, 16).load(new ByteArrayInputStream(rdb));
    }

    @Test
    void loadsWhatRedisWrote() throws IOException {
        byte[] rdb = redisFixture();
        RdbLoadResult r = load(rdb);
        assertThat(r.version()).isEqualTo(10);
        assertThat(r.aux()).containsEntry("redis-ver", "7.0.15").containsEntry("redis-bits", "64")
                .containsEntry("aof-base", "0").containsKeys("ctime", "used-mem");
        assertThat(r.keysLoaded()).isEqualTo(9);
        assertThat(r.bytes()).isEqualTo(rdb.length);
        var db0 = ModelValues.canonical(r.keys()).get(0);
        String hundredA = "a".repeat(100);
        assertThat(db0).containsEntry("s", new ModelValues.Key("hello", 0))
                .containsEntry("i", new ModelValues.Key("12345", 0))
                .containsEntry("big", new ModelValues.Key(hundredA, 0))
                .containsEntry("l", new ModelValues.Key(Value.list(List.of("a", "b", "1", "2")), 0))
                .containsEntry("si", new ModelValues.Key(Value.set(List.of("1", "2", "3")), 0))
                .containsEntry("ss", new ModelValues.Key(Value.set(List.of("a", "b")), 0))
                .containsEntry("h", new ModelValues.Key(Value.hash(Map.of("f", "v")), 0))
                .containsEntry("z", new ModelValues.Key(Value.zset(Map.of("a", 1.0, "b", 2.5)), 0))
                .containsEntry("e", new ModelValues.Key("x", 0x01a20f0fc3edL));
    }

    @Test
    void everyTruncationIsAClearError() throws IOException {
        byte[] rdb = redisFixture();
        for (int len = 0; len < rdb.length; len++) {
            byte[] cut = Arrays.copyOf(rdb, len);
            assertThatThrownBy(() -> load(cut)).as("prefix of %d bytes", len)
                    .isInstanceOf(RdbFormatException.class);
        }
    }

    @Test
    void everySingleByteCorruptionIsRejectedOrHarmless() throws IOException {
        byte[] rdb = redisFixture();
        int rejected = 0;
        for (int i = 0; i < rdb.length; i++) {
            byte[] bad = rdb.clone();
            bad[i] ^= 0x5a;
            try {
                load(bad);
            } catch (RdbFormatException e) {
                rejected++;
                continue;
            }
            throw new AssertionError("corruption at offset " + i + " was accepted");
        }
        assertThat(rejected).isEqualTo(rdb.length);
    }

    @Test
    void checksumMismatchNamesBothValues() throws IOException {
        byte[] rdb = redisFixture();
        rdb[rdb.length - 1] ^= 1;
        assertThatThrownBy(() -> load(rdb)).isInstanceOf(RdbFormatException.class)
                .hasMessageStartingWith("Wrong RDB checksum expected: (");
    }

    @Test
    void zeroChecksumMeansNotComputed() throws IOException {
        byte[] rdb = redisFixture();
        Arrays.fill(rdb, rdb.length - 8, rdb.length, (byte) 0);
        assertThat(load(rdb).keysLoaded()).isEqualTo(9);
    }

    @Test
    void checksumVerificationCanBeTurnedOff() throws IOException {
        byte[] rdb = redisFixture();
        rdb[rdb.length - 1] ^= 1;
        var r = new RdbLoader(ModelValues.INSTANCE, 16).verifyChecksum(false).load(new ByteArrayInputStream(rdb));
        assertThat(r.keysLoaded()).isEqualTo(9);
    }

    @Test
    void newerVersionsAreRejected() throws IOException {
        byte[] rdb = redisFixture();
        rdb[8] = '1'; // REDIS0011
        assertThatThrownBy(() -> load(rdb)).isInstanceOf(RdbFormatException.class)
                .hasMessage("Can't handle RDB format version 11");
    }

    @Test
    void wrongSignatureIsRejected() {
        byte[] rdb = "RODIS0010\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> load(rdb)).isInstanceOf(RdbFormatException.class)
                .hasMessage("Wrong signature trying to load DB from file");
    }

    @Test
    void readsExactlyToTheChecksumAndNoFurther() throws IOException {
        byte[] rdb = redisFixture();
        byte[] withTrailer = Arrays.copyOf(rdb, rdb.length + 40);
        Arrays.fill(withTrailer, rdb.length, withTrailer.length, (byte) 'x');
        ByteArrayInputStream in = new ByteArrayInputStream(withTrailer);
        new RdbLoader(ModelValues.INSTANCE, 16).load(in);
        assertThat(in.available()).isEqualTo(40); // e.g. the $EOF: mark of a diskless sync stays in the stream
    }

    @Test
    void expiredKeysAreSkippedOnlyWhenAsked() throws IOException {
        byte[] rdb = redisFixture();
        long expiry = 0x01a20f0fc3edL;
        var kept = new RdbLoader(ModelValues.INSTANCE, 16).skipExpiredKeys(true, expiry)
                .load(new ByteArrayInputStream(rdb));
        assertThat(kept.keysLoaded()).isEqualTo(9);
        var skipped = new RdbLoader(ModelValues.INSTANCE, 16).skipExpiredKeys(true, expiry + 1)
                .load(new ByteArrayInputStream(rdb));
        assertThat(skipped.keysLoaded()).isEqualTo(8);
        assertThat(skipped.keysExpired()).isEqualTo(1);
        assertThat(ModelValues.canonical(skipped.keys()).get(0)).doesNotContainKey("e");
    }

    // ---- hand-built files ----

    private static byte[] rdb(RdbEncodingTest.IoConsumer<RdbOutput> body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes, true);
        out.write("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        body.accept(out);
        out.writeEofAndChecksum();
        return bytes.toByteArray();
    }

    @Test
    void moduleTypesAreRejectedByName() throws IOException {
        for (int type : new int[] {6, 7}) {
            byte[] rdb = rdb(o -> {
                o.writeByte(type);
                o.writeString("k".getBytes());
                o.writeLength(0);
            });
            assertThatThrownBy(() -> load(rdb)).isInstanceOf(RdbFormatException.class)
                    .hasMessageContaining("RDB type " + type + " (")
                    .hasMessageContaining("is not supported")
                    .hasMessageContaining("key 'k' in DB 0");
        }
        byte[] unknown = rdb(o -> {
            o.writeByte(20);
            o.writeString("k".getBytes());
        });
        assertThatThrownBy(() -> load(unknown)).hasMessageStartingWith("Unknown RDB encoding type 20");
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        byte[] rdb = rdb(o -> {
            for (int i = 0; i < 2; i++) {
                o.writeByte(Rdb.TYPE_STRING);
                o.writeString("k".getBytes());
                o.writeString("v".getBytes());
            }
        });
        assertThatThrownBy(() -> load(rdb)).hasMessage("RDB has duplicated key 'k' in DB 0");
    }

    @Test
    void duplicateMembersAreRejected() throws IOException {
        byte[] rdb = rdb(o -> {
            o.writeByte(Rdb.TYPE_SET);
            o.writeString("k".getBytes());
            o.writeLength(2);
            o.writeString("m".getBytes());
            o.writeString("m".getBytes());
        });
        assertThatThrownBy(() -> load(rdb)).hasMessageStartingWith("Duplicate set members detected");
    }

    @Test
    void nanScoresAreRejected() throws IOException {
        byte[] rdb = rdb(o -> {
            o.writeByte(Rdb.TYPE_ZSET_2);
            o.writeString("k".getBytes());
            o.writeLength(1);
            o.writeString("m".getBytes());
            o.writeBinaryDouble(Double.NaN);
        });
        assertThatThrownBy(() -> load(rdb)).hasMessageStartingWith("Zset with NAN score detected");
    }

    @Test
    void emptyCollectionsAreSkippedLikeRedis() throws IOException {
        byte[] rdb = rdb(o -> {
            o.writeByte(Rdb.TYPE_LIST);
            o.writeString("empty".getBytes());
            o.writeLength(0);
            o.writeByte(Rdb.TYPE_STRING);
            o.writeString("s".getBytes());
            o.writeString("v".getBytes());
        });
        RdbLoadResult r = load(rdb);
        assertThat(r.keysLoaded()).isEqualTo(1);
        assertThat(r.emptyKeysSkipped()).isEqualTo(1);
    }

    @Test
    void selectingADatabaseBeyondTheConfiguredOnesFails() throws IOException {
        byte[] rdb = rdb(o -> {
            o.writeByte(Rdb.OPCODE_SELECTDB);
            o.writeLength(16);
        });
        assertThatThrownBy(() -> load(rdb)).hasMessageContaining("more than 16 databases");
    }

    @Test
    void secondsExpiryAndAuxAndFunctionsAreRead() throws IOException {
        byte[] rdb = rdb(o -> {
            o.writeByte(Rdb.OPCODE_AUX);
            o.writeString("repl-id".getBytes());
            o.writeString("0123456789012345678901234567890123456789".getBytes());
            o.writeByte(Rdb.OPCODE_AUX);
            o.writeString("repl-offset".getBytes());
            o.writeLongAsString(123456789012L);
            o.writeByte(Rdb.OPCODE_FUNCTION2);
            o.writeString("#!lua name=lib\nredis.register_function('f', function() return 1 end)".getBytes());
            o.writeByte(Rdb.OPCODE_SELECTDB);
            o.writeLength(3);
            o.writeByte(Rdb.OPCODE_RESIZEDB);
            o.writeLength(1);
            o.writeLength(1);
            o.writeByte(Rdb.OPCODE_EXPIRETIME);
            o.writeLittleEndian(2_000_000_000L, 4);
            o.writeByte(Rdb.OPCODE_IDLE);
            o.writeLength(100);
            o.writeByte(Rdb.TYPE_STRING);
            o.writeString("k".getBytes());
            o.writeString("v".getBytes());
        });
        RdbLoadResult r = load(rdb);
        assertThat(r.replId()).isEqualTo("0123456789012345678901234567890123456789");
        assertThat(r.replOffset()).isEqualTo(123456789012L);
        assertThat(r.functions()).hasSize(1);
        assertThat(ModelValues.canonical(r.keys()).get(3))
                .containsEntry("k", new ModelValues.Key("v", 2_000_000_000_000L));
    }

    /** Loading from a file reads ahead through its own buffer; from a stream it reads exactly the RDB. Same result. */
    @Test
    void fileAndStreamLoadsAgree(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bytes, ModelValues.INSTANCE, false);
        w.writeHeader(RdbWriter.standardAux(1000, null, 0, 0));
        java.util.Random rnd = new java.util.Random(42);
        int[] sizes = {0, 1, 15, 64, 65, 4000, 65_535, 65_536, 65_537, 70_000, 200_000, 3};
        for (int i = 0; i < 3000; i++) {
            byte[] value = new byte[i < sizes.length ? sizes[i] : rnd.nextInt(100)];
            rnd.nextBytes(value);
            w.writeKey(i % 3, ModelValues.bytes("key:" + i), value, i % 7 == 0 ? 4_102_444_800_000L + i : 0);
        }
        w.finish();
        byte[] rdb = bytes.toByteArray();
        java.nio.file.Path file = dir.resolve("dump.rdb");
        java.nio.file.Files.write(file, rdb);

        RdbLoadResult fromStream = load(rdb);
        RdbLoadResult fromFile = new RdbLoader(ModelValues.INSTANCE, 16).load(file);
        assertThat(fromFile.bytes()).isEqualTo(rdb.length).isEqualTo(fromStream.bytes());
        assertThat(fromFile.keysLoaded()).isEqualTo(3000);
        assertThat(ModelValues.canonical(fromFile.keys())).isEqualTo(ModelValues.canonical(fromStream.keys()));

        // The checksum covers every byte the buffered reader consumed: a flipped byte anywhere is caught.
        for (int pos : new int[] {20, rdb.length / 3, rdb.length / 2, rdb.length - 12}) {
            byte[] corrupt = rdb.clone();
            corrupt[pos] ^= 0x01;
            java.nio.file.Files.write(file, corrupt);
            assertThatThrownBy(() -> new RdbLoader(ModelValues.INSTANCE, 16).load(file)).as("flip at %d", pos)
                    .isInstanceOf(RdbFormatException.class);
        }
        // Truncated files fail too, wherever they end.
        for (int len : new int[] {9, 100, 65_536, 65_600, rdb.length / 2, rdb.length - 1}) {
            java.nio.file.Files.write(file, Arrays.copyOf(rdb, len));
            assertThatThrownBy(() -> new RdbLoader(ModelValues.INSTANCE, 16).load(file)).as("cut at %d", len)
                    .isInstanceOf(RdbFormatException.class);
        }
    }
}
