package dev.chorus.node.command;

import dev.chorus.node.command.meta.CommandMeta;
import dev.chorus.node.command.meta.KeySpec;
import dev.chorus.node.resp.RespWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * COMMAND INFO and COMMAND DOCS entries, byte for byte as Redis 7.0 writes them (addReplyCommandInfo,
 * addReplyCommandDocs), from the captured metadata of each command. A container lists only the subcommands the node
 * implements.
 */
final class CommandReplies {
    /** Docs fields Redis writes as sets of status strings; "history" is a set of [version, change] arrays. */
    private static final Set<String> SETS_OF_SIMPLE_STRINGS = Set.of("flags", "doc_flags");

    private CommandReplies() {
    }

    static void writeInfo(RespWriter w, CommandSpec spec) {
        CommandMeta m = spec.meta();
        w.array(10);
        w.bulk(m.fullName());
        w.integer(m.arity());
        simpleStrings(w, m.flags());
        w.integer(m.firstKey()).integer(m.lastKey()).integer(m.keyStep());
        simpleStrings(w, m.aclCategories());
        w.set(m.tips().size());
        m.tips().forEach(w::bulk);
        w.set(m.keySpecs().size());
        for (KeySpec keySpec : m.keySpecs()) {
            keySpec.write(w);
        }
        if (spec.subcommands().isEmpty()) {
            w.set(0);
        } else {
            w.array(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands().values()) {
                writeInfo(w, sub);
            }
        }
    }

    static void writeDocs(RespWriter w, CommandSpec spec) {
        Map<String, Object> docs = spec.meta().docs();
        boolean subs = !spec.subcommands().isEmpty();
        w.map(docs.size() + (subs ? 1 : 0));
        docs.forEach((field, value) -> {
            w.bulk(field);
            writeDocsValue(w, field, value);
        });
        if (subs) {
            w.bulk("subcommands").map(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands().values()) {
                w.bulk(sub.fullName());
                writeDocs(w, sub);
            }
        }
    }

    /** A docs value: maps with bulk keys, bulk strings, integers, arrays; sets where Redis uses them. */
    private static void writeDocsValue(RespWriter w, String field, Object value) {
        if (value instanceof String s) {
            w.bulk(s);
        } else if (value instanceof Long n) {
            w.integer(n);
        } else if (value instanceof Map<?, ?> map) {
            w.map(map.size());
            map.forEach((k, v) -> {
                w.bulk((String) k);
                writeDocsValue(w, (String) k, v);
            });
        } else if (value instanceof List<?> list) {
            if (SETS_OF_SIMPLE_STRINGS.contains(field)) {
                simpleStrings(w, list);
            } else if (field.equals("history")) {
                w.set(list.size());
                for (Object entry : list) {
                    List<?> pair = (List<?>) entry;
                    w.array(pair.size());
                    pair.forEach(s -> w.bulk((String) s));
                }
            } else {
                w.array(list.size());
                for (Object item : list) {
                    writeDocsValue(w, field, item);
                }
            }
        } else {
            throw new IllegalStateException("unexpected docs value in " + field + ": " + value);
        }
    }

    private static void simpleStrings(RespWriter w, List<?> items) {
        w.set(items.size());
        for (Object item : items) {
            w.simple((String) item);
        }
    }
}
