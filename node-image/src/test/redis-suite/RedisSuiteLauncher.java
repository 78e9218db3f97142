package dev.chorus.node.config;

import dev.chorus.node.ChorusNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Redis test harness starts as {@code src/redis-server} when it runs against the node (see README.md here).
 * Not part of the product: compiled by {@code run} against chorus-node.jar, in the config package so that it can use
 * the node's own config loader to find the lines the node would refuse.
 *
 * <p>Workarounds (environment {@code CHORUS_SUITE_WORKAROUNDS}, comma separated; each one applied is logged to the
 * server's stdout and appended to {@code CHORUS_SUITE_NOTES}, so the report can list them):
 * <ul>
 *   <li>{@code config}: a config-file line (or {@code --option}) the node refuses at start-up because it does not
 *       support the directive (or that value of it, as appendonly yes) is commented out of the
 *       harness' config file in place (so CONFIG REWRITE and restart_server keep working) and start-up is retried;</li>
 *   <li>{@code pid}: prints {@code " PID: <pid>"}, which the harness waits for (Redis prints it in its ASCII logo when
 *       always-show-logo is yes), before the node starts, unless the node prints the logo itself.</li>
 * </ul>
 * Without workarounds it just runs the node with the arguments it was given.
 */
public final class RedisSuiteLauncher {
    private RedisSuiteLauncher() {
    }

    public static void main(String[] argv) throws Exception {
        String workarounds = System.getenv().getOrDefault("CHORUS_SUITE_WORKAROUNDS", "");
        List<String> args = new ArrayList<>(List.of(argv));
        boolean informational = !args.isEmpty() && (args.get(0).equals("-v") || args.get(0).equals("--version")
                || args.get(0).equals("-h") || args.get(0).equals("--help") || args.get(0).equals("--test-memory"));
        if (!informational && workarounds.contains("config")) {
            args = filterConfig(args);
        }
        if (!informational && workarounds.contains("pid") && !printsLogo()) {
            note("pid", "harness needs ' PID: <pid>' in the log; printed by the runner");
            System.out.println("chorus-suite-runner: PID: " + ProcessHandle.current().pid());
            System.out.flush();
        }
        ChorusNode.main(args.toArray(new String[0]));
    }

    /** Whether this node prints Redis' start-up logo itself (ChorusNode.asciiArt, with " PID: "). */
    private static boolean printsLogo() {
        try {
            ChorusNode.class.getDeclaredMethod("asciiArt", Config.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static List<String> filterConfig(List<String> args) throws IOException {
        Path file = !args.isEmpty() && !args.get(0).startsWith("--") ? Path.of(args.get(0)) : null;
        if (file == null) {
            return args; // not a server the harness starts (those get a config file): a test of argument errors
        }
        for (int attempt = 0; attempt < 500; attempt++) {
            List<String> rest = file == null ? args : args.subList(1, args.size());
            try {
                Config.load(file, rest);
                return args;
            } catch (ConfigFileException e) {
                if (e.line() <= 0 || !e.reason().contains("not support")) {
                    return args; // unreadable file, or a value error Redis would refuse too: the node reports it
                }
                if (e.source().equals("(command line)")) {
                    List<String> kept = new ArrayList<>();
                    if (file != null) {
                        kept.add(args.get(0));
                    }
                    List<List<String>> options = options(rest);
                    List<String> dropped = options.get(Math.min(e.line(), options.size()) - 1);
                    for (List<String> o : options) {
                        if (o != dropped) {
                            kept.addAll(o);
                        }
                    }
                    note("config", "dropped argument '" + String.join(" ", dropped) + "': " + e.reason());
                    args = kept;
                } else {
                    Path source = Path.of(e.source());
                    if (!Files.isRegularFile(source)) {
                        return args;
                    }
                    List<String> lines = new ArrayList<>(Files.readAllLines(source, StandardCharsets.UTF_8));
                    String text = lines.get(e.line() - 1);
                    lines.set(e.line() - 1, "# chorus-suite-runner removed: " + text);
                    Files.write(source, lines, StandardCharsets.UTF_8);
                    note("config", "commented out '" + text + "': " + e.reason());
                }
            }
        }
        return args;
    }

    /** Groups the arguments into options the way Config.argumentsAsConfig makes one config line of each. */
    private static List<List<String>> options(List<String> args) {
        List<List<String>> options = new ArrayList<>();
        List<String> current = null;
        boolean lastOptionHasValue = true;
        for (int j = 0; j < args.size(); j++) {
            String a = args.get(j);
            if (lastOptionHasValue && a.startsWith("--")) {
                current = new ArrayList<>();
                options.add(current);
                current.add(a);
                lastOptionHasValue = a.contains(" ");
                if (!lastOptionHasValue && a.equalsIgnoreCase("--save")
                        && (j == args.size() - 1 || args.get(j + 1).startsWith("--"))) {
                    lastOptionHasValue = true;
                }
            } else {
                if (current == null) {
                    current = new ArrayList<>();
                    options.add(current);
                }
                current.add(a);
                lastOptionHasValue = true;
            }
        }
        return options;
    }

    private static void note(String kind, String text) {
        System.out.println("chorus-suite-runner: workaround " + kind + ": " + text);
        String notes = System.getenv("CHORUS_SUITE_NOTES");
        if (notes != null && !notes.isEmpty()) {
            try {
                Files.writeString(Path.of(notes), kind + "\t" + text + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // the note is also in the server log
            }
        }
    }
}
