package dev.chorus.node.persistence;

import dev.chorus.node.command.CommandError;
import dev.chorus.node.scripting.Functions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;

/**
 * FUNCTION DUMP and RESTORE payloads (functionDumpCommand/functionRestoreCommand): each library as
 * RDB_OPCODE_FUNCTION2 and its code as an RDB string (rdbSaveFunctions), then the RDB version and the CRC64, as DUMP.
 */
public final class FunctionPayload {
    private FunctionPayload() {
    }

    public static byte[] dump(Collection<Functions.Library> libraries) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            RdbWriter w = new RdbWriter(bytes, null, true);
            for (Functions.Library li : libraries) {
                w.writeFunction(li.code());
            }
            w.writeDumpFooter();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory
        }
    }

    /** The libraries of a payload, loaded into a new set (not yet the server's); a CommandError as Redis words it. */
    public static Functions.LibCtx restore(Functions functions, byte[] data) {
        if (!RdbPayload.verify(data, !RdbPayload.skipChecksumValidation)) {
            throw new CommandError("ERR DUMP payload version or checksum are wrong");
        }
        Functions.LibCtx ctx = functions.newCtx();
        RdbInput in = new RdbInput(new ByteArrayInputStream(data, 0, data.length));
        try {
            while (data.length - in.offset() > 10) {
                int type;
                try {
                    type = in.readByte();
                } catch (IOException e) {
                    throw new CommandError("ERR can not read data type");
                }
                if (type != Rdb.OPCODE_FUNCTION && type != Rdb.OPCODE_FUNCTION2) {
                    throw new CommandError("ERR given type is not a function");
                }
                byte[] code;
                try {
                    code = type == Rdb.OPCODE_FUNCTION2 ? in.readString() : RdbLoader.readPreGaFunction(in);
                } catch (IOException e) {
                    throw new CommandError("ERR Failed loading library payload");
                }
                functions.create(code, false, ctx, 0);
            }
        } catch (RuntimeException e) {
            if (e instanceof CommandError) {
                throw e;
            }
            throw new CommandError("ERR failed loading the given functions payload");
        }
        return ctx;
    }
}
