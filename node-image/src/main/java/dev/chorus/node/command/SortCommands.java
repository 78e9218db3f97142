package dev.chorus.node.command;

import dev.chorus.node.command.meta.KeyRef;
import dev.chorus.node.command.meta.KeysProc;
import dev.chorus.node.resp.Doubles;
import dev.chorus.node.store.Database;
import dev.chorus.node.store.HashValue;
import dev.chorus.node.store.KeyEntry;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.SetValue;
import dev.chorus.node.store.SkipList;
import dev.chorus.node.store.ValueType;
import dev.chorus.node.store.ZSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO (sort.c). The quirks that make replies differ from a naive sort are kept: numeric ties are broken
 * by comparing the elements as binary strings; ALPHA compares with strcoll (the C locale: bytes up to the first NUL)
 * unless STORE is given (then binary); a missing BY key sorts as score 0 (numeric) or before everything (ALPHA); the
 * full sort is glibc's stable merge sort, while BY with a LIMIT uses Redis' own partial quicksort (pqsort.c), whose
 * order of equal elements is its own; a sorted set is converted to a skiplist for good; a BY pattern without '*'
 * means no sorting, except that a set is then sorted ALPHA when the result is STOREd.
 */
public final class SortCommands implements CommandFamily {
    @Override
    public List<CommandSpec.Builder> commands() {
        return List.of(
                CommandSpec.of("sort", -2, "write denyoom", ctx -> sort(ctx, false)).getKeys(SORT_KEYS),
                CommandSpec.of("sort_ro", -2, "readonly", ctx -> sort(ctx, true))
                        .getKeys(argv -> List.of(new KeyRef(1, List.of("RO", "access")))));
    }

    /** db.c sortGetKeys: the sorted key, then the last STORE key (options with arguments are skipped). */
    static final KeysProc SORT_KEYS = argv -> {
        List<KeyRef> keys = new ArrayList<>(2);
        keys.add(new KeyRef(1, List.of("RO", "access")));
        KeyRef store = null;
        String[] names = {"limit", "get", "by"};
        int[] skips = {2, 1, 1};
        for (int i = 2; i < argv.length; i++) {
            for (int j = 0; j < names.length; j++) {
                if (eqIgnoreCase(argv[i], names[j])) {
                    i += skips[j];
                    break;
                } else if (eqIgnoreCase(argv[i], "store") && i + 1 < argv.length) {
                    store = new KeyRef(i + 1, List.of("OW", "update"));
                    break;
                }
            }
        }
        if (store != null) {
            keys.add(store);
        }
        return keys;
    };

    private static boolean eqIgnoreCase(byte[] arg, String name) {
        return new String(arg, java.nio.charset.StandardCharsets.ISO_8859_1).equalsIgnoreCase(name);
    }

    /** One element of the sorting vector (redisSortObject). */
    private static final class Item {
        final byte[] obj;
        double score;
        byte[] cmp;

        Item(byte[] obj) {
            this.obj = obj;
        }
    }

    static void sort(CommandContext ctx, boolean readonly) {
        List<byte[]> getPatterns = new ArrayList<>();
        boolean desc = false;
        boolean alpha = false;
        boolean dontsort = false;
        long limitStart = 0;
        long limitCount = -1;
        byte[] sortby = null;
        byte[] storekey = null;
        int argc = ctx.argc();
        for (int j = 2; j < argc; j++) {
            int leftargs = argc - j - 1;
            String opt = ctx.option(j);
            if (opt.equals("asc")) {
                desc = false;
            } else if (opt.equals("desc")) {
                desc = true;
            } else if (opt.equals("alpha")) {
                alpha = true;
            } else if (opt.equals("limit") && leftargs >= 2) {
                limitStart = ctx.longArg(j + 1);
                limitCount = ctx.longArg(j + 2);
                j += 2;
            } else if (!readonly && opt.equals("store") && leftargs >= 1) {
                storekey = ctx.arg(j + 1);
                j++;
            } else if (opt.equals("by") && leftargs >= 1) {
                sortby = ctx.arg(j + 1);
                if (indexOf(sortby, (byte) '*', 0, cLength(sortby)) < 0) {
                    dontsort = true;
                }
                j++;
            } else if (opt.equals("get") && leftargs >= 1) {
                getPatterns.add(ctx.arg(j + 1));
                j++;
            } else {
                throw Errors.syntax();
            }
        }

        Database db = ctx.db();
        KeyEntry entry = db.lookup(ctx.arg(1));
        if (entry != null && entry.type() != ValueType.SET && entry.type() != ValueType.LIST
                && entry.type() != ValueType.ZSET) {
            throw Errors.wrongType();
        }
        ValueType type = entry == null ? ValueType.LIST : entry.type();
        Object value = entry == null ? new ListValue() : entry.value();

        if (dontsort && type == ValueType.SET && storekey != null) {
            // A set's iteration order is not stable across servers: stored results are sorted ALPHA instead.
            dontsort = false;
            alpha = true;
            sortby = null;
        }
        if (type == ValueType.ZSET) {
            ((ZSetValue) value).convertToSkiplist();
        }

        int vectorlen = switch (type) {
            case LIST -> ((ListValue) value).size();
            case SET -> ((SetValue) value).size();
            default -> ((ZSetValue) value).size();
        };
        long start = Math.min(Math.max(limitStart, 0), vectorlen);
        limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
        long end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) {
            end = vectorlen - 1;
        }
        if ((type == ValueType.ZSET || type == ValueType.LIST) && dontsort && (start != 0 || end != vectorlen - 1)) {
            vectorlen = (int) (end - start + 1);
        }

