package dev.chorus.node.config;

import dev.chorus.node.resp.RespRequestParser;
import dev.chorus.node.store.GlobMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The node's configuration: values for every {@link Directives directive}, loaded the way redis-server loads them —
 * the config file (with includes), then command-line {@code --name value} arguments appended as extra lines.
 */
public final class Config {
    private final Object[] values = new Object[Directives.all().size()];
    private final boolean[] explicitlySet = new boolean[values.length];
    private final List<BiConsumer<Directive, Object>> listeners = new CopyOnWriteArrayList<>();
    private Path file;

    public Config() {
        for (Directive d : Directives.all()) {
            values[d.index()] = defaultValue(d);
        }
    }

    private static Object defaultValue(Directive d) {
        if (d.defaultText() == null) {
            return null;
        }
        try {
            List<String> words = RespRequestParser.splitArgs(d.defaultText().getBytes(StandardCharsets.UTF_8)).stream()
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            return d.parse(words.isEmpty() ? List.of("") : words);
        } catch (ConfigException e) {
            throw new IllegalStateException("bad default for " + d.name(), e);
        }
    }

    /** Loads {@code file} (may be null) and then the command-line directives, like redis-server's loadServerConfig. */
    public static Config load(Path file, List<String> args) throws ConfigFileException, IOException {
        Config config = new Config();
        config.file = file == null ? null : file.toAbsolutePath();
        Loader loader = new Loader(config);
        if (file != null) {
            loader.loadFile(file.toAbsolutePath(), 0);
        }
        String argText = argumentsAsConfig(args);
        if (!argText.isEmpty()) {
            loader.loadText(argText, "(command line)", file == null ? null : file.toAbsolutePath().getParent(), 0);
        }
        return config;
    }

    /**
     * redis-server turns "--port 7000 --save 60 1" into config lines "port 7000" and "save 60 1". A lone "--save"
     * followed by "" gives an empty value. Arguments are quoted so that spaces survive.
     */
    static String argumentsAsConfig(List<String> args) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (String a : args) {
            if (a.startsWith("--") && a.length() > 2) {
                if (!first) {
                    sb.append('\n');
                }
                sb.append(a.substring(2));
                first = false;
            } else {
                sb.append(' ').append(quote(a));
            }
        }
        return sb.toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** Parses and loads config files, following includes. */
    private static final class Loader {
        private final Config config;
        private boolean saveSeen;

        Loader(Config config) {
            this.config = config;
        }

        void loadFile(Path path, int depth) throws ConfigFileException, IOException {
            String text;
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigFileException(path.toString(), 0, "", "Fatal error, can't open config file '"
                        + path + "': " + e.getMessage());
            }
            loadText(text, path.toString(), path.getParent(), depth);
        }

