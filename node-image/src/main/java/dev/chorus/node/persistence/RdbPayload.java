package dev.chorus.node.persistence;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * DUMP / RESTORE payloads: one value in RDB form, then the RDB version (2 bytes) and a CRC-64 of everything before
 * it (8 bytes), both little-endian, as Redis' createDumpPayload / verifyDumpPayload. The value uses the writer's
 * plain types, which Redis' RESTORE accepts (the bytes differ from Redis' own DUMP, which copies its listpacks).
 */
public final class RdbPayload {
    private RdbPayload() {
    }

    public static byte[] dump(Object value, RdbValueCodec codec) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            RdbWriter w = new RdbWriter(bytes, codec, true);
            w.writeTypeAndValue(value);
            w.writeDumpFooter();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory
        }
    }

    /**
     * DEBUG SET-SKIP-CHECKSUM-VALIDATION (server.skip_checksum_validation): RESTORE and RDB loads then accept a
     * payload whose CRC does not match.
     */
    public static volatile boolean skipChecksumValidation;

    /** verifyDumpPayload: false when the footer's version is too new or the checksum does not match. */
    public static boolean verify(byte[] payload, boolean checkChecksum) {
        if (payload.length < 10) {
            return false;
        }
        int version = (payload[payload.length - 10] & 0xff) | (payload[payload.length - 9] & 0xff) << 8;
        if (version > Rdb.VERSION) {
            return false;
        }
        if (!checkChecksum) {
            return true;
        }
        long crc = Crc64.update(0, payload, 0, payload.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (payload[payload.length - 8 + i] & 0xffL) << (8 * i);
        }
        return crc == stored;
    }

    /**
     * The value of a verified payload. Throws RdbFormatException for anything Redis answers "ERR Bad data format"
     * to (including module and stream types, which this server does not have).
     */
    public static Object restore(byte[] payload, RdbValueCodec codec) throws RdbFormatException {
        if (payload.length < 11) {
            throw new RdbFormatException("payload too short");
        }
        try {
            RdbInput in = new RdbInput(new ByteArrayInputStream(payload, 0, payload.length - 10));
            int type = in.readByte();
            Object value = new RdbLoader(codec, 1).readValue(type, in);
            if (value == null || in.offset() != payload.length - 10) {
                throw new RdbFormatException("Bad data format");
            }
            return value;
        } catch (RdbFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new RdbFormatException(e.getMessage());
        }
    }
}
