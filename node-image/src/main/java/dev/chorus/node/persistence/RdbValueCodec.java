package dev.chorus.node.persistence;

import java.io.IOException;
import java.util.List;

/**
 * The bridge between RDB contents and the store's collection types, so the RDB code depends on neither their
 * classes nor their encodings. Loading calls the {@code new*} factories with every element decoded to bytes
 * (integers from intsets/listpacks as their decimal strings); saving walks a value through the visitor methods.
 * Strings are plain {@code byte[]} and never pass through here.
 */
public interface RdbValueCodec {
    /** A list with these elements, head first. Never called with an empty list. */
    Object newList(List<byte[]> elements);

    /** A set with these members, or null when a member repeats (the RDB is then corrupt). */
    Object newSet(List<byte[]> members);

    /** A hash from field, value, field, value..., or null when a field repeats. */
    Object newHash(List<byte[]> fieldsAndValues);

    /** A sorted set; {@code scores[i]} belongs to {@code members.get(i)}. Null when a member repeats. */
    Object newZSet(List<byte[]> members, double[] scores);

    /** Elements head to tail. */
    void forEachListElement(Object list, ElementVisitor visitor) throws IOException;

    void forEachSetMember(Object set, ElementVisitor visitor) throws IOException;

    void forEachHashEntry(Object hash, PairVisitor visitor) throws IOException;

    void forEachZSetEntry(Object zset, ScoredVisitor visitor) throws IOException;

    @FunctionalInterface
    interface ElementVisitor {
        void element(byte[] element) throws IOException;
    }

    @FunctionalInterface
    interface PairVisitor {
        void pair(byte[] field, byte[] value) throws IOException;
    }

    @FunctionalInterface
    interface ScoredVisitor {
        void entry(byte[] member, double score) throws IOException;
    }
}
