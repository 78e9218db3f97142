package dev.chorus.node.persistence;

import dev.chorus.node.store.HashValue;
import dev.chorus.node.store.ListValue;
import dev.chorus.node.store.SetValue;
import dev.chorus.node.store.SkipList;
import dev.chorus.node.store.ZSetValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@link RdbValueCodec} for the store's own value types. Values are built element by element through the same
 * methods commands use, so each ends up with the encoding Redis 7.0 gives it when loading (intset or hashtable,
 * listpack or hashtable, by the configured limits), and a hash keeps the file's field order, which is the reply order
 * of a listpack hash.
 */
public final class StoreValueCodec implements RdbValueCodec {
    public static final StoreValueCodec INSTANCE = new StoreValueCodec();

    @Override
    public Object newList(List<byte[]> elements) {
        ListValue list = new ListValue();
        for (byte[] e : elements) {
            list.addLast(e);
        }
        return list;
    }

    @Override
    public Object newSet(List<byte[]> members) {
        SetValue set = new SetValue();
        for (byte[] m : members) {
            if (!set.add(m)) {
                return null;
            }
        }
        return set;
    }

    @Override
    public Object newHash(List<byte[]> fieldsAndValues) {
        HashValue hash = new HashValue();
        for (int i = 0; i < fieldsAndValues.size(); i += 2) {
            if (!hash.put(fieldsAndValues.get(i), fieldsAndValues.get(i + 1))) {
                return null;
            }
        }
        return hash;
    }

    /** Built as a skiplist and compacted to a listpack when small, as rdbLoadObject converts after loading. */
    @Override
    public Object newZSet(List<byte[]> members, double[] scores) {
        ZSetValue zset = ZSetValue.forBulkBuild();
        for (int i = 0; i < members.size(); i++) {
            byte[] m = members.get(i);
            if (zset.contains(m)) {
                return null;
            }
            zset.insert(m, scores[i]);
        }
        zset.compactIfSmall();
        return zset;
    }

    @Override
    public void forEachListElement(Object list, ElementVisitor visitor) throws IOException {
        ListValue l = (ListValue) list;
        for (int i = 0, n = l.size(); i < n; i++) {
            visitor.element(l.get(i));
        }
    }

    @Override
    public void forEachSetMember(Object set, ElementVisitor visitor) throws IOException {
        try {
            ((SetValue) set).forEach(m -> {
                try {
                    visitor.element(m);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void forEachHashEntry(Object hash, PairVisitor visitor) throws IOException {
        try {
            ((HashValue) hash).forEach(f -> {
                try {
                    visitor.pair(f.field(), f.value());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void forEachZSetEntry(Object zset, ScoredVisitor visitor) throws IOException {
        for (SkipList.Node n = ((ZSetValue) zset).first(); n != null; n = n.next()) {
            visitor.entry(n.member(), n.score());
        }
    }
}
