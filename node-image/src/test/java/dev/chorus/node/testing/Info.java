package dev.chorus.node.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses INFO replies into fields, for tests that wait on replication state. */
public final class Info {
    private Info() {
    }

    public static Map<String, String> of(RawConnection c, String section) {
        byte[] frame = c.call("INFO", section);
        String text = new String(frame, StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#") && !line.startsWith("$")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    public static String field(ServerProcess server, String section, String name) {
        try (RawConnection c = server.connect()) {
            return of(c, section).get(name);
        }
    }

    public static long number(ServerProcess server, String section, String name) {
        String v = field(server, section, name);
        return v == null ? -1 : Long.parseLong(v);
    }
}