        List<Item> vector = new ArrayList<>(Math.max(vectorlen, 0));
        if (type == ValueType.LIST && dontsort) {
            ListValue list = (ListValue) value;
            if (end >= start) {
                int len = list.size();
                int pos = (int) (desc ? len - start - 1 : start);
                while (vector.size() < vectorlen && pos >= 0 && pos < len) {
                    vector.add(new Item(list.get(pos)));
                    pos += desc ? -1 : 1;
                }
                end -= start;
                start = 0;
            }
        } else if (type == ValueType.LIST) {
            ListValue list = (ListValue) value;
            for (int i = 0; i < list.size(); i++) {
                vector.add(new Item(list.get(i)));
            }
        } else if (type == ValueType.SET) {
            ((SetValue) value).forEach(m -> vector.add(new Item(m)));
        } else if (dontsort) {
            ZSetValue zset = (ZSetValue) value;
            int zlen = zset.size();
            SkipList.Node ln;
            if (desc) {
                ln = start > 0 ? zset.byRank(zlen - start - 1) : zset.last();
            } else {
                ln = start > 0 ? zset.byRank(start) : zset.first();
            }
            for (int rangelen = vectorlen; rangelen > 0 && ln != null; rangelen--) {
                vector.add(new Item(ln.member()));
                ln = desc ? ln.prev() : ln.next();
            }
            end -= start;
            start = 0;
        } else {
            ((ZSetValue) value).forEachUnordered(n -> vector.add(new Item(n.member())));
        }

        boolean conversionError = false;
        if (!dontsort) {
            for (Item item : vector) {
                byte[] byval;
                if (sortby != null) {
                    byval = lookupByPattern(db, sortby, item.obj);
                    if (byval == null) {
                        continue;
                    }
                } else {
                    byval = item.obj;
                }
                if (alpha) {
                    if (sortby != null) {
                        item.cmp = byval;
                    }
                } else {
                    Double d = strtod(byval);
                    if (d == null) {
                        conversionError = true;
                    } else {
                        item.score = d;
                    }
                }
            }
            Comparator<Item> cmp = comparator(alpha, sortby != null, storekey != null, desc);
            Item[] arr = vector.toArray(new Item[0]);
            if (sortby != null && (start != 0 || end != arr.length - 1)) {
                // Redis 7.0.15's pqsort.c (one port, shared with GEO): ties come out in Redis' order.
                dev.chorus.node.command.geo.Sorts.pqsort(arr, arr.length, cmp::compare, (int) start, (int) end);
            } else {
                Arrays.sort(arr, cmp); // stable, as glibc's merge sort
            }
            vector.clear();
            vector.addAll(Arrays.asList(arr));
        }

