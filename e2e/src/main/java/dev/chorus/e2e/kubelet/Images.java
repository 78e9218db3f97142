package dev.chorus.e2e.kubelet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Maps an image name to a local program, as a container runtime would map it to an image's ENTRYPOINT and CMD.
 * Kubernetes semantics: {@code command} replaces the entrypoint (and drops the default CMD), {@code args} replaces
 * the CMD.
 * <ul>
 *   <li>a name one of the bed's image tarballs carries ({@code chorus.images}: the OCI tarballs {@code mvn -Pimages}
 *       builds): that image, run as a container runtime would (its entrypoint/cmd, env, user and working dir, in its
 *       own root filesystem; see {@link OciImage} and the container runtime);</li>
 *   <li>other names containing {@code chorus-node}: ENTRYPOINT {@code java -XX:+UseSerialGC -jar <chorus-node.jar>}, no CMD,
 *       WORKDIR /data;</li>
 *   <li>names containing {@code chorus-operator} (manifests/operator.yaml's image, any registry and tag): the Quarkus
 *       operator as its JVM image runs it, ENTRYPOINT {@code java -XX:+UseSerialGC -jar <quarkus-app>/quarkus-run.jar},
 *       no CMD, WORKDIR /deployments. The app directory is what {@code mvn package} builds in
 *       operator/target/quarkus-app;</li>
 *   <li>{@code redis:*} and {@code valkey/valkey:*} (any registry prefix): the official image's
 *       {@code docker-entrypoint.sh} with CMD {@code redis-server}, WORKDIR /data, run with Debian's
 *       {@code /usr/bin/redis-server}. The entrypoint prepends {@code redis-server} when the first argument is a
 *       flag or ends in {@code .conf}. The official image is built with protected mode off, so
 *       {@code --protected-mode no} is added unless the arguments or the config file set it;</li>
 *   <li>anything else cannot be pulled ({@link Unavailable}, reported as ErrImagePull).</li>
 * </ul>
 */
public final class Images {
    private final Path nodeJar;
    private final Supplier<Path> operatorApp;
    private final String java;
    private final Map<String, OciImage> tarballs;

    /** @param operatorApp the Quarkus app directory; asked for only when an operator pod starts */
    public Images(Path nodeJar, Supplier<Path> operatorApp, String java) {
        this(nodeJar, operatorApp, java, Map.of());
    }

    /** @param tarballs image tarballs by the names they carry: these names run the image itself */
    public Images(Path nodeJar, Supplier<Path> operatorApp, String java, Map<String, OciImage> tarballs) {
        this.nodeJar = nodeJar;
        this.operatorApp = operatorApp;
        this.java = java;
        this.tarballs = Map.copyOf(tarballs);
    }

    /**
     * The argv to exec and the image's working directory; for an image run from its tarball also the image (root
     * filesystem, env, user), else null: the argv then runs on the host's file system.
     */
    public record Launch(List<String> argv, String workingDir, OciImage image) {
        public Launch(List<String> argv, String workingDir) {
            this(argv, workingDir, null);
        }
    }

    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * @param configMentions tells whether a config file (a path as the container sees it) sets a directive; used
     *                       for the redis image's protected-mode default
     */
    public Launch launch(String image, List<String> command, List<String> args, BiPredicate<String, String> configMentions)
            throws Unavailable {
        OciImage oci = tarballs.get(image);
        if (oci != null) {
            // Kubernetes: command replaces ENTRYPOINT (and drops CMD); args replace CMD.
            List<String> argv = new ArrayList<>(command.isEmpty() ? oci.entrypoint() : command);
            argv.addAll(!args.isEmpty() || !command.isEmpty() ? args : oci.cmd());
            if (argv.isEmpty()) {
                throw new Unavailable("image " + image + " has no entrypoint or cmd, and the container no command");
            }
            return new Launch(argv, oci.workingDir(), oci);
        }
        if (image.contains("chorus-node")) {
            List<String> argv = new ArrayList<>();
            if (command.isEmpty()) {
                argv.addAll(List.of(java, "-XX:+UseSerialGC", "-jar", nodeJar.toString()));
            } else {
                argv.addAll(command);
            }
            argv.addAll(args);
            return new Launch(argv, "/data");
        }
        if (image.contains("chorus-operator")) {
            List<String> argv = new ArrayList<>(command.isEmpty()
                    ? List.of(java, "-XX:+UseSerialGC", "-jar", operatorApp.get().resolve("quarkus-run.jar").toString())
                    : command);
            argv.addAll(args);
            return new Launch(argv, "/deployments");
        }
        String repo = repository(image);
        if (repo.equals("redis") || repo.equals("valkey/valkey")) {
            List<String> argv = new ArrayList<>();
            if (!command.isEmpty()) {
                argv.addAll(command);
                argv.addAll(args);
            } else {
                argv.addAll(args.isEmpty() ? List.of("redis-server") : args);
                if (argv.get(0).startsWith("-") || argv.get(0).endsWith(".conf")) {
                    argv.add(0, "redis-server");
                }
            }
            argv.set(0, redisProgram(argv.get(0)));
            if (argv.get(0).equals("/usr/bin/redis-server") && !setsProtectedMode(argv, configMentions)) {
                argv.addAll(List.of("--protected-mode", "no"));
            }
            return new Launch(argv, "/data");
        }
        throw new Unavailable("the chorus test bed cannot run image \"" + image + "\": it runs only images whose name "
                + "contains \"chorus-node\" (the built node jar) or \"chorus-operator\" (the built Quarkus app), redis:* and valkey/valkey:* (Debian's redis-server)");
    }

    /** valkey-server/valkey-cli (valkey image) and redis-server/redis-cli map to Debian's Redis programs. */
    static String redisProgram(String argv0) {
        String base = argv0.substring(argv0.lastIndexOf('/') + 1);
        return switch (base) {
            case "redis-server", "valkey-server" -> "/usr/bin/redis-server";
            case "redis-cli", "valkey-cli" -> "/usr/bin/redis-cli";
            default -> argv0;
        };
    }

    private static boolean setsProtectedMode(List<String> argv, BiPredicate<String, String> configMentions) {
        Predicate<String> isFlag = a -> a.equalsIgnoreCase("--protected-mode");
        if (argv.stream().anyMatch(isFlag)) {
            return true;
        }
        return argv.size() > 1 && !argv.get(1).startsWith("-") && configMentions.test(argv.get(1), "protected-mode");
    }

    /** "docker.io/library/redis:7.2@sha256:.." -> "redis"; "valkey/valkey:8" -> "valkey/valkey". */
    static String repository(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int slash = s.lastIndexOf('/');
        int colon = s.lastIndexOf(':');
        if (colon > slash) {
            s = s.substring(0, colon);
        }
        String[] parts = s.split("/");
        int from = 0;
        if (parts.length > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
            from = 1; // registry host
        }
        if (parts.length - from > 1 && parts[from].equals("library")) {
            from++;
        }
        return String.join("/", Arrays.asList(parts).subList(from, parts.length));
    }
}
