package dev.chorus.operator.topology;

/** The replication role a node reports through ROLE, or why none could be read. */
public enum Role {
    MASTER, REPLICA, UNREACHABLE
}
