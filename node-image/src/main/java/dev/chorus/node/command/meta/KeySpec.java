package dev.chorus.node.command.meta;

import dev.chorus.node.resp.RespWriter;
import java.util.List;
import java.util.Map;

/**
 * One of a command's Redis 7 key specifications: where its keys begin ({@link BeginSearch}), how many follow
 * ({@link FindKeys}), and how the command uses them ({@code flags}: RO/RW/OW/RM, access, update, ...).
 * COMMAND INFO reports them and COMMAND GETKEYS walks them ({@link KeyExtraction}).
 */
public record KeySpec(String notes, List<String> flags, BeginSearch begin, FindKeys find) {

    /** Where the search for keys starts: a fixed argument index, or just after a keyword. */
    public sealed interface BeginSearch permits Index, Keyword, UnknownBegin {
    }

    public record Index(int pos) implements BeginSearch {
    }

    /** The keyword is searched from {@code startFrom} onwards, or backwards from the end when it is negative. */
    public record Keyword(String keyword, int startFrom) implements BeginSearch {
    }

    public record UnknownBegin() implements BeginSearch {
    }

    /** Which arguments from the beginning are keys: a range, or a count given by a numkeys argument. */
    public sealed interface FindKeys permits Range, KeyNum, UnknownFind {
    }

    /** {@code lastKey} relative to the first key (negative: from the end); {@code limit} divides what is left. */
    public record Range(int lastKey, int keyStep, int limit) implements FindKeys {
    }

    /** The key count is at {@code keyNumIdx} and the keys start at {@code firstKey}, both relative to the begin. */
    public record KeyNum(int keyNumIdx, int firstKey, int keyStep) implements FindKeys {
    }

    public record UnknownFind() implements FindKeys {
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    @SuppressWarnings("unchecked")
    static KeySpec fromJson(Map<String, Object> json) {
        Map<String, Object> bs = (Map<String, Object>) json.get("begin_search");
        Map<String, Object> bsSpec = (Map<String, Object>) bs.get("spec");
        BeginSearch begin = switch ((String) bs.get("type")) {
            case "index" -> new Index(integer(bsSpec, "index"));
            case "keyword" -> new Keyword((String) bsSpec.get("keyword"), integer(bsSpec, "startfrom"));
            case "unknown" -> new UnknownBegin();
            default -> throw new IllegalArgumentException("begin_search type " + bs.get("type"));
        };
        Map<String, Object> fk = (Map<String, Object>) json.get("find_keys");
        Map<String, Object> fkSpec = (Map<String, Object>) fk.get("spec");
        FindKeys find = switch ((String) fk.get("type")) {
            case "range" -> new Range(integer(fkSpec, "lastkey"), integer(fkSpec, "keystep"), integer(fkSpec, "limit"));
            case "keynum" -> new KeyNum(integer(fkSpec, "keynumidx"), integer(fkSpec, "firstkey"),
                    integer(fkSpec, "keystep"));
            case "unknown" -> new UnknownFind();
            default -> throw new IllegalArgumentException("find_keys type " + fk.get("type"));
        };
        List<String> flags = ((List<Object>) json.get("flags")).stream().map(String.class::cast).toList();
        return new KeySpec((String) json.get("notes"), flags, begin, find);
    }

    private static int integer(Map<String, Object> m, String key) {
        return ((Long) m.get(key)).intValue();
    }

    /** The spec as COMMAND INFO shows it (Redis' addReplyCommandKeySpecs). */
    public void write(RespWriter w) {
        w.map(notes == null ? 3 : 4);
        if (notes != null) {
            w.bulk("notes").bulk(notes);
        }
        w.bulk("flags").set(flags.size());
        flags.forEach(w::simple);
        w.bulk("begin_search").map(2).bulk("type");
        if (begin instanceof Index i) {
            w.bulk("index").bulk("spec").map(1).bulk("index").integer(i.pos());
        } else if (begin instanceof Keyword k) {
            w.bulk("keyword").bulk("spec").map(2).bulk("keyword").bulk(k.keyword())
                    .bulk("startfrom").integer(k.startFrom());
        } else {
            w.bulk("unknown").bulk("spec").map(0);
        }
        w.bulk("find_keys").map(2).bulk("type");
        if (find instanceof Range r) {
            w.bulk("range").bulk("spec").map(3).bulk("lastkey").integer(r.lastKey())
                    .bulk("keystep").integer(r.keyStep()).bulk("limit").integer(r.limit());
        } else if (find instanceof KeyNum k) {
            w.bulk("keynum").bulk("spec").map(3).bulk("keynumidx").integer(k.keyNumIdx())
                    .bulk("firstkey").integer(k.firstKey()).bulk("keystep").integer(k.keyStep());
        } else {
            w.bulk("unknown").bulk("spec").map(0);
        }
    }
}
