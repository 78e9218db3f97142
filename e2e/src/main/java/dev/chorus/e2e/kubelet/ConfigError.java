package dev.chorus.e2e.kubelet;

/** A container can't be configured yet (missing ConfigMap/Secret/key/claim): kubelet retries, the pod waits. */
final class ConfigError extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigError(String message) {
        super(message);
    }
}
