package dev.chorus.node.resp;

/** sds.c's sdscatrepr: quoted, with \\ \" \n \r \t \a \b escaped and other non-printable bytes as \xHH. */
public final class Repr {
    private Repr() {
    }

    public static String of(byte[] b) {
        return of(b, 0, b.length);
    }

    /** The bytes {@code from} (inclusive) to {@code to} (exclusive). */
    public static String of(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
