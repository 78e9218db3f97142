package dev.chorus.node.config;

/** A `save <seconds> <changes>` point: snapshot when at least {@code changes} writes happened in {@code seconds}. */
public record SavePoint(long seconds, long changes) {
}
