package dev.chorus.node.command.meta;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis' getkeys_proc: finds a command's keys by reading its arguments. COMMAND GETKEYS falls back to it when the key
 * specs fail (for example ZUNIONSTORE with a numkeys that string2ll rejects but atoi reads), and uses it alone when
 * a key's flags depend on the arguments (SET ... GET, BITFIELD). An empty list means no keys.
 */
@FunctionalInterface
public interface KeysProc {
    List<KeyRef> keys(byte[][] argv);

    /**
     * Redis' genericGetKeys: {@code atoi(argv[keyCountOfs])} keys from {@code firstKeyOfs}, then the destination key
     * at {@code storeKeyOfs} (0 when there is none) last; none unless 1 <= count <= the arguments left.
     */
    static KeysProc numKeys(int storeKeyOfs, int keyCountOfs, int firstKeyOfs) {
        return argv -> {
            int num = CStrings.atoi(argv[keyCountOfs]);
            if (num < 1 || num > argv.length - firstKeyOfs) {
                return List.of();
            }
            List<KeyRef> keys = new ArrayList<>(num + 1);
            for (int i = 0; i < num; i++) {
                keys.add(new KeyRef(firstKeyOfs + i, List.of()));
            }
            if (storeKeyOfs > 0) {
                keys.add(new KeyRef(storeKeyOfs, List.of()));
            }
            return keys;
        };
    }

    /** Redis' setGetKeys: SET's key is read too (RW access) when a GET option follows the value. */
    KeysProc SET = argv -> {
        for (int i = 3; i < argv.length; i++) {
            if (CStrings.equalsIgnoreCase(argv[i], "get")) {
                return List.of(new KeyRef(1, List.of("RW", "access", "update")));
            }
        }
        return List.of(new KeyRef(1, List.of("OW", "update")));
    };

    /** Redis' bitfieldGetKeys: read-only while only GET and OVERFLOW operations are given, in full. */
    KeysProc BITFIELD = argv -> {
        boolean readonly = true;
        for (int i = 2; i < argv.length; i++) {
            int remaining = argv.length - i - 1;
            if (CStrings.equalsIgnoreCase(argv[i], "get") && remaining >= 2) {
                i += 2;
            } else if ((CStrings.equalsIgnoreCase(argv[i], "set") || CStrings.equalsIgnoreCase(argv[i], "incrby"))
                    && remaining >= 3) {
                readonly = false;
                break;
            } else if (CStrings.equalsIgnoreCase(argv[i], "overflow") && remaining >= 1) {
                i += 1;
            } else {
                readonly = false; // a syntax error: assume it writes
                break;
            }
        }
        return List.of(new KeyRef(1, readonly ? List.of("RO", "access") : List.of("RW", "access", "update")));
    };
}
