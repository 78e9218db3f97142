package dev.chorus.operator.nodeclient;

/** A node to observe: its pod (name, ordinal, IP: null while it has none, readiness) and the RESP port. */
public record NodeTarget(String pod, int ordinal, String ip, int port, boolean podReady) {
}
