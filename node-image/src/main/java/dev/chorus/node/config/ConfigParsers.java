package dev.chorus.node.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Parsers for the directives whose values are more than a number, a yes/no or one word of a list: each one follows
 * the Redis 7.0.15 function named in its comment (src/config.c, src/server.c), error text included.
 */
final class ConfigParsers {
    private ConfigParsers() {
    }

    /**
     * isValidProcTitleTemplate: sdstemplate expansion with Redis' variables ({@code {{} quotes a brace, an unknown
     * variable or an unclosed one is an error), and the expansion, trimmed of spaces, must not be empty. Validation
     * expands with an empty title, as Redis does.
     */
    static Object parseProcTitleTemplate(List<String> args) throws ConfigException {
        String template = Directives.single(args);
        String expanded = expandProcTitle(template, "");
        if (expanded == null || expanded.strip().isEmpty() || expanded.replaceAll("^ +| +$", "").isEmpty()) {
            throw new ConfigException("template format is invalid or contains unknown variables");
        }
        return template;
    }

    /** sdstemplate with redisProcTitleGetVariable's variables; null when the template is invalid. */
    static String expandProcTitle(String template, String title) {
        StringBuilder out = new StringBuilder();
        int p = 0;
        while (p < template.length()) {
            int sv = template.indexOf('{', p);
            if (sv < 0) {
                out.append(template, p, template.length());
                break;
            }
            out.append(template, p, sv);
            sv++;
            if (sv >= template.length()) {
                return null; // premature end of template
            }
            if (template.charAt(sv) == '{') {
                out.append('{');
                p = sv + 1;
                continue;
            }
            int ev = template.indexOf('}', sv);
            if (ev < 0) {
                return null;
            }
            String value = switch (template.substring(sv, ev)) {
                case "title" -> title;
                case "listen-addr" -> "*:6379"; // never empty: Redis prints the first bind address and port
                case "server-mode" -> "";
                case "port", "tls-port" -> "0";
                case "unixsocket", "config-file" -> "";
                default -> null;
            };
            if (value == null) {
                return null;
            }
            out.append(value);
            p = ev + 1;
        }
        return out.toString();
    }