        int getop = getPatterns.size();
        long outputlen = getop > 0 ? getop * (end - start + 1) : end - start + 1;
        if (conversionError) {
            throw new CommandError("ERR One or more scores can't be converted into double");
        }
        if (storekey == null) {
            ctx.reply().array((int) outputlen);
            for (long j = start; j <= end; j++) {
                Item item = vector.get((int) j);
                if (getop == 0) {
                    ctx.reply().bulk(item.obj);
                }
                for (byte[] pattern : getPatterns) {
                    byte[] val = lookupByPattern(db, pattern, item.obj);
                    if (val == null) {
                        ctx.reply().nullBulk();
                    } else {
                        ctx.reply().bulk(val);
                    }
                }
            }
            return;
        }
        ListValue stored = new ListValue();
        for (long j = start; j <= end; j++) {
            Item item = vector.get((int) j);
            if (getop == 0) {
                stored.addLast(item.obj);
            } else {
                for (byte[] pattern : getPatterns) {
                    byte[] val = lookupByPattern(db, pattern, item.obj);
                    stored.addLast(val == null ? new byte[0] : val);
                }
            }
        }
        if (outputlen > 0) {
            db.set(storekey, stored, 0);
            ctx.notifyKeyspaceEvent(KeyspaceEvents.LIST, "sortstore", storekey);
            ctx.dirty(outputlen);
        } else if (db.delete(storekey)) {
            ctx.notifyKeyspaceEvent(KeyspaceEvents.GENERIC, "del", storekey);
            ctx.dirty();
        }
        ctx.reply().integer(outputlen);
    }

    /** sortCompare for the given options. */
    private static Comparator<Item> comparator(boolean alpha, boolean bypattern, boolean store, boolean desc) {
        Comparator<Item> c;
        if (!alpha) {
            c = (a, b) -> {
                if (a.score > b.score) {
                    return 1;
                } else if (a.score < b.score) {
                    return -1;
                }
                return binaryCompare(a.obj, b.obj);
            };
        } else if (bypattern) {
            c = (a, b) -> {
                if (a.cmp == null || b.cmp == null) {
                    if (a.cmp == b.cmp) {
                        return 0;
                    }
                    return a.cmp == null ? -1 : 1;
                }
                return store ? binaryCompare(a.cmp, b.cmp) : collate(a.cmp, b.cmp);
            };
        } else {
            c = (a, b) -> store ? binaryCompare(a.obj, b.obj) : collate(a.obj, b.obj);
        }
        return desc ? (a, b) -> -c.compare(a, b) : c;
    }

    /** compareStringObjects: memcmp over the shorter length, then the shorter string first. */
    static int binaryCompare(byte[] a, byte[] b) {
        int cmp = Arrays.compareUnsigned(a, b);
        return Integer.signum(cmp);
    }

    /** strcoll in the C locale: strcmp, which stops at the first NUL of either string. */
    static int collate(byte[] a, byte[] b) {
        int la = cLength(a);
        int lb = cLength(b);
        return Integer.signum(Arrays.compareUnsigned(a, 0, la, b, 0, lb));
    }

    /** The length of {@code b} as a C string (up to its first NUL). */
    private static int cLength(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * strtod over the whole value as sortCommandGeneric checks it: leading white space is skipped, the rest must be
     * consumed (up to a NUL, where C strings end), NaN and out-of-range values are refused. An empty string is 0.
     */
    static Double strtod(byte[] b) {
        int n = cLength(b);
        int i = 0;
        while (i < n && isCSpace(b[i])) {
            i++;
        }
        if (n == 0) {
            return 0.0;
        }
        if (i == n) {
            return null;
        }
        byte[] rest = i == 0 && n == b.length ? b : Arrays.copyOfRange(b, i, n);
        return Doubles.parseStrict(rest);
    }

    private static boolean isCSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /**
     * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the element, and a "->"
     * after it (followed by at least one byte) names a hash field. Returns null for a missing key, field or a wrong
     * type, and for a pattern without '*'.
     */
    static byte[] lookupByPattern(Database db, byte[] pattern, byte[] subst) {
        if (pattern.length >= 1 && pattern[0] == '#' && cLength(pattern) == 1) {
            return subst;
        }
        int clen = cLength(pattern);
        int p = indexOf(pattern, (byte) '*', 0, clen);
        if (p < 0) {
            return null;
        }
        int f = -1;
        for (int i = p + 1; i + 1 < clen; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                f = i;
                break;
            }
        }
        int fieldlen = 0;
        byte[] field = null;
        if (f >= 0 && f + 2 < clen) {
            fieldlen = pattern.length - f - 2;
            field = Arrays.copyOfRange(pattern, f + 2, pattern.length);
        }
        int prefixlen = p;
        int postfixlen = pattern.length - (prefixlen + 1) - (fieldlen > 0 ? fieldlen + 2 : 0);
        byte[] key = new byte[prefixlen + subst.length + postfixlen];
        System.arraycopy(pattern, 0, key, 0, prefixlen);
        System.arraycopy(subst, 0, key, prefixlen, subst.length);
        System.arraycopy(pattern, p + 1, key, prefixlen + subst.length, postfixlen);
        KeyEntry e = db.lookup(key);
        if (e == null) {
            return null;
        }
        if (field != null) {
            if (e.type() != ValueType.HASH) {
                return null;
            }
            return ((HashValue) e.value()).get(field);
        }
        return e.type() == ValueType.STRING ? (byte[]) e.value() : null;
    }
}
