package dev.chorus.node.persistence;

import java.io.IOException;

/** The RDB data is not something a Redis 7.0 loader would accept: corrupt, truncated, or of an unsupported kind. */
public class RdbFormatException extends IOException {
    public RdbFormatException(String message) {
        super(message);
    }
}
