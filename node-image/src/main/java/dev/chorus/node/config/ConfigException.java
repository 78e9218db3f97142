package dev.chorus.node.config;

/** A directive's value is invalid. The message is the reason Redis prints (e.g. "argument must be 'yes' or 'no'"). */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
