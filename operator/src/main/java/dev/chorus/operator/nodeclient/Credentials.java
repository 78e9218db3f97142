package dev.chorus.operator.nodeclient;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The passwords the operator may use towards the nodes of one ReplicaSet: {@code password}, the one in the user's
 * Secret, and while a rotation is in flight {@code previous}, the one the nodes were configured with before (read back
 * from the rendered auth file). A connection tries the new one first, then the previous one.
 *
 * @param password null or empty: the nodes require none
 * @param previous null unless it differs from {@code password}
 */
public record Credentials(String password, String previous) {
    public Credentials {
        if (Objects.equals(password, previous)) {
            previous = null;
        }
    }

    public static Credentials of(String password) {
        return new Credentials(password, null);
    }

    /** A rotation from {@link #previous} to {@link #password} is asked for. */
    public boolean rotating() {
        return previous != null && password != null && !password.isEmpty();
    }

    /** The passwords to try, in order (a single null when none is required). */
    List<String> candidates() {
        List<String> out = new ArrayList<>();
        out.add(password == null || password.isEmpty() ? null : password);
        if (rotating()) {
            out.add(previous);
        }
        return out;
    }

    /** Never the passwords themselves (this record reaches logs through exceptions and toString). */
    @Override
    public String toString() {
        return rotating() ? "Credentials[rotating]" : "Credentials[single]";
    }
}
