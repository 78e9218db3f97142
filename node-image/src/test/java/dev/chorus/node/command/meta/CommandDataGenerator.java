package dev.chorus.node.command.meta;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Captures real Redis' own command metadata (COMMAND INFO and COMMAND DOCS over RESP3) as the JSON file the node
 * loads at start-up ({@code src/main/resources/commands/redis-7.0.15-commands.json}).
 *
 * <p>JSON keeps numbers, strings, lists and objects but not RESP3's set/simple-string distinctions; the node's
 * renderer restores them from field names (flags, doc_flags, history). {@link #dump} checks that Redis' reply uses
 * exactly those shapes, so a reply the renderer could not reproduce fails here instead of shipping.
 *
 * <p>Uses the JDK only, so {@code generate.sh} can run it as a single source file: it starts redis-server on a free
 * loopback port, dumps, and stops that process.
 */
public final class CommandDataGenerator {
    public static final String REDIS_VERSION = "7.0.15";

    private static final Set<String> SET_OF_SIMPLE_FIELDS = Set.of("flags", "doc_flags");

    private CommandDataGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CommandDataGenerator <output.json> [redis-server binary]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String binary = args.length > 1 ? args[1] : "redis-server";
        String version = new String(new ProcessBuilder(binary, "--version").redirectErrorStream(true).start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!version.contains("v=" + REDIS_VERSION + " ")) {
            throw new IllegalStateException("need redis-server " + REDIS_VERSION + ", found: " + version.strip());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("chorus-commands-");
        Process redis = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", "redis.log")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        try {
            awaitReady(port);
            Files.writeString(out, dump("127.0.0.1", port), StandardCharsets.UTF_8);
            System.out.println("wrote " + out + " from redis-server " + REDIS_VERSION + " (pid " + redis.pid() + ")");
        } finally {
            redis.destroy(); // SIGTERM to the process started above, by its PID
            redis.waitFor();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void awaitReady(int port) {
        org.awaitility.Awaitility.await("redis-server accepting connections on port " + port)
                .atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(50))
                .ignoreExceptions().until(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        return true;
                    }
                });
    }

    /** The JSON document for the server at host:port (which must be redis-server {@value #REDIS_VERSION}). */
    public static String dump(String host, int port) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            Resp hello = call(in, out, "HELLO", "3");
            String version = hello.get("version").text();
            if (!REDIS_VERSION.equals(version)) {
                throw new IllegalStateException("need redis-server " + REDIS_VERSION + ", connected to " + version);
            }
            Resp info = call(in, out, "COMMAND", "INFO");
            Resp docs = call(in, out, "COMMAND", "DOCS");
            Map<String, Object> commands = new TreeMap<>();
            for (Resp command : info.items()) {
                Resp commandDocs = docs.get(command.items().get(0).text());
                commands.put(command.items().get(0).text(), command(command, commandDocs));
            }
            StringBuilder json = new StringBuilder();
            json.append("{\"redis_version\": ").append(quote(REDIS_VERSION)).append(",\n\"commands\": ");
            writeJson(json, commands, 0);
            return json.append("}\n").toString();
        }
    }

    /** One command: COMMAND INFO's ten fields by name, its docs, and its subcommands (keyed by full name). */
    private static Map<String, Object> command(Resp info, Resp docs) {
        List<Resp> f = info.items();
        expect(info, '*');
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("arity", integer(f.get(1)));
        out.put("flags", strings(f.get(2), '~', '+'));
        out.put("first_key", integer(f.get(3)));
        out.put("last_key", integer(f.get(4)));
        out.put("key_step", integer(f.get(5)));
        out.put("acl_categories", strings(f.get(6), '~', '+'));
        out.put("tips", strings(f.get(7), '~', '$'));
        expect(f.get(8), '~');
        List<Object> keySpecs = new ArrayList<>();
        for (Resp spec : f.get(8).items()) {
            keySpecs.add(tree(spec, "key_specs"));
        }
        out.put("key_specs", keySpecs);
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        Resp subDocs = null;
        expect(docs, '%');
        for (int i = 0; i < docs.items().size(); i += 2) {
            String key = docs.items().get(i).text();
            if (key.equals("subcommands")) {
                subDocs = docs.items().get(i + 1);
            } else {
                doc.put(key, tree(docs.items().get(i + 1), key));
            }
        }
        out.put("docs", doc);
        Resp subs = f.get(9);
        if (subs.type() == '*') {
            Map<String, Object> subcommands = new TreeMap<>();
            for (Resp sub : subs.items()) {
                String name = sub.items().get(0).text();
                subcommands.put(name, command(sub, subDocs.get(name)));
            }
            out.put("subcommands", subcommands);
        } else if (subs.type() != '~' || !subs.items().isEmpty()) {
            throw new IllegalStateException("subcommands: expected '*n' or '~0', got " + subs.type());
        }
        return out;
    }

    /**
     * A docs or key-spec value as JSON, checking it has the RESP3 shape the node's renderer will give it back: maps
     * with bulk keys, bulk strings, integers, arrays; sets only for flags/doc_flags (of simple strings) and history
     * (of arrays of bulk strings).
     */
    private static Object tree(Resp r, String field) {
        switch (r.type()) {
            case ':':
                return integer(r);
            case '$':
                return r.text();
            case '%': {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                for (int i = 0; i < r.items().size(); i += 2) {
                    Resp key = r.items().get(i);
                    expect(key, '$');
                    m.put(key.text(), tree(r.items().get(i + 1), key.text()));
                }
                return m;
            }
            case '~':
                if (SET_OF_SIMPLE_FIELDS.contains(field)) {
                    return strings(r, '~', '+');
                }
                if (field.equals("history")) {
                    List<Object> entries = new ArrayList<>();
                    for (Resp entry : r.items()) {
                        entries.add(strings(entry, '*', '$'));
                    }
                    return entries;
                }
                throw new IllegalStateException("a RESP3 set in field '" + field + "': the renderer has no rule for it");
            case '*': {
                if (SET_OF_SIMPLE_FIELDS.contains(field) || field.equals("history")) {
                    throw new IllegalStateException("field '" + field + "' is an array, the renderer makes a set");
                }
                List<Object> items = new ArrayList<>();
                for (Resp item : r.items()) {
                    items.add(tree(item, field));
                }
                return items;
            }
            default:
                throw new IllegalStateException("unexpected RESP type '" + r.type() + "' in field '" + field + "'");
        }
    }

    private static List<Object> strings(Resp r, char container, char element) {
        expect(r, container);
        List<Object> out = new ArrayList<>();
        for (Resp item : r.items()) {
            expect(item, element);
            out.add(item.text());
        }
        return out;
    }

    private static long integer(Resp r) {
        expect(r, ':');
        return Long.parseLong(r.text());
    }

    private static void expect(Resp r, char type) {
        if (r.type() != type) {
            throw new IllegalStateException("expected RESP type '" + type + "', got '" + r.type() + "'");
        }
    }

    // ---- JSON output: one command (and one subcommand) per line, so the committed file diffs well ----

    private static void writeJson(StringBuilder out, Object value, int depth) {
        if (value instanceof Map<?, ?> map) {
            boolean oneMemberPerLine = depth == 0 || map.keySet().stream().allMatch(k -> k.toString().contains("|"))
                    && !map.isEmpty();
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(oneMemberPerLine ? "," : ", ");
                }
                if (oneMemberPerLine) {
                    out.append('\n').append("  ".repeat(depth + 1));
                }
                first = false;
                out.append(quote(e.getKey().toString())).append(": ");
                writeJson(out, e.getValue(), oneMemberPerLine ? depth + 1 : depth);
            }
            if (oneMemberPerLine) {
                out.append('\n').append("  ".repeat(depth));
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                writeJson(out, list.get(i), depth);
            }
            out.append(']');
        } else if (value instanceof String s) {
            out.append(quote(s));
        } else {
            out.append(value);
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    // ---- a minimal RESP3 reader that keeps each value's type ----

    private static Resp call(InputStream in, OutputStream out, String... args) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            req.writeBytes(b);
            req.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(req.toByteArray());
        out.flush();
        Resp reply = Resp.read(in);
        if (reply.type() == '-') {
            throw new IllegalStateException(String.join(" ", args) + ": " + reply.text());
        }
        return reply;
    }

    /** A RESP3 value: its type byte, its text (simple/bulk strings, integers), its items (aggregates; maps flat). */
    record Resp(char type, String text, List<Resp> items) {
        Resp get(String key) {
            expect(this, '%');
            for (int i = 0; i < items.size(); i += 2) {
                if (key.equals(items.get(i).text())) {
                    return items.get(i + 1);
                }
            }
            throw new IllegalStateException("no '" + key + "' in map");
        }

        static Resp read(InputStream in) throws IOException {
            String line = readLine(in);
            char type = line.charAt(0);
            String rest = line.substring(1);
            switch (type) {
                case '+', '-', ':', ',', '#', '(' -> {
                    return new Resp(type, rest, List.of());
                }
                case '_' -> {
                    return new Resp(type, null, List.of());
                }
                case '$', '=' -> {
                    int n = Integer.parseInt(rest);
                    if (n < 0) {
                        return new Resp(type, null, List.of()); // RESP2 null
                    }
                    byte[] b = in.readNBytes(n + 2);
                    return new Resp(type, new String(b, 0, n, StandardCharsets.UTF_8), List.of());
                }
                case '*', '~', '>', '%' -> {
                    int n = Math.max(0, Integer.parseInt(rest)) * (type == '%' ? 2 : 1);
                    List<Resp> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(read(in));
                    }
                    return new Resp(type, null, items);
                }
                default -> throw new IOException("not a RESP3 reply: " + line);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new EOFException();
                }
                b.write(c);
            }
            byte[] bytes = b.toByteArray();
            return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
        }
    }
}
