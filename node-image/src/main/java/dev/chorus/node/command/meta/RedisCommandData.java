package dev.chorus.node.command.meta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redis 7.0.15's own command metadata, captured once from a real redis-server by {@code commands/generate.sh} and
 * committed as {@value #RESOURCE}. The command table takes from it all that COMMAND INFO and COMMAND DOCS report,
 * for the commands the node implements; it is parsed once per JVM and never changes.
 */
public final class RedisCommandData {
    public static final String RESOURCE = "/commands/redis-7.0.15-commands.json";

    private final String redisVersion;
    private final Map<String, CommandMeta> commands;

    private RedisCommandData(String redisVersion, Map<String, CommandMeta> commands) {
        this.redisVersion = redisVersion;
        this.commands = commands;
    }

    /** The committed Redis 7.0.15 data. */
    public static RedisCommandData redis7() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final RedisCommandData INSTANCE = load(RESOURCE);
    }

    @SuppressWarnings("unchecked")
    public static RedisCommandData parse(String json) {
        Map<String, Object> root = (Map<String, Object>) Json.parse(json);
        Map<String, CommandMeta> commands = new LinkedHashMap<>();
        ((Map<String, Object>) root.get("commands")).forEach((name, c) ->
                commands.put(name, CommandMeta.fromJson(name, (Map<String, Object>) c)));
        return new RedisCommandData((String) root.get("redis_version"), Collections.unmodifiableMap(commands));
    }

    private static RedisCommandData load(String resource) {
        try (InputStream in = RedisCommandData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String redisVersion() {
        return redisVersion;
    }

    /** A top-level command by lowercase name, or null when Redis has no such command. */
    public CommandMeta command(String name) {
        return commands.get(name);
    }

    public Collection<CommandMeta> all() {
        return commands.values();
    }
}
