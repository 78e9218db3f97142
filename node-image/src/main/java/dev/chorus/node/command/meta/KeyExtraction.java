package dev.chorus.node.command.meta;

import dev.chorus.node.command.CommandContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the keys of a command line the way Redis 7.0 does for COMMAND GETKEYS (getKeysFromCommandWithSpecs): walk
 * the key specs, and fall back to the command's {@link KeysProc} when a spec can't be applied to these arguments or
 * when the specs' flags depend on them (variable_flags).
 */
public final class KeyExtraction {
    private KeyExtraction() {
    }

    /** The keys of {@code argv} (argv[0] is the command name); empty when there are none or the arguments are bad. */
    public static List<KeyRef> keys(CommandMeta meta, KeysProc proc, byte[][] argv) {
        boolean variableFlags = meta.keySpecs().stream().anyMatch(s -> s.has("variable_flags"));
        if (meta.hasKeySpecs() && !variableFlags) {
            List<KeyRef> keys = fromKeySpecs(meta, argv);
            if (keys != null) {
                return keys;
            }
        }
        return proc != null ? proc.keys(argv) : List.of();
    }

    /** Whether the command takes keys at all (Redis' doesCommandHaveKeys). */
    public static boolean hasKeys(CommandMeta meta, KeysProc proc) {
        return proc != null || meta.hasKeySpecs();
    }

    /** Redis' getKeysUsingKeySpecs: the keys, or null when a spec is invalid or incomplete for these arguments. */
    static List<KeyRef> fromKeySpecs(CommandMeta meta, byte[][] argv) {
        int argc = argv.length;
        List<KeyRef> keys = new ArrayList<>();
        for (KeySpec spec : meta.keySpecs()) {
            if (spec.has("not_key")) {
                continue;
            }
            int first = 0;
            if (spec.begin() instanceof KeySpec.Index index) {
                first = index.pos();
            } else if (spec.begin() instanceof KeySpec.Keyword keyword) {
                first = afterKeyword(keyword, argv);
                if (first == 0) {
                    continue; // the keyword is absent: this spec has no keys here
                }
            } else {
                return null;
            }
            int last;
            int step;
            if (spec.find() instanceof KeySpec.Range range) {
                step = Math.max(1, range.keyStep());
                if (range.lastKey() >= 0) {
                    last = first + range.lastKey();
                } else if (range.limit() == 0) {
                    last = argc + range.lastKey();
                } else {
                    last = first + ((argc - first) / range.limit() + range.lastKey());
                }
            } else if (spec.find() instanceof KeySpec.KeyNum keyNum) {
                step = Math.max(1, keyNum.keyStep());
                if (keyNum.keyNumIdx() >= argc || first + keyNum.keyNumIdx() >= argc) {
                    return null;
                }
                Long numKeys = CommandContext.parseLongOrNull(argv[first + keyNum.keyNumIdx()]);
                if (numKeys == null || numKeys < 0) {
                    return null;
                }
                first += keyNum.firstKey();
                last = first + numKeys.intValue() - 1; // int arithmetic, as in Redis
            } else {
                return null;
            }
            if (last >= argc || last < first || first >= argc) {
                return null; // out of bounds: a syntax error
            }
            for (int i = first; i <= last; i += step) {
                keys.add(new KeyRef(i, spec.flags()));
            }
            if (spec.has("incomplete")) {
                return null;
            }
        }
        return keys;
    }

    /**
     * The index after the spec's keyword, searched from startfrom towards the end, or from the end backwards when
     * startfrom is negative; 0 when absent. As in Redis, the search stops before the last (resp. first) argument.
     */
    private static int afterKeyword(KeySpec.Keyword keyword, byte[][] argv) {
        int argc = argv.length;
        int start = keyword.startFrom() > 0 ? keyword.startFrom() : argc + keyword.startFrom();
        int end = keyword.startFrom() > 0 ? argc - 1 : 1;
        for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
            if (i >= argc || i < 1) {
                break;
            }
            if (CStrings.equalsIgnoreCase(argv[i], keyword.keyword())) {
                return i + 1;
            }
        }
        return 0;
    }
}
