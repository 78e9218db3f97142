package dev.chorus.node.command.meta;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything Redis 7.0.15 reports about one command or subcommand through COMMAND INFO and COMMAND DOCS, as
 * captured in {@link RedisCommandData}. {@code flags}, {@code aclCategories} and {@code tips} keep Redis' order;
 * {@code docs} is COMMAND DOCS' map without its subcommands (summary, since, group, complexity, history, arguments...).
 */
public record CommandMeta(
        String fullName,
        int arity,
        List<String> flags,
        int firstKey,
        int lastKey,
        int keyStep,
        List<String> aclCategories,
        List<String> tips,
        List<KeySpec> keySpecs,
        Map<String, Object> docs,
        Map<String, CommandMeta> subcommands) {

    /** A subcommand by its own lowercase name ("get" for CONFIG GET), or null. */
    public CommandMeta subcommand(String name) {
        return subcommands.get(fullName + "|" + name);
    }

    public boolean hasFlag(String flag) {
        return flags.contains(flag);
    }

    /** At least one key spec names real keys (Redis' doesCommandHaveKeys, getkeys procs aside). */
    public boolean hasKeySpecs() {
        return keySpecs.stream().anyMatch(s -> !s.has("not_key"));
    }

    @SuppressWarnings("unchecked")
    static CommandMeta fromJson(String fullName, Map<String, Object> json) {
        Map<String, CommandMeta> subs = new LinkedHashMap<>();
        Map<String, Object> subJson = (Map<String, Object>) json.get("subcommands");
        if (subJson != null) {
            subJson.forEach((name, sub) -> subs.put(name, fromJson(name, (Map<String, Object>) sub)));
        }
        return new CommandMeta(fullName,
                integer(json, "arity"),
                strings(json.get("flags")),
                integer(json, "first_key"),
                integer(json, "last_key"),
                integer(json, "key_step"),
                strings(json.get("acl_categories")),
                strings(json.get("tips")),
                ((List<Object>) json.get("key_specs")).stream()
                        .map(s -> KeySpec.fromJson((Map<String, Object>) s)).toList(),
                (Map<String, Object>) json.get("docs"),
                Collections.unmodifiableMap(subs));
    }

    private static int integer(Map<String, Object> json, String key) {
        return ((Long) json.get(key)).intValue();
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String.class::cast).toList();
    }
}
