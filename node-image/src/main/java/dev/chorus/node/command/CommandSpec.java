package dev.chorus.node.command;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One row of the command table: everything COMMAND INFO/DOCS reports and the dispatcher checks, plus the handler.
 * Arity follows Redis: positive means exactly that many arguments (the name included), negative means at least.
 */
public record CommandSpec(
        String name,
        int arity,
        Set<CommandFlag> flags,
        int firstKey,
        int lastKey,
        int keyStep,
        String group,
        String summary,
        String since,
        CommandHandler handler,
        Map<String, CommandSpec> subcommands,
        CommandSpec parent) {

    /** Builder entry point: {@code CommandSpec.of("get", 2, "readonly fast").keys(1, 1, 1).summary(...).handler(...)}. */
    public static Builder of(String name, int arity, String flags) {
        return new Builder(name, arity, flags);
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

    /** Key positions for this invocation (used by MULTI/WATCH bookkeeping and COMMAND GETKEYS). */
    public int[] keyPositions(int argc) {
        if (firstKey <= 0) {
            return new int[0];
        }
        int last = lastKey < 0 ? argc + lastKey : lastKey;
        int step = Math.max(keyStep, 1);
        int[] out = new int[Math.max(0, (last - firstKey) / step + 1)];
        int n = 0;
        for (int i = firstKey; i <= last && i < argc; i += step) {
            out[n++] = i;
        }
        return Arrays.copyOf(out, n);
    }

    public static final class Builder {
        private final String name;
        private final int arity;
        private final Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        private int firstKey;
        private int lastKey;
        private int keyStep;
        private String group = "generic";
        private String summary = "";
        private String since = "1.0.0";
        private CommandHandler handler;
        private final Map<String, Builder> subcommands = new LinkedHashMap<>();

        private Builder(String name, int arity, String flagList) {
            this.name = name.toLowerCase(java.util.Locale.ROOT);
            this.arity = arity;
            for (String f : flagList.trim().split("\\s+")) {
                if (!f.isEmpty()) {
                    flags.add(CommandFlag.byName(f));
                }
            }
        }

        public Builder keys(int first, int last, int step) {
            this.firstKey = first;
            this.lastKey = last;
            this.keyStep = step;
            return this;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder since(String since) {
            this.since = since;
            return this;
        }

        public Builder handler(CommandHandler handler) {
            this.handler = handler;
            return this;
        }

        /** A subcommand such as CLIENT SETNAME; its arity counts the container command's name too. */
        public Builder sub(Builder sub) {
            subcommands.put(sub.name, sub);
            return this;
        }

        public CommandSpec build() {
            return build(null);
        }

        private CommandSpec build(CommandSpec parent) {
            Map<String, CommandSpec> subs = new LinkedHashMap<>();
            CommandSpec self = new CommandSpec(name, arity, Set.copyOf(flags.isEmpty() ? EnumSet.noneOf(CommandFlag.class) : flags),
                    firstKey, lastKey, keyStep, group, summary, since, handler, subs, parent);
            for (Builder b : subcommands.values()) {
                b.group = group;
                subs.put(b.name, b.build(self));
            }
            return self;
        }
    }
}
