package dev.chorus.node.config;

/** The `replicaof <host> <port>` directive's value. */
public record ReplicaOf(String host, int port) {
    @Override
    public String toString() {
        return host + " " + port;
    }
}