        void loadText(String text, String source, Path baseDir, int depth) throws ConfigFileException, IOException {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                List<byte[]> words = RespRequestParser.splitArgs(line.getBytes(StandardCharsets.UTF_8));
                if (words == null) {
                    throw new ConfigFileException(source, i + 1, line, "Unbalanced quotes in configuration line");
                }
                if (words.isEmpty()) {
                    continue;
                }
                String name = new String(words.get(0), StandardCharsets.UTF_8);
                List<String> args = new ArrayList<>();
                for (int w = 1; w < words.size(); w++) {
                    args.add(new String(words.get(w), StandardCharsets.UTF_8));
                }
                if (name.equalsIgnoreCase("include")) {
                    if (args.size() != 1) {
                        throw new ConfigFileException(source, i + 1, line, "Bad directive or wrong number of arguments");
                    }
                    if (depth > 10) {
                        throw new ConfigFileException(source, i + 1, line, "Too many nested includes");
                    }
                    Path inc = Path.of(args.get(0));
                    if (!inc.isAbsolute() && baseDir != null) {
                        inc = baseDir.resolve(inc);
                    }
                    loadFile(inc, depth + 1);
                    continue;
                }
                Directive d = Directives.byName(name);
                if (d == null) {
                    throw new ConfigFileException(source, i + 1, line, "Bad directive or wrong number of arguments"
                            + " (the node does not support '" + name + "')");
                }
                try {
                    if (d == Directives.SAVE) {
                        loadSave(args);
                    } else {
                        config.values[d.index()] = d.parse(args);
                    }
                    config.explicitlySet[d.index()] = true;
                } catch (ConfigException e) {
                    throw new ConfigFileException(source, i + 1, line, e.getMessage());
                }
            }
        }

        /** The first save line replaces the defaults; later ones add points, as in Redis. */
        @SuppressWarnings("unchecked")
        private void loadSave(List<String> args) throws ConfigException {
            List<SavePoint> parsed = (List<SavePoint>) Directives.SAVE.parse(args);
            List<SavePoint> current = saveSeen ? new ArrayList<>((List<SavePoint>) config.values[Directives.SAVE.index()])
                    : new ArrayList<>();
            if (parsed.isEmpty()) {
                current.clear();
            }
            current.addAll(parsed);
            config.values[Directives.SAVE.index()] = List.copyOf(current);
            saveSeen = true;
        }
    }

    // ---- typed access ----

    public Object get(Directive d) {
        return values[d.index()];
    }

    public long getLong(Directive d) {
        return (Long) values[d.index()];
    }

    public int getInt(Directive d) {
        return (int) getLong(d);
    }

    public boolean getBool(Directive d) {
        return (Boolean) values[d.index()];
    }

    public String getString(Directive d) {
        return (String) values[d.index()];
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(Directive d) {
        return (List<String>) values[d.index()];
    }

    @SuppressWarnings("unchecked")
    public List<SavePoint> savePoints() {
        return (List<SavePoint>) values[Directives.SAVE.index()];
    }

    public ReplicaOf replicaOf() {
        return (ReplicaOf) values[Directives.REPLICAOF.index()];
    }

    /** The config file this node was started with, or null. */
    public Path file() {
        return file;
    }

    public String format(Directive d) {
        Object v = values[d.index()];
        return v == null ? "" : d.format(v);
    }

    // ---- run-time changes ----

    /** Parses and sets a value (CONFIG SET and the server itself), notifying listeners. */
    public void set(Directive d, String rawValue) throws ConfigException {
        List<byte[]> words = RespRequestParser.splitArgs(rawValue.getBytes(StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>();
        if (words == null) {
            throw new ConfigException("Unbalanced quotes");
        }
        for (byte[] w : words) {
            args.add(new String(w, StandardCharsets.UTF_8));
        }
        if (args.isEmpty()) {
            args.add("");
        }
        setParsed(d, d.parse(args));
    }

    /** Sets an already-parsed value. */
    public void setParsed(Directive d, Object value) {
        values[d.index()] = value;
        explicitlySet[d.index()] = true;
        for (BiConsumer<Directive, Object> l : listeners) {
            l.accept(d, value);
        }
    }

    public void onChange(BiConsumer<Directive, Object> listener) {
        listeners.add(listener);
    }

    /** CONFIG GET: name/value pairs of directives whose name (or alias) matches the glob pattern. */
    public Map<String, String> matching(String pattern) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Directive d : Directives.all()) {
            if (GlobMatcher.matchesIgnoreCase(pattern, d.name())) {
                out.put(d.name(), format(d));
            }
            for (String alias : d.aliases()) {
                if (GlobMatcher.matchesIgnoreCase(pattern, alias) && !pattern.equalsIgnoreCase(d.name())) {
                    out.put(alias, format(d));
                }
            }
        }
        return out;
    }

    // ---- CONFIG REWRITE ----

    /**
     * Rewrites the config file in place as Redis does: directive lines are updated to the current values (the first
     * line of a directive keeps its place, later duplicates go), comments stay, and directives that were changed but
     * are absent from the file are appended under a marker comment.
     */
    public void rewrite() throws IOException {
        if (file == null) {
            throw new IOException("The server is running without a config file");
        }
        List<String> old = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        List<String> out = new ArrayList<>();
        boolean[] written = new boolean[values.length];
        String marker = "# Generated by CONFIG REWRITE";
        for (String line : old) {
            String stripped = line.strip();
            if (stripped.equals(marker)) {
                continue;
            }
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                out.add(line);
                continue;
            }
            List<byte[]> words = RespRequestParser.splitArgs(stripped.getBytes(StandardCharsets.UTF_8));
            Directive d = words == null || words.isEmpty() ? null
                    : Directives.byName(new String(words.get(0), StandardCharsets.UTF_8));
            if (d == null) {
                out.add(line); // includes and anything we do not own stay as they are
                continue;
            }
            if (!written[d.index()]) {
                written[d.index()] = true;
                String rendered = renderLine(d);
                if (rendered != null) {
                    out.add(rendered);
                }
            }
        }
        boolean markerAdded = false;
        for (Directive d : Directives.all()) {
            if (written[d.index()] || !explicitlySet[d.index()]) {
                continue;
            }
            String rendered = renderLine(d);
            if (rendered == null || d.format(values[d.index()] == null ? "" : values[d.index()]).equals(d.defaultText())) {
                continue;
            }
            if (!markerAdded) {
                out.add(marker);
                markerAdded = true;
            }
            out.add(rendered);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-rewrite");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private String renderLine(Directive d) {
        Object v = values[d.index()];
        if (d == Directives.REPLICAOF) {
            return v == null ? null : "replicaof " + v;
        }
        String text = d.format(v);
        if (d == Directives.SAVE || d == Directives.BIND) {
            return text.isEmpty() ? d.name() + " \"\"" : d.name() + " " + text;
        }
        boolean needsQuotes = text.isEmpty() || text.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\'');
        return d.name() + " " + (needsQuotes ? quote(text) : text);
    }
}
