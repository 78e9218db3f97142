package dev.chorus.operator.nodeclient;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The passwords the operator may use towards the nodes of one ReplicaSet: {@code password}, the one in the user's
 * Secret, and while a rotation is in flight the {@code previous} ones the nodes may still have: the one they were
 * configured with and any a rotation was heading to before the Secret changed again (all read back from our rendered
 * auth Secret). A connection tries the new one first, then the previous ones in order.
 *
 * @param password null or empty: the nodes require none
 * @param previous distinct, never containing {@code password}
 */
public record Credentials(String password, List<String> previous) {
    public Credentials {
        List<String> p = new ArrayList<>();
        for (String s : previous) {
            if (s != null && !s.equals(password) && !p.contains(s)) {
                p.add(s);
            }
        }
        previous = List.copyOf(p);
    }

    public static Credentials of(String password) {
        return new Credentials(password, List.of());
    }

    /** A rotation to {@link #password} is asked for (the nodes may have one of {@link #previous}). */
    public boolean rotating() {
        return !previous.isEmpty() && password != null && !password.isEmpty();
    }

    /** The passwords to try, in order (a single null when none is required). */
    List<String> candidates() {
        List<String> out = new ArrayList<>();
        out.add(password == null || password.isEmpty() ? null : password);
        if (rotating()) {
            out.addAll(previous);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && Objects.equals(password, c.password) && previous.equals(c.previous);
    }

    @Override
    public int hashCode() {
        return Objects.hash(password, previous);
    }

    /** Never the passwords themselves (this record reaches logs through exceptions and toString). */
    @Override
    public String toString() {
        return rotating() ? "Credentials[rotating, " + previous.size() + " previous]" : "Credentials[single]";
    }
}
