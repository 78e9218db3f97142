package dev.chorus.node.command;

import dev.chorus.node.command.meta.CommandMeta;
import dev.chorus.node.command.meta.KeysProc;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One row of the command table. A family declares what the dispatcher needs at run time (name, arity, flags,
 * handler, and for a few commands a {@link KeysProc}); everything COMMAND INFO and COMMAND DOCS report comes from
 * Redis' own captured metadata ({@link #meta()}), merged in by {@link CommandTable}, and CommandTableTest keeps the
 * declared arity and flags equal to it. Arity follows Redis: positive means exactly that many arguments (the name
 * included), negative means at least.
 */
public record CommandSpec(
        String name,
        int arity,
        Set<CommandFlag> flags,
        CommandHandler handler,
        KeysProc keysProc,
        CommandMeta meta,
        Map<String, CommandSpec> subcommands,
        CommandSpec parent) {

    /** Builder entry point: {@code CommandSpec.of("get", 2, "readonly fast").handler(StringCommands::get)}. */
    public static Builder of(String name, int arity, String flags) {
        return new Builder(name, arity, flags);
    }

    /** Shorthand for {@code of(name, arity, flags).handler(handler)}. */
    public static Builder of(String name, int arity, String flags, CommandHandler handler) {
        return new Builder(name, arity, flags).handler(handler);
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    public boolean isWrite() {
        return flags.contains(CommandFlag.WRITE);
    }

    /** "client|setname" for subcommands, as Redis 7 names them in errors and COMMAND output. */
    public String fullName() {
        return parent == null ? name : parent.name + "|" + name;
    }

    public boolean acceptsArgCount(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** A subcommand by name, case-insensitively, or null. */
    public CommandSpec subcommand(String name) {
        return subcommands.get(name.toLowerCase(Locale.ROOT));
    }

    public static final class Builder {
        private final String name;
        private final int arity;
        private final Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        private CommandHandler handler;
        private KeysProc keysProc;
        private final Map<String, Builder> subcommands = new LinkedHashMap<>();

        private Builder(String name, int arity, String flagList) {
            this.name = name.toLowerCase(Locale.ROOT);
            this.arity = arity;
            for (String f : flagList.trim().split("\\s+")) {
                if (!f.isEmpty()) {
                    flags.add(CommandFlag.byName(f));
                }
            }
        }

        public String name() {
            return name;
        }

        public Builder handler(CommandHandler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Redis' getkeys_proc for this command: how COMMAND GETKEYS finds its keys when the key specs can't (an
         * invalid numkeys, or flags that depend on the arguments).
         */
        public Builder getKeys(KeysProc proc) {
            this.keysProc = proc;
            return this;
        }

        /** A subcommand such as CLIENT SETNAME; its arity counts the container command's name too. */
        public Builder sub(Builder sub) {
            subcommands.put(sub.name, sub);
            return this;
        }

        /** The row, with Redis' metadata for it ({@code meta.subcommand(..)} supplies each subcommand's). */
        CommandSpec build(CommandMeta meta) {
            return build(meta, null);
        }

        private CommandSpec build(CommandMeta meta, CommandSpec parent) {
            Map<String, CommandSpec> subs = new LinkedHashMap<>();
            CommandSpec self = new CommandSpec(name, arity, java.util.Collections.unmodifiableSet(EnumSet.copyOf(flags)), handler, keysProc, meta,
                    java.util.Collections.unmodifiableMap(subs), parent);
            for (Builder b : subcommands.values()) {
                CommandMeta subMeta = meta.subcommand(b.name);
                if (subMeta == null) {
                    throw new IllegalStateException(self.fullName() + "|" + b.name + " is not a Redis command");
                }
                subs.put(b.name, b.build(subMeta, self));
            }
            return self;
        }
    }
}