    /** oom_score_adj_enum: "yes" and "relative" are one value, which CONFIG GET names "yes" (the first name). */
    static Object parseOomScoreAdj(List<String> args) throws ConfigException {
        String v = Directives.single(args).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "no" -> "no";
            case "yes", "relative" -> "yes";
            case "absolute" -> "absolute";
            default -> throw new ConfigException(
                    "argument(s) must be one of the following: no, yes, relative, absolute");
        };
    }

    /** setConfigOOMScoreAdjValuesOption: three integers between -2000 and 2000. */
    static Object parseOomScoreAdjValues(List<String> args) throws ConfigException {
        if (args.size() != 3) {
            throw new ConfigException("wrong number of arguments");
        }
        List<Long> values = new ArrayList<>();
        for (String a : args) {
            Long v = strtoll(a);
            if (v == null || v < -2000 || v > 2000) {
                throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
            values.add(v);
        }
        return List.copyOf(values);
    }

    @SuppressWarnings("unchecked")
    static String joinInts(Object v) {
        return ((List<Long>) v).stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /**
     * C's strtoll(s, &end, 10) with *end == '\0' required: leading spaces and a sign allowed, at least no garbage
     * after the digits (an empty string parses as 0, as strtoll does), saturating on overflow.
     */
    static Long strtoll(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        int start = i;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == digits) {
            return s.length() == 0 || i == start ? (s.substring(start).isEmpty() ? 0L : null) : null;
        }
        if (i != s.length()) {
            return null;
        }
        try {
            return Long.parseLong(s.substring(start).replace("+", ""));
        } catch (NumberFormatException e) {
            return s.charAt(start) == '-' ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /**
     * shutdown_on_sig_enum (an enum of flags, 7.0): one or more of default, save, nosave, now, force; CONFIG GET shows
     * the flags that are set, in that order, or "default" when none is.
     */
    static Object parseShutdownFlags(List<String> args) throws ConfigException {
        String[] names = {"default", "save", "nosave", "now", "force"};
        boolean[] set = new boolean[names.length];
        for (String a : args) {
            int found = -1;
            for (int i = 0; i < names.length; i++) {
                if (names[i].equalsIgnoreCase(a)) {
                    found = i;
                }
            }
            if (found < 0) {
                throw new ConfigException("argument(s) must be one of the following: default, save, nosave, now, "
                        + "force");
            }
            set[found] = true;
        }
        if (args.isEmpty()) {
            throw new ConfigException("argument(s) must be one of the following: default, save, nosave, now, force");
        }
        if (set[1] && set[2]) {
            throw new ConfigException("shutdown options SAVE and NOSAVE can't be used simultaneously");
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i < names.length; i++) {
            if (set[i]) {
                out.add(names[i]);
            }
        }
        return out.isEmpty() ? "default" : String.join(" ", out);
    }

    /** isValidAnnouncedHostname. */
    static Object parseHostname(List<String> args) throws ConfigException {
        String v = Directives.single(args);
        if (v.length() >= 256) {
            throw new ConfigException("Hostnames must be less than 256 characters");
        }
        for (char c : v.toCharArray()) {
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.')) {
                throw new ConfigException("Hostnames may only contain alphanumeric characters, hyphens or dots");
            }
        }
        return v;
    }

    /** isValidAOFfilename. */
    static Object parseAppendFilename(List<String> args) throws ConfigException {
        String v = Directives.single(args);
        if (v.isEmpty()) {
            throw new ConfigException("appendfilename can't be empty");
        }
        if (v.contains("/")) {
            throw new ConfigException("appendfilename can't be a path, just a filename");
        }
        return v;
    }

    /** isValidAOFdirname. */
    static Object parseAppendDirname(List<String> args) throws ConfigException {
        String v = Directives.single(args);
        if (v.isEmpty()) {
            throw new ConfigException("appenddirname can't be empty");
        }
        if (v.contains("/")) {
            throw new ConfigException("appenddirname can't be a path, just a dirname");
        }
        return v;
    }

    /**
     * maxmemory-clients (MEMORY_CONFIG | PERCENT_CONFIG, -100..SSIZE_MAX): a memory value, or "N%" kept as -N. Redis
     * tries the memory form first, then the percent form.
     */
    static Object parseMaxmemoryClients(List<String> args) throws ConfigException {
        String v = Directives.single(args);
        long value;
        try {
            value = Directives.parseMemory(v);
        } catch (ConfigException notMemory) {
            Long percent = null;
            if (v.length() > 1 && v.endsWith("%")) {
                String digits = v.substring(0, v.length() - 1);
                if (digits.matches("-?(0|[1-9][0-9]*)") && !digits.equals("-0")) {
                    try {
                        percent = Long.parseLong(digits);
                    } catch (NumberFormatException e) {
                        percent = null;
                    }
                }
            }
            if (percent == null || percent < 0) {
                throw new ConfigException("argument must be a memory or percent value");
            }
            value = -percent;
        }
        if (value < 0) {
            if (value < -100) {
                throw new ConfigException("percentage argument must be less or equal to 100");
            }
        } else if (value > Long.MAX_VALUE) {
            throw new ConfigException("argument must be between -100 and 9223372036854775807 inclusive");
        }
        return value;
    }

    static String formatPercentOrBytes(Object v) {
        long value = (Long) v;
        return value < 0 ? (-value) + "%" : Long.toString(value);
    }

    /** TLS is not built in: the directives that would turn it on are refused with Redis' apply error. */
    static Object noTls(boolean enables, Object value) throws ConfigException {
        if (enables) {
            throw new ConfigException("Unable to update TLS configuration. Check server logs.");
        }
        return value;
    }
}
