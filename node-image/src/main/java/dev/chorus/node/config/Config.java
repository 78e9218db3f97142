package dev.chorus.node.config;

import dev.chorus.node.resp.Repr;
import dev.chorus.node.resp.RespRequestParser;
import dev.chorus.node.store.GlobMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
    /** Directives Redis 7.0 still accepts with one value and ignores ("deprecated_configs" in config.c). */
    private static final java.util.Set<String> DEPRECATED_IGNORED = java.util.Set.of("list-max-ziplist-entries",
            "list-max-ziplist-value", "lua-replicate-commands");
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
            if (!d.has(Directive.MULTI_ARG)) {
                return d.parse(List.of(d.defaultText()));
            }
            List<String> words = RespRequestParser.splitArgs(d.defaultText().getBytes(StandardCharsets.UTF_8)).stream()
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            return d.parse(words.isEmpty() ? List.of("") : words);
        } catch (ConfigException e) {
            throw new IllegalStateException("bad default for " + d.name(), e);
        }
    }

    /** Loads {@code file} (may be null) and then the command-line directives, like redis-server's loadServerConfig. */
    public static Config load(Path file, List<String> args) throws ConfigFileException, IOException {
        return load(file, null, args);
    }

    /** As {@link #load(Path, List)}, with configuration read from stdin ("redis-server -") after the file. */
    public static Config load(Path file, String stdinText, List<String> args) throws ConfigFileException,
            IOException {
        Config config = new Config();
        config.file = file == null ? null : file.toAbsolutePath();
        Loader loader = new Loader(config);
        if (file != null) {
            loader.loadFile(file.toAbsolutePath(), 0);
        }
        if (stdinText != null) {
            loader.loadText(stdinText, "(stdin)", null, 0);
        }
        String argText = argumentsAsConfig(args);
        if (!argText.isEmpty()) {
            loader.loadText(argText, "(command line)", file == null ? null : file.toAbsolutePath().getParent(), 0);
        }
        String logfile = config.getString(Directives.LOGFILE);
        if (!logfile.isEmpty()) {
            // As Redis: test that the log file can be opened now, since the server cannot abort for it later.
            try (java.io.FileOutputStream probe = new java.io.FileOutputStream(logfile, true)) {
                probe.getFD();
            } catch (IOException e) {
                String why = e.getMessage() != null && e.getMessage().contains("(") ? e.getMessage()
                        .substring(e.getMessage().lastIndexOf('(') + 1, e.getMessage().length() - 1) : e.getMessage();
                throw new ConfigFileException(file == null ? "(command line)" : file.toAbsolutePath().toString(),
                        ConfigFileException.AFTER_LAST_LINE, "", "Can't open the log file: " + why);
            }
        }
        return config;
    }

    /**
     * redis-server turns "--port 7000 --save 60 1" into config lines "port "7000"" and "save "60" "1"" (values quoted
     * as sdscatrepr does). As in Redis 7.0, an option name without a value takes the next argument as its value even
     * when it starts with "--", except that a valueless --save means save "".
     */
    static String argumentsAsConfig(List<String> args) {
        StringBuilder sb = new StringBuilder();
        boolean lastOptionHasValue = true;
        for (int j = 0; j < args.size(); j++) {
            String a = args.get(j);
            if (lastOptionHasValue && a.startsWith("--")) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(a, 2, a.length()).append(' ');
                List<byte[]> words = RespRequestParser.splitArgs(a.getBytes(StandardCharsets.UTF_8));
                if (words != null && words.size() == 1) {
                    // Only the name: the value follows, unless this is a --save with nothing after it.
                    lastOptionHasValue = false;
                    boolean last = j == args.size() - 1;
                    if (a.equalsIgnoreCase("--save") && (last || args.get(j + 1).startsWith("--"))) {
                        sb.append("\"\"");
                        lastOptionHasValue = !last;
                    }
                } else {
                    lastOptionHasValue = true; // "--port 6380" as one argument
                }
            } else {
                sb.append(quote(a)).append(' ');
                lastOptionHasValue = true;
            }
        }
        return sb.toString();
    }

    /** Redis' sdscatrepr over the UTF-8 bytes: quoted, with C escapes and \\xHH for unprintable bytes. */
    static String quote(String s) {
        return Repr.of(s.getBytes(StandardCharsets.UTF_8));
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
                        + path + "': " + strerror(e));
            }
            loadText(text, path.toString(), path.getParent(), depth);
        }

        /** A multi-argument directive given one argument: Redis splits it again (sdssplitargs). */
        private static List<String> resplit(String arg) {
            List<byte[]> words = RespRequestParser.splitArgs(arg.getBytes(StandardCharsets.UTF_8));
            List<String> out = new ArrayList<>();
            if (words != null) {
                for (byte[] w : words) {
                    out.add(new String(w, StandardCharsets.UTF_8));
                }
            }
            return out;
        }

        /** glob(3) over one directory: the names matching the pattern, sorted (C collation). */
        private static List<Path> globMatches(Path dir, String pattern) throws IOException {
            Path base = dir == null ? Path.of("") : dir;
            if (!Files.isDirectory(base)) {
                return List.of();
            }
            java.nio.file.PathMatcher matcher = base.getFileSystem().getPathMatcher("glob:" + pattern);
            try (java.util.stream.Stream<Path> s = Files.list(base)) {
                return s.filter(p -> matcher.matches(p.getFileName()) && !p.getFileName().toString().startsWith("."))
                        .sorted(java.util.Comparator.comparing(p -> p.getFileName().toString()))
                        .toList();
            }
        }

        /** The strerror() text Redis prints for the usual reasons a file cannot be read. */
        private static String strerror(IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "No such file or directory";
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "Permission denied";
            }
            return e.getMessage();
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
                    String incName = inc.getFileName() == null ? "" : inc.getFileName().toString();
                    if (incName.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
                        // Redis 7.0: a wildcard include loads every match in glob order, and none is no error
                        // (an empty conf.d); the wildcard may be in the file name.
                        for (Path match : globMatches(inc.getParent(), incName)) {
                            loadFile(match, depth + 1);
                        }
                        continue;
                    }
                    loadFile(inc, depth + 1);
                    continue;
                }
                Directive d = Directives.byName(name);
                if (d == null && args.size() == 1 && DEPRECATED_IGNORED.contains(name.toLowerCase(Locale.ROOT))) {
                    continue; // Redis 7.0 still reads these and ignores them (loadServerConfigFromString)
                }
                if (d == null) {
                    throw new ConfigFileException(source, i + 1, line, "Bad directive or wrong number of arguments"
                            + " (the node does not support '" + name + "')");
                }
                if (d.has(Directive.MULTI_ARG) && args.size() == 1 && !args.get(0).isEmpty()) {
                    args = resplit(args.get(0)); // save "900 1" / --save "900 1": one argument holding several
                }
                try {
                    if (d == Directives.SAVE) {
                        loadSave(args);
                    } else {
                        config.values[d.index()] = merged(d.parse(args), config.values[d.index()]);
                    }
                    config.explicitlySet[d.index()] = true;
                } catch (ConfigException e) {
                    throw new ConfigFileException(source, i + 1, line, e.getMessage());
                }
            }
        }

        /** The first save line replaces the defaults, later ones add points, and save "" clears them, as in Redis. */
        @SuppressWarnings("unchecked")
        private void loadSave(List<String> args) throws ConfigException {
            List<SavePoint> parsed = (List<SavePoint>) Directives.SAVE.parse(args);
            boolean reset = !saveSeen || (args.size() == 1 && args.get(0).isEmpty());
            List<SavePoint> current = reset ? new ArrayList<>()
                    : new ArrayList<>((List<SavePoint>) config.values[Directives.SAVE.index()]);
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
        // Like Redis' CONFIG SET: the value is taken as is, except that multi-argument directives are split at
        // every single space (sdssplitlen, no quoting).
        setParsed(d, parseForSet(d, rawValue));
    }

    /**
     * Parses a CONFIG SET value without setting it: the value is taken as is, except that multi-argument
     * directives are split at every single space (Redis' performInterfaceSet: sdssplitlen, no quoting).
     */
    public static Object parseForSet(Directive d, String rawValue) throws ConfigException {
        List<String> args;
        if (d.has(Directive.MULTI_ARG)) {
            args = rawValue.isEmpty() ? List.of() : List.of(rawValue.split(" ", -1));
        } else {
            args = List.of(rawValue);
        }
        return d.parse(args);
    }

    /** Sets an already-parsed value. */
    public void setParsed(Directive d, Object value) {
        value = merged(value, values[d.index()]);
        values[d.index()] = value;
        explicitlySet[d.index()] = true;
        for (BiConsumer<Directive, Object> l : listeners) {
            l.accept(d, value);
        }
    }

    /** Applies a new value to running machinery (CONFIG SET); may refuse it, and the old value is then kept. */
    public interface Applier {
        /** Returns null when applied, or the reason it could not be. */
        String apply(Object value);
    }

    private final Map<Directive, Applier> appliers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Registers how CONFIG SET applies a directive (Redis' apply functions: port, bind...). */
    public void onApply(Directive d, Applier applier) {
        appliers.put(d, applier);
    }

    /** Runs the directive's applier, if any: null when applied (or nothing to do), else why not. */
    public String apply(Directive d, Object value) {
        Applier a = appliers.get(d);
        return a == null ? null : a.apply(value);
    }

    private static Object merged(Object value, Object current) {
        return value instanceof Directive.Merged m ? m.over(current) : value;
    }

    public void onChange(BiConsumer<Directive, Object> listener) {
        listeners.add(listener);
    }

    /** CONFIG GET: name/value pairs of directives whose name (or alias) matches the glob pattern. */
    public Map<String, String> matching(String pattern) {
        return matching(List.of(pattern));
    }

    /**
     * CONFIG GET with several patterns, as Redis 7.0's configGetCommand: a pattern without glob characters is looked up
     * by name (case-insensitively, answered under the name as given); a glob matches every name and alias that is
     * not hidden (case-insensitively, answered under the registered name). A name is answered once.
     */
    public Map<String, String> matching(List<String> patterns) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pattern : patterns) {
            if (pattern.chars().noneMatch(c -> c == '[' || c == '*' || c == '?')) {
                Directive d = Directives.byName(pattern);
                if (d != null && !out.containsKey(pattern)) {
                    out.put(pattern, format(d));
                }
                continue;
            }
            for (Directive d : Directives.all()) {
                if (d.has(Directive.HIDDEN)) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                names.add(d.name());
                names.addAll(d.aliases());
                for (String n : names) {
                    if (!out.containsKey(n) && GlobMatcher.matchesIgnoreCase(pattern, n)) {
                        out.put(n, format(d));
                    }
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
        rewrite(false);
    }

    /**
     * {@code forceAll} (DEBUG CONFIG-REWRITE-FORCE-ALL, Redis' rewriteConfig(path, 1)): every directive is written,
     * defaults included.
     */
    public void rewrite(boolean forceAll) throws IOException {
        if (file == null) {
            throw new IOException("The server is running without a config file");
        }
        List<String> old = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        List<String> out = new ArrayList<>();
        boolean[] written = new boolean[values.length];
        String marker = "# Generated by CONFIG REWRITE";
        boolean markerPresent = false;
        for (String line : old) {
            String stripped = line.strip();
            if (stripped.equals(marker)) {
                markerPresent = true; // kept where it is, like any comment (Redis does the same)
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
        boolean markerAdded = markerPresent;
        for (Directive d : Directives.all()) {
            if (written[d.index()] || (!forceAll && !explicitlySet[d.index()])) {
                continue;
            }
            String rendered = renderLine(d);
            if (rendered == null || (!forceAll
                    && d.format(values[d.index()] == null ? "" : values[d.index()]).equals(d.defaultText()))) {
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

    /** Redis' rewriteConfigFormatMemory: gb, mb or kb when the value is a whole number of them. */
    static String memoryText(long bytes) {
        long gb = 1024L * 1024 * 1024;
        long mb = 1024L * 1024;
        if (bytes % gb == 0) {
            return bytes / gb + "gb";
        } else if (bytes % mb == 0) {
            return bytes / mb + "mb";
        } else if (bytes % 1024 == 0) {
            return bytes / 1024 + "kb";
        }
        return Long.toString(bytes);
    }

    private String renderLine(Directive d) {
        Object v = values[d.index()];
        if (d == Directives.REPLICAOF) {
            return v == null ? null : "replicaof " + v;
        }
        if (d == Directives.CLIENT_OUTPUT_BUFFER_LIMIT) {
            return OutputBufferLimits.rewriteLines(d.name(), v);
        }
        String text = d.format(v);
        if (d.has(Directive.MULTI_ARG)) { // save, bind, oom-score-adj-values, shutdown-on-*: words as they are
            return text.isEmpty() ? d.name() + " \"\"" : d.name() + " " + text;
        }
        if (d.has(Directive.MEMORY) && v instanceof Long bytes && bytes > 0) {
            text = memoryText(bytes); // rewriteConfigFormatMemory
        }
        boolean needsQuotes = d.has(Directive.STRING) || text.isEmpty()
                || text.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\'');
        return d.name() + " " + (needsQuotes ? quote(text) : text);
    }
}
